import { describe, expect, it } from "vitest";
import { parseRequirement } from "../../../python/pep508.ts";
import { exactPin, firstVersion, withPinnedVersion } from "../pins.ts";
import { greater, matches, parseVersion } from "../version.ts";

const parse = (t: string) => {
  const r = parseRequirement(t);
  if (r === null) throw new Error(`unparsed: ${t}`);
  return r;
};

describe("framework pins as Cog reads them", () => {
  it("exact pins are a lone == without wildcard", () => {
    expect(exactPin(parse("torch==2.1.0+cu121"))).toBe("2.1.0+cu121");
    expect(exactPin(parse("torch===2.1.0"))).toBeNull();
    expect(exactPin(parse("torch==2.1.*"))).toBeNull();
    expect(exactPin(parse("torch>=2.1"))).toBeNull();
    expect(exactPin(parse("torch==2.1,!=2.1.1"))).toBeNull();
  });

  it("a range gives the first version written, whatever its operator", () => {
    expect(firstVersion(parse("torch<=2.0.1"))).toBe("2.0.1");
    expect(firstVersion(parse("torch<3,>=2.3"))).toBe("3");
    expect(firstVersion(parse("torch>=2.3,<3"))).toBe("2.3");
    expect(firstVersion(parse("torch==2.2.*"))).toBe("2.2");
    expect(firstVersion(parse("torch~=2.1.0"))).toBe("2.1.0");
    expect(firstVersion(parse("torch"))).toBeNull();
  });

  it("rewrites only the version of the pin", () => {
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
