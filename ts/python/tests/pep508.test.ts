import { describe, expect, it } from "vitest";
import { normalizeName } from "../name.ts";
import { formatRequirement, parseRequirement } from "../pep508.ts";
import { formatSpecifiers, parseSpecifiers } from "../specifier.ts";
import { wheelName } from "../wheel.ts";

describe("parseRequirement", () => {
  it.each([
    ["Torch==2.3.1", "torch==2.3.1"],
    ["numpy >= 1.0 , < 2", "numpy<2,>=1.0"],
    ["numpy (>=1.0, <2)", "numpy<2,>=1.0"],
    ["Pillow[Extra_One,a]>=9", "pillow[a,extra-one]>=9"],
    ['foo; python_version < "3.10"', "foo; python_version < '3.10'"],
    ["pkg @ https://x/y.whl ; sys_platform=='linux'", "pkg @ https://x/y.whl; sys_platform=='linux'"],
    ["zope.interface", "zope-interface"],
    ["torch==2.1.0+cu121", "torch==2.1.0+cu121"],
    ["torch===2.1.0", "torch===2.1.0"],
  ])("%s -> %s", (line, canonical) => {
    const r = parseRequirement(line);
    expect(r).not.toBeNull();
    expect(formatRequirement(r!)).toBe(canonical);
  });

  it("reads names, extras, each specifier, the URL and the marker", () => {
    expect(parseRequirement('Torch_Vision[x]>=0.15, <0.17 ; python_version < "3.12"')).toEqual({
      name: "torch-vision",
      extras: ["x"],
      specifiers: [{ op: ">=", version: "0.15" }, { op: "<", version: "0.17" }],
      url: null,
      marker: "python_version < '3.12'",
    });
    expect(parseRequirement("torch @ https://download.pytorch.org/whl/cu121/torch-2.1.0%2Bcu121-cp311-cp311-linux_x86_64.whl")).toMatchObject({
      name: "torch",
      specifiers: [],
      url: "https://download.pytorch.org/whl/cu121/torch-2.1.0%2Bcu121-cp311-cp311-linux_x86_64.whl",
      marker: null,
    });
  });

  it.each([["==1.0"], [""], ["git+https://github.com/a/b.git"], ["./local/pkg"], ["torch foo"], ["torch @"], ["torch>=1.0 junk"]])("is null for %j, which is not PEP 508", (line) => {
    expect(parseRequirement(line)).toBeNull();
  });
});

describe("names, specifiers and wheel names", () => {
  it("normalizes names as PEP 503 does", () => {
    expect(normalizeName("Zope.Interface__x--Y")).toBe("zope-interface-x-y");
  });

  it("reads specifier sets and writes them one way", () => {
    expect(parseSpecifiers(" ( >= 1.0 ,<2 ) ")).toEqual([{ op: ">=", version: "1.0" }, { op: "<", version: "2" }]);
    expect(parseSpecifiers("")).toEqual([]);
    expect(parseSpecifiers("~=2.1.0,!=2.1.3")).toEqual([{ op: "~=", version: "2.1.0" }, { op: "!=", version: "2.1.3" }]);
    expect(parseSpecifiers(">=")).toBeNull();
    expect(parseSpecifiers("1.0")).toBeNull();
    expect(formatSpecifiers([{ op: "<", version: "2" }, { op: ">=", version: "1.0" }])).toBe("<2,>=1.0");
  });

  it("reads a wheel's name and version from its file name, in a URL or not", () => {
    expect(wheelName("https://download.pytorch.org/whl/cu121/torch-2.1.0%2Bcu121-cp311-cp311-linux_x86_64.whl")).toEqual({ name: "torch", version: "2.1.0+cu121" });
    expect(wheelName("dist/my_pkg-1.0-1build-py3-none-any.whl?x=1#sha256=00")).toEqual({ name: "my_pkg", version: "1.0" });
    expect(wheelName("git+https://github.com/pytorch/pytorch")).toBeNull();
    expect(wheelName("https://x/pkg-1.0.tar.gz")).toBeNull();
    expect(wheelName("https://x/%E0%A4%A.whl")).toBeNull();
  });
});
