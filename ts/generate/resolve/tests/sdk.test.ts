import { describe, expect, it } from "vitest";
import { formatProblem, type Problem } from "../../../util/errors.ts";
import { choosesCoglet, LAST_LEGACY_SDK, resolveSdk, servedByCoglet, type SdkChoice } from "../sdk.ts";

const pythonAt = (version: string | null) => ({ version, loc: { file: "cog.yaml", line: 3, column: 19, path: ["build", "python_version"] } });
const pin = (value: string) => ({ value, loc: { file: "cog.yaml", line: 4, column: 16, path: ["build", "sdk_version"] } });
const reqs = (...lines: string[]) => lines.map((text, i) => ({ text, loc: { file: "requirements.txt", line: i + 1 } }));

function choice(r: SdkChoice | Problem): SdkChoice {
  if ("message" in r) throw new Error(`expected a choice, got: ${r.message}`);
  return r;
}
function problem(r: SdkChoice | Problem): Problem {
  if (!("message" in r)) throw new Error(`expected a problem, got ${JSON.stringify(r)}`);
  return r;
}

describe("resolveSdk", () => {
  it("leaves the SDK to uv.lock (the newest) when cog.yaml pins none, quietly", () => {
    expect(resolveSdk(undefined, pythonAt("3.10"), [])).toEqual({ version: null, warnings: [] });
    expect(resolveSdk(undefined, pythonAt("3.13"), [])).toEqual({ version: null, warnings: [] });
  });

  it("gives a Python current Cog refuses the last 0.16 SDK, saying so at python_version", () => {
    const r = choice(resolveSdk(undefined, pythonAt("3.9"), []));
    expect(r.version).toBe(LAST_LEGACY_SDK);
    expect(r.warnings.map(formatProblem)).toEqual([
      "cog.yaml:3:19: build.python_version: current Cog needs Python 3.10 or newer, so cognix installs cog 0.16.12, the last SDK that runs on Python 3.9 (served by its own Python server, not coglet); use Python 3.10+ for the current SDK",
    ]);
  });

  it("honours an explicit pin, on either side of 0.17, pre-releases too", () => {
    expect(choice(resolveSdk(pin("0.16.12"), pythonAt("3.12"), [])).version).toBe("0.16.12");
    expect(choice(resolveSdk(pin("0.16.0"), pythonAt("3.9"), [])).version).toBe("0.16.0");
    expect(choice(resolveSdk(pin(" 0.18.0rc1 "), pythonAt("3.11"), []))).toEqual({ version: "0.18.0rc1", warnings: [] });
  });

  it("refuses what Cog refuses, at sdk_version", () => {
    expect(problem(resolveSdk(pin("0.15.9"), pythonAt("3.11"), []))).toEqual({
      file: "cog.yaml", line: 4, column: 16, path: ["build", "sdk_version"],
      message: "cog version 0.15.9 is below the minimum required version 0.16.0",
    });
    expect(problem(resolveSdk(pin("0.17.0"), pythonAt("3.9"), [])).message).toBe(
      'cog 0.17.0 needs Python 3.10 or newer (python_version is 3.9); use sdk_version "0.16.12" or a newer Python',
    );
    expect(problem(resolveSdk(pin("latest"), pythonAt("3.11"), [])).message).toContain('sdk_version "latest" is not a version');
    expect(problem(resolveSdk(pin("prerelease"), pythonAt("3.11"), [])).message).toContain('"prerelease" is not supported');
  });

  it("replaces cog and coglet in the requirements, saying with what, at their lines", () => {
    const lines = reqs("numpy==1.26.4", "cog==0.9.0", "coglet>=0.1");
    expect(choice(resolveSdk(undefined, pythonAt("3.11"), lines)).warnings.map(formatProblem)).toEqual([
      "requirements.txt:2: 'cog==0.9.0' found in requirements — overriding with the newest cog from PyPI. Remove it from requirements and use build.sdk_version in cog.yaml to control the version",
      "requirements.txt:3: 'coglet>=0.1' found in requirements — overriding with the newest coglet from PyPI. Remove it from requirements and use build.sdk_version in cog.yaml to control the version",
    ]);
    expect(choice(resolveSdk(pin("0.20.0"), pythonAt("3.11"), lines)).warnings.map((w) => w.message.split(" — ")[1]?.split(".")[0])).toEqual([
      "overriding with cog==0",
      "overriding with the coglet cog 0",
    ]);
    expect(choice(resolveSdk(pin("0.16.12"), pythonAt("3.11"), lines)).warnings[1]?.message).toContain("removing it: cog 0.16.12 serves predictions with its own Python server");
  });
});

describe("which server", () => {
  it("coglet from 0.17.0 (pre-releases of 0.17.0 included, as Cog compares), the SDK's own below", () => {
    expect(servedByCoglet(null)).toBe(true);
    expect(servedByCoglet("0.17.0")).toBe(true);
    expect(servedByCoglet("0.17.0rc1")).toBe(true);
    expect(servedByCoglet("0.23.1.post1")).toBe(true);
    expect(servedByCoglet("0.16.12")).toBe(false);
    expect(servedByCoglet("0.16.99.1")).toBe(false);
  });

  it("as cog.yaml states it: a pin, or none on Python 3.10+", () => {
    expect(choosesCoglet(undefined, "3.10")).toBe(true);
    expect(choosesCoglet(undefined, "3.9")).toBe(false);
    expect(choosesCoglet("0.16.12", "3.12")).toBe(false);
    expect(choosesCoglet("prerelease", "3.12")).toBe(true);
    expect(choosesCoglet("0.17.0", "3.12")).toBe(true);
  });
});
