import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["ts/**/*.test.ts", "lib/**/*.test.ts", "modules/**/*.test.ts"],
    // `result*` are nix build outputs: symlinks into copies of the tree.
    exclude: ["**/node_modules/**", "**/result*/**", "dist/**"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Nix, registry and chroot tests share one store and loopback ports.
    fileParallelism: true,
    pool: "forks",
  },
});
