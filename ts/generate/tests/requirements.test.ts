import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { logicalLines, namedUrl, parsePackageList, readRequirementsFile, type RequirementsContext } from "../requirements.ts";

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

/** A project directory with the given files; returns its context. */
function project(files: Record<string, string>): RequirementsContext {
  const base = mkdtempSync(join(tmpdir(), "cognix-req-"));
  roots.push(base);
  const root = join(base, "project");
  for (const [rel, text] of Object.entries({ ...files, ".keep": "" })) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return { projectRoot: realpathSync(root), display: (p) => p };
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof CognixError) return err.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
    throw err;
  }
  return [];
}

describe("logicalLines", () => {
  it("drops comments and blank lines, joins continuations, keeps the first line number", () => {
    const text = "# header\n\nnumpy==1.26.4   # pinned\nfoo\\\n  >=1.0\\\n  ,<2\nurl#frag-not-comment\r\nlast";
    expect(logicalLines(text, "r.txt")).toEqual([
      { text: "numpy==1.26.4", loc: { file: "r.txt", line: 3 } },
      { text: "foo >=1.0 ,<2", loc: { file: "r.txt", line: 4 } },
      { text: "url#frag-not-comment", loc: { file: "r.txt", line: 7 } },
      { text: "last", loc: { file: "r.txt", line: 8 } },
    ]);
  });
});

describe("readRequirementsFile", () => {
  it("splits pip options out and follows -r relative to the including file", () => {
    const ctx = project({
      "requirements.txt": "-i https://pypi.example.com/simple\n--extra-index-url=https://extra.example.com/simple\n-fhttps://links.example.com\n--pre --prefer-binary\n--trusted-host extra.example.com\ntorch==2.3.1\n-r sub/more.txt\n",
      "sub/more.txt": "scipy\n-r ../common.txt\n",
      "common.txt": "requests[socks]>=2 ; python_version >= '3.9'\n",
    });
    const r = readRequirementsFile(ctx, "requirements.txt", { file: "cog.yaml", line: 1 });
    expect(r.requirements.map((q) => [q.text, q.loc.file, q.loc.line])).toEqual([
      ["torch==2.3.1", "requirements.txt", 6],
      ["scipy", "sub/more.txt", 1],
      ["requests[socks]>=2 ; python_version >= '3.9'", "common.txt", 1],
    ]);
    expect(r.indexUrls.map((u) => u.value)).toEqual(["https://pypi.example.com/simple"]);
    expect(r.extraIndexUrls.map((u) => u.value)).toEqual(["https://extra.example.com/simple"]);
    expect(r.findLinks.map((u) => u.value)).toEqual(["https://links.example.com"]);
    expect(r.options).toEqual(["--pre", "--prefer-binary", "--trusted-host extra.example.com"]);
    expect(r.files.map((f) => f.path)).toEqual(["requirements.txt", "sub/more.txt", "common.txt"]);
  });

  it("reads a file included twice once, and reports a cycle with its path", () => {
    const ctx = project({ "a.txt": "-r b.txt\n-r c.txt\n", "b.txt": "-r c.txt\n", "c.txt": "numpy\n" });
    expect(readRequirementsFile(ctx, "a.txt", {}).requirements.map((q) => q.text)).toEqual(["numpy"]);
    const cyc = project({ "a.txt": "-r b.txt\n", "b.txt": "x\n-r a.txt\n" });
    expect(problems(() => readRequirementsFile(cyc, "a.txt", {}))).toEqual(["b.txt:2: requirements include cycle: a.txt -> b.txt -> a.txt"]);
  });

  it("accepts local wheels inside the project and rejects those outside", () => {
    const ctx = project({ "wheels/pkg-1.0-py3-none-any.whl": "w", "reqs/r.txt": "../wheels/pkg-1.0-py3-none-any.whl\n-e ./..\n" });
    const r = readRequirementsFile(ctx, "reqs/r.txt", {});
    expect(r.requirements.map((q) => q.text)).toEqual(["./wheels/pkg-1.0-py3-none-any.whl", "."]);
    writeFileSync(join(ctx.projectRoot, "..", "outside-1.0-py3-none-any.whl"), "w");
    writeFileSync(join(ctx.projectRoot, "r2.txt"), "../outside-1.0-py3-none-any.whl\n");
    expect(problems(() => readRequirementsFile(ctx, "r2.txt", {}))).toEqual(["r2.txt:1: local package ../outside-1.0-py3-none-any.whl must be inside the project directory"]);
    expect(problems(() => readRequirementsFile(ctx, "../outside-1.0-py3-none-any.whl", {}))[0]).toMatch(/outside the model directory/);
  });

  it("names URL requirements, drops hashes, and rejects options pip would not take", () => {
    const ctx = project({
      "r.txt": [
        "https://host.example/w/vllm-0.2a0-cp311-cp311-linux_x86_64.whl",
        "git+https://github.com/org/repo.git@v1#egg=repo",
        "-e git+https://github.com/org/edit.git#egg=edit",
        "pkg==1.0 --hash=sha256:abcd --hash=sha256:ef01",
        "pkg2==1.0 --no-binary :all:",
        "--bogus",
        "-r",
      ].join("\n"),
    });
    expect(problems(() => readRequirementsFile(ctx, "r.txt", {}))).toEqual([
      "r.txt:5: pip option --no-binary is not supported after a requirement: pkg2==1.0 --no-binary :all:",
      "r.txt:6: unknown pip option --bogus",
      "r.txt:7: -r needs a value",
    ]);
    writeFileSync(join(ctx.projectRoot, "r.txt"), readFileSync(join(ctx.projectRoot, "r.txt"), "utf8").split("\n").slice(0, 4).join("\n"));
    expect(readRequirementsFile(ctx, "r.txt", {}).requirements.map((q) => q.text)).toEqual([
      "vllm @ https://host.example/w/vllm-0.2a0-cp311-cp311-linux_x86_64.whl",
      "repo @ git+https://github.com/org/repo.git@v1",
      "edit @ git+https://github.com/org/edit.git",
      "pkg==1.0",
    ]);
  });

  it("reports a missing requirements file at the place that names it", () => {
    const ctx = project({});
    expect(problems(() => readRequirementsFile(ctx, "nope.txt", { file: "cog.yaml", line: 4 }))).toEqual(["cog.yaml:4: requirements file not found: nope.txt"]);
  });
});

