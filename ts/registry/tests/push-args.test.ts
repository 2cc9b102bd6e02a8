import { describe, expect, it } from "vitest";
import { parsePushArgs } from "../push-args.ts";

describe("parsePushArgs", () => {
  it("reads the reference and flags", () => {
    expect(parsePushArgs(["localhost:5000/m:t", "--insecure", "-j", "8", "--compression", "zstd", "--json", "--cache-dir", "/c", "--authfile", "/a.json", "--no-progress"])).toEqual({
      ref: "localhost:5000/m:t",
      insecure: true,
      json: true,
      jobs: 8,
      compression: "zstd",
      cacheDir: "/c",
      authFile: "/a.json",
      progress: false,
    });
    expect(parsePushArgs(["r8.im/u/m"])).toEqual({ ref: "r8.im/u/m", insecure: false, json: false });
  });

  it.each([
    [["a", "b"], /exactly one image reference/],
    [[], /exactly one image reference/],
    [["r", "--jobs", "0"], /--jobs: must be an integer from 1 to 64, got "0"/],
    [["r", "--compression", "lz4"], /--compression: must be gzip or zstd/],
    [["r", "--frobnicate"], /Unknown option '--frobnicate'[\s\S]*usage: push REF/],
  ])("rejects %j", (argv, why) => {
    expect(() => parsePushArgs(argv)).toThrow(why);
  });
});
