import { createRequire } from "node:module";
import { Language, Parser, type Node, type Tree } from "web-tree-sitter";

// The Python grammar is tree-sitter-python from npm, which ships a prebuilt
// `tree-sitter-python.wasm` maintained by the tree-sitter organisation (the
// grammar Cog's own static schema generator uses, through its Go binding).
// web-tree-sitter runs it without native code, so the schema needs neither
// Python nor a compiler.
const require = createRequire(import.meta.url);

let loading: Promise<Parser> | undefined;
let ready: Parser | undefined;

/** Loads the wasm runtime and the grammar once per process. */
export async function initPythonParser(): Promise<void> {
  loading ??= (async () => {
    await Parser.init();
    const language = await Language.load(require.resolve("tree-sitter-python/tree-sitter-python.wasm"));
    const p = new Parser();
    p.setLanguage(language);
    return p;
  })();
  ready = await loading;
}

/** Parses Python source into a concrete syntax tree (syntax errors become ERROR nodes). */
export function parsePythonSync(source: string): Tree {
  if (ready === undefined) throw new Error("initPythonParser() must be awaited before parsing");
  const tree = ready.parse(source);
  if (tree === null) throw new Error("tree-sitter returned no tree");
  return tree;
}

/** The class definition inside a (possibly decorated) statement. */
export function unwrapClass(node: Node): Node | null {
  if (node.type === "class_definition") return node;
  if (node.type === "decorated_definition") return node.namedChildren.find((c) => c.type === "class_definition") ?? null;
  return null;
}

/** The function definition inside a (possibly decorated) statement. */
export function unwrapFunction(node: Node): Node | null {
  if (node.type === "function_definition") return node;
  if (node.type === "decorated_definition") return node.namedChildren.find((c) => c.type === "function_definition") ?? null;
  return null;
}

/** The single expression of an expression statement, or the node itself. */
export function unwrapStatement(node: Node): Node {
  if (node.type === "expression_statement" && node.namedChildCount === 1) return node.namedChildren[0] ?? node;
  return node;
}