describe("parsePackageList and namedUrl", () => {
  it("treats each python_packages entry as a requirements line", () => {
    const ctx = project({});
    const r = parsePackageList(ctx, [
      { text: "torch==1.12.1 --extra-index-url=https://download.pytorch.org/whl/cu116", loc: { line: 5 } },
      { text: "  numpy   >= 1.26 ", loc: { line: 6 } },
      { text: "--pre -f https://mlc.ai/wheels", loc: { line: 7 } },
    ]);
    expect(r.requirements.map((q) => q.text)).toEqual(["torch==1.12.1", "numpy >= 1.26"]);
    expect(r.extraIndexUrls.map((u) => [u.value, u.loc.line])).toEqual([["https://download.pytorch.org/whl/cu116", 5]]);
    expect(r.findLinks.map((u) => u.value)).toEqual(["https://mlc.ai/wheels"]);
    expect(r.options).toEqual(["--pre"]);
  });

  it("on a pinned line, keeps only the options Cog reads there and drops the rest with a warning", () => {
    const ctx = project({
      "r.txt": [
        "torch==1.13.0 --extra-index-url https://download.pytorch.org/whl/cu117",
        "torchvision==0.14.0 --extra-index-url=https://download.pytorch.org/whl/cu116",
        "xformers==0.0.16 -f https://links.example/x --find-links https://links.example/y",
        "numpy --extra-index-url https://extra.example/simple",
      ].join("\n"),
    });
    const r = readRequirementsFile(ctx, "r.txt", {});
    expect(r.requirements).toEqual([
      { text: "torch==1.13.0", loc: { file: "r.txt", line: 1 } },
      { text: "torchvision==0.14.0", loc: { file: "r.txt", line: 2 }, ownIndex: "https://download.pytorch.org/whl/cu116" },
      { text: "xformers==0.0.16", loc: { file: "r.txt", line: 3 } },
      { text: "numpy", loc: { file: "r.txt", line: 4 } },
    ]);
    // An unpinned line goes to pip as written, whose options apply to every package.
    expect(r.extraIndexUrls.map((u) => u.value)).toEqual(["https://download.pytorch.org/whl/cu116", "https://extra.example/simple"]);
    expect(r.findLinks.map((u) => u.value)).toEqual(["https://links.example/x"]);
    expect(r.warnings).toEqual([
      "r.txt:1: --extra-index-url https://download.pytorch.org/whl/cu117 after torch==1.13.0 is dropped, as Cog drops it: on a pinned requirement's line Cog reads only --extra-index-url=URL, --find-links=URL and -f URL; put it on a line of its own to use it",
      "r.txt:3: --find-links https://links.example/y after xformers==0.0.16 is dropped, as Cog drops it: on a pinned requirement's line Cog reads only --extra-index-url=URL, --find-links=URL and -f URL; put it on a line of its own to use it",
    ]);
  });

  it("leaves URLs whose name cannot be known as written", () => {
    expect(namedUrl("https://example.com/pkg.tar.gz")).toBeUndefined();
    expect(namedUrl("numpy==1.0")).toBeUndefined();
    expect(namedUrl("https://e.x/a/torch-2.1.0%2Bcu118-cp311-cp311-linux_x86_64.whl ; sys_platform == 'linux'")).toBe(
      "torch @ https://e.x/a/torch-2.1.0%2Bcu118-cp311-cp311-linux_x86_64.whl ; sys_platform == 'linux'",
    );
  });
});
