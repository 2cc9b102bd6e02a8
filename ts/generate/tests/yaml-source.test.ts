import { describe, expect, it } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { closest } from "../suggest.ts";
import { loadYaml } from "../yaml-source.ts";

describe("loadYaml", () => {
  const text = ["build:", "  gpu: true", "  python_packages:", '    - "a==1"', "    - b", "  cuda: 12.10", "  empty:", "predict: x.py:P", ""].join("\n");
  const src = loadYaml("cog.yaml", text);

  it("maps key paths to 1-based line:column of values and keys", () => {
    expect(src.locate(["build", "python_packages", 1])).toEqual({ file: "cog.yaml", line: 5, column: 7, path: ["build", "python_packages", 1] });
    expect(src.locateKey(["build", "gpu"])).toMatchObject({ line: 2, column: 3 });
    expect(src.locate(["build", "gpu"])).toMatchObject({ line: 2, column: 8 });
    // A key with no value points at the key; an absent key at its deepest parent.
    expect(src.locate(["build", "empty"])).toMatchObject({ line: 7, column: 3 });
    expect(src.locate(["build", "nope", 3])).toMatchObject({ line: 2, column: 3, path: ["build", "nope", 3] });
  });

  it("keeps the source text of plain scalars only", () => {
    expect(src.plainScalarText(["build", "cuda"])).toBe("12.10");
    expect(src.plainScalarText(["build", "python_packages", 0])).toBeUndefined();
    expect((src.value as { build: { cuda: number } }).build.cuda).toBe(12.1);
  });

  it("reports every syntax problem, duplicate key and alias bomb as a located CognixError", () => {
    const err = (t: string): string[] => {
      try {
        loadYaml("c.yaml", t);
      } catch (e) {
        if (e instanceof CognixError) return e.problems.map((p) => `${p.line ?? "-"}:${p.column ?? "-"} ${p.message}`);
        throw e;
      }
      return [];
    };
    expect(err("a: 1\nb: 2\na: 3\n")).toEqual(["3:1 duplicate key: a key may appear only once in a mapping"]);
    expect(err("a:\n\t- x\n")[0]).toMatch(/^2:1 invalid YAML: /);
    expect(err("a: 1\n---\nb: 2\n")[0]).toMatch(/invalid YAML: Source contains multiple documents/);
    expect(err("a: *missing\n")[0]).toMatch(/invalid YAML/);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`);
    expect(err(bomb.join("\n"))[0]).toMatch(/invalid YAML/);
  });
});

describe("closest", () => {
  it("suggests near misses and nothing for unrelated names", () => {
    const keys = ["python_version", "python_packages", "python_requirements", "system_packages", "gpu"];
    expect(closest("pythn_version", keys)).toBe("python_version");
    expect(closest("python-requirements", keys)).toBe("python_requirements");
    expect(closest("System_Packages", keys)).toBe("system_packages");
    expect(closest("gpus", keys)).toBe("gpu");
    expect(closest("weights", keys)).toBeUndefined();
  });
});
