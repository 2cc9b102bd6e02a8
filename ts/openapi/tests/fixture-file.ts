import { readFileSync } from "node:fs";

/**
 * A fixture is a txtar-style text: a free comment (the fact it checks), then
 * sections `-- NAME --`. Sections ending in `.py` (or `.pyi`) are files of the
 * model; `predict`/`train` hold the cog.yaml references; `expected.json`
 * the schemas to expect, or `error` the expected error.
 */
export interface Fixture {
  comment: string;
  files: Map<string, string>;
  predict?: string;
  train?: string;
  expected?: ExpectedSchemas;
  error?: ExpectedError;
}

export interface ExpectedSchemas {
  /** Every component besides the fixed ones, exactly. */
  schemas: Record<string, unknown>;
  /** `x-cog-streaming` on the predictions endpoint (absent means false). */
  streaming?: boolean;
}

export interface ExpectedError {
  /** `file:line:column` the error must start with. */
  at: string;
  /** Texts the message must contain. */
  contains: string[];
}

export function readFixture(path: string): Fixture {
  const text = readFileSync(path, "utf8");
  const parts = text.split(/^-- (.+?) --$\n?/m);
  const fixture: Fixture = { comment: (parts[0] ?? "").trim(), files: new Map() };
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] ?? "";
    const body = parts[i + 1] ?? "";
    if (/\.pyi?$/.test(name)) fixture.files.set(name, body);
    else if (name === "predict" || name === "train") fixture[name] = body.trim();
    else if (name === "expected.json") fixture.expected = JSON.parse(body) as ExpectedSchemas;
    else if (name === "error") {
      const [at = "", ...contains] = body.trim().split("\n");
      fixture.error = { at: at.trim(), contains: contains.map((l) => l.trim()).filter((l) => l !== "") };
    } else throw new Error(`${path}: unknown section ${name}`);
  }
  if (fixture.predict === undefined && fixture.train === undefined) fixture.predict = "predict.py:Predictor";
  if ((fixture.expected === undefined) === (fixture.error === undefined)) {
    throw new Error(`${path}: needs exactly one of expected.json and error`);
  }
  return fixture;
}
