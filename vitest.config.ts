import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// scripts/tools installs uv, moto_server and gcp-storage-emulator here.
const toolsBin = fileURLToPath(new URL("./.tools/bin", import.meta.url));

export default defineConfig({
  test: {
    include: ["ts/**/*.test.ts", "lib/**/*.test.ts", "modules/**/*.test.ts"],
    // `result*` are nix build outputs: symlinks into copies of the tree.
    exclude: ["**/node_modules/**", "**/result*/**", "dist/**", ".tools/**"],
    globalSetup: ["ts/testkit/global-setup.ts"],
    env: { PATH: `${toolsBin}:${process.env["PATH"] ?? "/usr/bin:/bin"}` },
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Nix, registry and chroot tests share one store and loopback ports.
    fileParallelism: true,
    pool: "forks",
  },
});
