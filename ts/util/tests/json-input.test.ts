import { describe, expect, it } from "vitest";
import { CognixError } from "../errors.ts";
import { parseJson } from "../json-input.ts";

describe("parseJson", () => {
  it("parses JSON", () => {
    expect(parseJson('{"a": [1, 2]}', "x.json")).toEqual({ a: [1, 2] });
  });

  it("names the input, the line and column where parsing stopped, and the hint", () => {
    const text = '{\n  "a": 1,\n  b: 2}\n';
    let caught: unknown;
    try {
      parseJson(text, "dir/cognix.json", "run `cognix generate`");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CognixError);
    const [problem] = (caught as CognixError).problems;
    expect(problem).toMatchObject({ file: "dir/cognix.json", line: 3, column: 3 });
    expect((caught as CognixError).message).toMatch(/^dir\/cognix\.json:3:3: invalid JSON: .*; run `cognix generate`$/);
  });

  it("points at the end of input that ends too soon", () => {
    expect(() => parseJson('{\n  "a": ', "--json")).toThrow(/^--json:2:8: invalid JSON: Unexpected end of JSON input$/);
  });

  it("finds the line and column where V8 does not say", () => {
    expect(() => parseJson("[1,\n 2,,]", "--json")).toThrow(/^--json:2:4: invalid JSON: Unexpected token/);
  });
});
