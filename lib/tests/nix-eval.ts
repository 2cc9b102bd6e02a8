// The Nix helpers live in ts/testkit/nix-eval.ts; lib/offline's tests import them through here.
export { hasNix, inputAvailable } from "../../ts/testkit/nix-eval.ts";
