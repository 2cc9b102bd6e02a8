import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nixEvalError, nixEvalJson, nixUnavailable } from "../../../ts/testkit/nix-eval.ts";
import { TESTS_DIR } from "./paths.ts";

const missing = nixUnavailable();
if (missing) console.warn(`skipping the override tests: ${missing}`);

interface Applied {
  ignore: string[];
  siblings: string[] | null;
  system: string[] | null;
  buildInputs: string[];
}

const DRIVER = ["libcuda.so.1", "libcuda.so", "libnvidia-ml.so.1"];

describe("lib/python/overrides on the wheels that need them", () => {
  const result = missing ? null : nixEvalJson<Record<string, Applied>>(`import ${join(TESTS_DIR, "overrides-case.nix")} { }`);

  it.skipIf(missing !== null).each(["xformers", "flash-attn", "bitsandbytes"])("%s finds torch, triton and the nvidia wheels, and leaves libcuda to the driver", (name) => {
    const r = result![name]!;
    expect(r.ignore).toEqual(DRIVER);
    expect([...r.siblings!].sort()).toEqual(["nvidia-cublas-cu12", "nvidia-cudnn-cu12", "torch", "triton"]);
    expect(r.buildInputs).toEqual(expect.arrayContaining(["torch-1.0", "nvidia-cublas-cu12-1.0"]));
  });

  it.skipIf(missing !== null)("onnxruntime-gpu may leave TensorRT and CUDA provider libraries unresolved", () => {
    const r = result!["onnxruntime-gpu"]!;
    expect(r.ignore).toEqual(expect.arrayContaining([...DRIVER, "libnvinfer.so.*", "libcudart.so.*"]));
    expect(r.siblings).toEqual([]);
  });

  it.skipIf(missing !== null)("opencv gets GL and X11 from nixpkgs, headless only glib", () => {
    expect(result!["opencv-python"]!.buildInputs).toEqual(["libGL", "glib", "libxcb", "libX11", "libXext", "libSM", "libICE"]);
    expect(result!["opencv-python-headless"]!.buildInputs).toEqual(["glib"]);
  });

  it.skipIf(missing !== null)("nvidia wheels search only what they depend on; unrelated packages are untouched", () => {
    expect(result!["nvidia-cudnn-cu12"]!.siblings).toEqual(["nvidia-cublas-cu12"]);
    expect(result!["nvidia-cublas-cu12"]!.siblings).toEqual([]);
    for (const name of ["numpy", "einops"]) {
      expect(result![name]!.siblings, name).toBeNull();
      expect(result![name]!.ignore, name).toEqual([]);
    }
  });

  it.skipIf(missing !== null)("says which nixpkgs attribute is missing for opencv", () => {
    const err = nixEvalError(
      `let inputs = import ${join(TESTS_DIR, "..", "inputs.nix")} { }; lib = import (inputs.nixpkgs-lib.outPath + "/lib");
       o = (import ${join(TESTS_DIR, "..", "overrides")} { inherit lib; }).overlay { packageNames = [ "opencv-python" ]; sitePackages = "lib/python3.11/site-packages"; };
       final = { pkgs = { }; }; prev = { opencv-python = { overrideAttrs = f: f { }; }; };
       in (o final prev).opencv-python.buildInputs`,
    );
    expect(err).toContain("opencv-python needs libGL from nixpkgs");
  });
});
