import type { Location, Problem } from "../../util/errors.ts";

/** One normalized requirement line and where it came from. */
export interface Requirement {
  text: string;
  loc: Location;
  /** An index the line names for itself (`name==V --extra-index-url=URL`): Cog then leaves its version alone. */
  ownIndex?: string;
}

export interface ResolveInput {
  gpu: boolean;
  /** As written: "3.11" or "3.12.4". */
  pythonVersion: string;
  pythonVersionLoc: Location;
  requirements: Requirement[];
  cuda?: { value: string; loc: Location };
  cudnn?: { value: string; loc: Location };
  sdkVersion?: { value: string; loc: Location };
  /** The model's flake sets `python.interpreter` (for a Python nixpkgs lacks). */
  interpreterFromFlake?: boolean;
  /** Why the flake could not be asked, when it had to be. */
  flakeUnread?: string;
}

export interface Resolved {
  cuda: { version: string; cudnn: string } | null;
  /** version is the exact pin, else the version Cog reads from a range (its first), else "". */
  torch: { version: string; torchvision: string | null; torchaudio: string | null; variant: string; indexUrl: string | null } | null;
  tensorflow: { version: string; package: string } | null;
  /** Rewritten lines, same order. */
  requirements: string[];
  indexes: { name: string; url: string; packages: string[] }[];
  /** The exact cog SDK, or null for the newest cog and coglet. */
  cogSdkVersion: string | null;
  /** Each where the line or key it is about was written. */
  warnings: Problem[];
}
