import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** This folder (the Nix cases) and its fixtures (model directories with uv.lock). */
export const TESTS_DIR = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(TESTS_DIR, "fixtures");
