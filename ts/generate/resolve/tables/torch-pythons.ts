/**
 * Python minors torch wheels exist for, beyond the ones Cog's matrix lists
 * (Cog only records the Pythons its generator scanned, 3.10 and newer).
 *
 * Sources:
 * - 1.12 to 2.11: the "Release Compatibility Matrix" in pytorch/pytorch
 *   RELEASE.md (stable Python range of each release; "experimental" Pythons
 *   are left out unless Cog's own matrix lists them).
 * - 1.11: the cp37 to cp310 wheels on download.pytorch.org/whl/cu113, as
 *   hashed in nixpkgs' torch-bin binary-hashes.nix for 1.11.0.
 */
export const EXTRA_TORCH_PYTHONS: Readonly<Record<string, readonly string[]>> = {
  "1.11": ["3.7", "3.8", "3.9", "3.10"],
  "1.12": ["3.7", "3.8", "3.9", "3.10"],
  "1.13": ["3.7", "3.8", "3.9", "3.10"],
  "2.0": ["3.8", "3.9", "3.10", "3.11"],
  "2.1": ["3.8", "3.9", "3.10", "3.11"],
  "2.2": ["3.8", "3.9", "3.10", "3.11"],
  "2.3": ["3.8", "3.9", "3.10", "3.11"],
  "2.4": ["3.8", "3.9", "3.10", "3.11", "3.12"],
  "2.5": ["3.9", "3.10", "3.11", "3.12"],
  "2.6": ["3.9", "3.10", "3.11", "3.12", "3.13"],
  "2.7": ["3.9", "3.10", "3.11", "3.12", "3.13"],
  "2.8": ["3.9", "3.10", "3.11", "3.12", "3.13"],
  "2.9": ["3.10", "3.11", "3.12", "3.13", "3.14"],
  "2.10": ["3.10", "3.11", "3.12", "3.13", "3.14"],
  "2.11": ["3.10", "3.11", "3.12", "3.13", "3.14"],
};
