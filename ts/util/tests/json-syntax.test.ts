import { describe, expect, it } from "vitest";
import { jsonSyntaxErrorIndex } from "../json-syntax.ts";

/** A small seeded generator, so every run checks the same texts. */
function lcg(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
}

function randomValue(rnd: (n: number) => number, depth = 0): unknown {
  switch (rnd(depth > 3 ? 4 : 7)) {
    case 0:
      return rnd(1000) - 500 + (rnd(2) === 0 ? 0.25 : 0) * (rnd(2) === 0 ? 1e-7 : 1);
    case 1:
      return `s"\\\n\u0001é${rnd(9)}`;
    case 2:
      return rnd(2) === 0;
    case 3:
      return null;
    case 4:
    case 5:
      return Array.from({ length: rnd(4) }, () => randomValue(rnd, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: rnd(4) }, (_, j) => [`k${j}`, randomValue(rnd, depth + 1)]));
  }
}

describe("JSON syntax error position", () => {
  it("finds where V8 gives no position", () => {
    expect(jsonSyntaxErrorIndex("[1,\n 2,,]")).toBe(7);
    expect(jsonSyntaxErrorIndex('{"a": tru}')).toBe(9);
    expect(jsonSyntaxErrorIndex("[1] x")).toBe(4);
    expect(jsonSyntaxErrorIndex('"abc')).toBe(4);
    expect(jsonSyntaxErrorIndex("")).toBe(0);
    expect(jsonSyntaxErrorIndex('["\u0001"]')).toBe(2);
    expect(jsonSyntaxErrorIndex('["\\x"]')).toBe(3);
    expect(jsonSyntaxErrorIndex("[-]")).toBe(2);
    expect(jsonSyntaxErrorIndex('{"a": 1}')).toBeUndefined();
  });

  it("agrees with JSON.parse on what is valid, and with V8's position wherever V8 gives one", () => {
    const rnd = lcg(7);
    const noise = ["{", "}", "[", "]", ",", ":", '"', "\\", "a", "1", "-", ".", "e", " ", "t", "n", "\n"];
    let compared = 0;
    for (let t = 0; t < 3000; t++) {
      const text = JSON.stringify(randomValue(rnd), null, rnd(2) === 0 ? 1 : undefined);
      expect(jsonSyntaxErrorIndex(text)).toBeUndefined();
      const p = rnd(text.length + 1);
      const mutated = rnd(3) === 0 ? text.slice(0, p) + text.slice(p + 1) : text.slice(0, p) + noise[rnd(noise.length)]! + text.slice(p);
      let message: string | undefined;
      try {
        JSON.parse(mutated);
      } catch (err) {
        message = (err as Error).message;
      }
      const ours = jsonSyntaxErrorIndex(mutated);
      expect({ mutated, invalid: ours !== undefined }).toEqual({ mutated, invalid: message !== undefined });
      const v8 = message === undefined ? undefined : /position (\d+)/.exec(message)?.[1];
      if (v8 !== undefined) {
        expect({ mutated, at: ours }).toEqual({ mutated, at: Number(v8) });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
