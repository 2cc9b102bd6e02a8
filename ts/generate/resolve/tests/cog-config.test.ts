import { describe, expect, it } from "vitest";
import { cogConfigLabel } from "../cog-config.ts";
import { goString } from "../go-json.ts";
import { resolve, type Resolved } from "../index.ts";

const cpu: Resolved = resolve({ gpu: false, pythonVersion: "3.12", pythonVersionLoc: {}, requirements: [] });
const gpu = (lines: string[]): Resolved =>
  resolve({ gpu: true, pythonVersion: "3.11", pythonVersionLoc: {}, requirements: lines.map((text) => ({ text, loc: {} })) });

describe("run.cog.config label", () => {
  it("GPU: cuda/cudnn completed, string run items as objects, Cog's field order", () => {
    const raw = {
      predict: "predict.py:Predictor",
      image: "r8.im/me/model",
      build: {
        system_packages: ["ffmpeg", "libgl1"],
        gpu: true,
        run: ["echo hi", { command: "pip install x", mounts: [{ type: "secret", id: "hf", target: "/run/secrets/hf" }] }],
        python_version: "3.11",
        python_requirements: "requirements.txt",
      },
    };
    expect(cogConfigLabel(raw, gpu(["torch==2.3.1"]))).toBe(
      '{"build":{"gpu":true,"python_version":"3.11","python_requirements":"requirements.txt",' +
        '"run":[{"command":"echo hi"},{"command":"pip install x","mounts":[{"type":"secret","id":"hf","target":"/run/secrets/hf"}]}],' +
        '"system_packages":["ffmpeg","libgl1"],"cuda":"12.1","cudnn":"8"},"image":"r8.im/me/model","predict":"predict.py:Predictor"}',
    );
  });

  it("GPU from TensorFlow, with sdk_version and model", () => {
    const raw = {
      build: { gpu: true, python_version: "3.10", python_packages: ["tensorflow==2.12.0"], sdk_version: "0.16.12" },
      model: "registry.example.com/acme/m",
      predict: "p.py:P",
    };
    expect(cogConfigLabel(raw, resolve({ gpu: true, pythonVersion: "3.10", pythonVersionLoc: {}, requirements: [{ text: "tensorflow==2.12.0", loc: {} }] }))).toBe(
      '{"build":{"gpu":true,"python_version":"3.10","python_packages":["tensorflow==2.12.0"],"cuda":"11.8","cudnn":"8","sdk_version":"0.16.12"},' +
        '"model":"registry.example.com/acme/m","predict":"p.py:P"}',
    );
  });

  it("CPU: `run` becomes predict, HTML-safe escaping, weights in both source shapes", () => {
    const raw = {
      build: { python_version: "3.12", python_packages: ["numpy<2", "torch>=2.1", "a&b"], cuda: "12.1", gpu: false },
      run: "run.py:Runner",
      train: "train.py:train",
      concurrency: { max: 4 },
      environment: ["A=1"],
      weights: [
        { name: "w1", target: "/src/w1", source: { uri: "hf://a/b", exclude: ["*.onnx"] } },
        { name: "w2", target: "/src/w2", source: [{ uri: "./x" }, { uri: "./y", include: ["*.bin"] }] },
      ],
      unknown_key: "dropped",
    };
    expect(cogConfigLabel(raw, cpu)).toBe(
      '{"build":{"python_version":"3.12","python_packages":["numpy\\u003c2","torch\\u003e=2.1","a\\u0026b"],"cuda":"12.1"},' +
        '"predict":"run.py:Runner","train":"train.py:train","concurrency":{"max":4},"environment":["A=1"],' +
        '"weights":[{"name":"w1","target":"/src/w1","source":{"uri":"hf://a/b","exclude":["*.onnx"]}},' +
        '{"name":"w2","target":"/src/w2","source":[{"uri":"./x"},{"uri":"./y","include":["*.bin"]}]}]}',
    );
  });

  it("empty and near-empty configs", () => {
    expect(cogConfigLabel({}, cpu)).toBe('{"build":{}}');
    expect(cogConfigLabel({ build: null }, cpu)).toBe('{"build":{}}');
    expect(cogConfigLabel({ build: { python_version: "3.12" }, run: "", predict: "p.py:P", concurrency: {} }, cpu)).toBe(
      '{"build":{"python_version":"3.12"},"predict":"p.py:P","concurrency":{}}',
    );
  });

  it("is the same for the same input, whatever the key order of the YAML", () => {
    const a = cogConfigLabel({ build: { gpu: true, python_version: "3.11" }, predict: "p.py:P" }, gpu([]));
    const b = cogConfigLabel({ predict: "p.py:P", build: { python_version: "3.11", gpu: true } }, gpu([]));
    expect(a).toBe(b);
    expect(JSON.parse(a)).toEqual({ build: { gpu: true, python_version: "3.11", cuda: "11.8", cudnn: "8" }, predict: "p.py:P" });
  });
});

describe("Go string escaping", () => {
  it("escapes like encoding/json", () => {
    expect(goString('\u0001\b\f\n\r\t"\\<>&\u2028\u2029é😀')).toBe('"\\u0001\\b\\f\\n\\r\\t\\"\\\\\\u003c\\u003e\\u0026\\u2028\\u2029é😀"');
    expect(goString("a\ud800b")).toBe('"a\ufffdb"');
  });
});
