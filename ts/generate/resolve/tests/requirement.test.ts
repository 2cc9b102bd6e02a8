import { describe, expect, it } from "vitest";
import { exactPin, lowerBound, parseRequirement, versionFromWheelUrl, withPinnedVersion } from "../requirement.ts";
import { greater, matches, parseVersion } from "../version.ts";

const parse = (t: string) => {
  const r = parseRequirement(t);
  if (r === null) throw new Error(`unparsed: ${t}`);
  return r;
};

describe("requirement lines", () => {
  it("normalizes names and reads specifiers, ignoring markers", () => {
    expect(parse('Torch_Vision[x]>=0.15, <0.17 ; python_version < "3.12"')).toEqual({
      name: "torch-vision",
      specifiers: [{ op: ">=", version: "0.15" }, { op: "<", version: "0.17" }],
      url: null,
    });
  });

  it("exact pins are a lone == without wildcard", () => {
    expect(exactPin(parse("torch==2.1.0+cu121"))).toBe("2.1.0+cu121");
    expect(exactPin(parse("torch===2.1.0"))).toBe("2.1.0");
    expect(exactPin(parse("torch==2.1.*"))).toBeNull();
    expect(exactPin(parse("torch>=2.1"))).toBeNull();
    expect(exactPin(parse("torch==2.1,!=2.1.1"))).toBeNull();
  });

  it("lower bounds come from ==, ~=, >=, >; upper bounds alone give none", () => {
    expect(lowerBound(parse("torch==2.2.*"))).toBe("2.2");
    expect(lowerBound(parse("torch~=2.1.0"))).toBe("2.1.0");
    expect(lowerBound(parse("torch<3,>=2.3"))).toBe("2.3");
    expect(lowerBound(parse("torch<2.5"))).toBeNull();
    expect(lowerBound(parse("torch"))).toBeNull();
  });

  it("reads the version of a wheel URL and rewrites only the version", () => {
    const r = parse("torch @ https://download.pytorch.org/whl/cu121/torch-2.1.0%2Bcu121-cp311-cp311-linux_x86_64.whl");
    expect(versionFromWheelUrl(r.url!)).toBe("2.1.0+cu121");
    expect(versionFromWheelUrl("git+https://github.com/pytorch/pytorch")).toBeNull();
    expect(withPinnedVersion("torch[a]== 2.1.0+cu118 ; os_name=='posix'", "2.1.0")).toBe("torch[a]==2.1.0 ; os_name=='posix'");
  });
});

describe("Cog's version arithmetic", () => {
  it("parses up to three parts with a local part", () => {
    expect(parseVersion("12.1")).toEqual({ major: 12, minor: 1, patch: null, local: "" });
    expect(parseVersion("2.1.0+cu118")).toEqual({ major: 2, minor: 1, patch: 0, local: "cu118" });
    expect(parseVersion("1.2.3.4")).toBeNull();
    expect(parseVersion("2.1.*")).toBeNull();
  });

  it("matches ignore a missing patch; comparisons are numeric", () => {
    expect(matches("2.1", "2.1.2")).toBe(true);
    expect(matches("2.1.0", "2.1.2")).toBe(false);
    expect(greater("12.10", "12.9")).toBe(true);
    expect(greater("11.8", "11.8.0")).toBe(false);
  });
});
