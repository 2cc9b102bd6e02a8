import { describe, expect, it } from "vitest";
import { formatRequirement, parseRequirement } from "../pep508.ts";

describe("parseRequirement", () => {
  it.each([
    ["Torch==2.3.1", "torch==2.3.1"],
    ["numpy >= 1.0 , < 2", "numpy<2,>=1.0"],
    ["Pillow[Extra_One,a]>=9", "pillow[a,extra-one]>=9"],
    ['foo; python_version < "3.10"', "foo; python_version < '3.10'"],
    ["pkg @ https://x/y.whl ; sys_platform=='linux'", "pkg @ https://x/y.whl; sys_platform=='linux'"],
    ["zope.interface", "zope-interface"],
  ])("%s -> %s", (line, canonical) => {
    const r = parseRequirement(line);
    expect(r).not.toBeNull();
    expect(formatRequirement(r!)).toBe(canonical);
  });

  it("is null for a line without a name", () => {
    expect(parseRequirement("==1.0")).toBeNull();
  });
});
