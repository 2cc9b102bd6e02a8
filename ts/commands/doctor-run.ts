import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "../cli/context.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { findModelRoot, shownPath } from "../util/model-root.ts";
import { checkEngines, checkFlakeInputs, checkModel, checkNix, fromError, type Finding } from "./doctor-checks.ts";
import { flakeDirFor } from "./flake-dir.ts";
import { assertCognixJsonFresh } from "./freshness.ts";
import { requireTracked } from "./git-check.ts";

/** cognix.json, fresh; with `fix`, written again (and pyproject.toml) when it is not. */
async function checkCognixJson(ctx: Context, root: string, fix: boolean): Promise<Finding[]> {
  try {
    assertCognixJsonFresh(root, ctx.cwd);
    return [{ check: "cognix.json", status: "ok", message: "matches cog.yaml" }];
  } catch (err) {
    const finding = fromError("cognix.json", err, "run cognix generate (or cognix doctor --fix)");
    if (!fix || !(err instanceof CognixError)) return [finding];
    const { generateIn } = await import("../generate/generate-in.ts");
    const { renderPyproject } = await import("../pyproject/render.ts");
    let generated;
    try {
      generated = generateIn(root, shownPath(ctx.cwd, root));
    } catch (e) {
      return [fromError("cognix.json", e, "fix cog.yaml as the error says")];
    }
    writeFileAtomic(join(root, "cognix.json"), generated.json);
    writeFileAtomic(join(root, "pyproject.toml"), renderPyproject(generated.config));
    return [{ check: "cognix.json", status: "ok", message: "was stale or missing: written again, with pyproject.toml" }];
  }
}

/** uv.lock fresh, and weights.lock.json when cognix.json declares weights. */
async function checkLocks(ctx: Context, root: string): Promise<Finding[]> {
  const shown = shownPath(ctx.cwd, root);
  const found: Finding[] = [];
  if (!existsSync(join(root, "uv.lock"))) found.push({ check: "uv.lock", status: "error", message: `${join(shown, "uv.lock")}: missing`, fix: "run cognix lock (it needs the network)" });
  else {
    const { checkLockFresh } = await import("../lock/freshness.ts");
    try {
      const status = checkLockFresh(root);
      found.push(status.fresh ? { check: "uv.lock", status: "ok", message: "matches pyproject.toml" } : { check: "uv.lock", status: "error", message: `${join(shown, "uv.lock")}: stale (${status.changes.length} requirement${status.changes.length === 1 ? "" : "s"} changed)`, fix: "run cognix lock" });
    } catch (err) {
      found.push(fromError("uv.lock", err, "run cognix lock"));
    }
  }
  let weights = false;
  try {
    const parsed = JSON.parse(readFileSync(join(root, "cognix.json"), "utf8")) as { weights?: unknown };
    weights = Array.isArray(parsed.weights) && parsed.weights.length > 0;
  } catch {
    // cognix.json's own check says what is wrong with it.
  }
  if (weights) {
    found.push(
      existsSync(join(root, "weights.lock.json"))
        ? { check: "weights.lock.json", status: "ok", message: "present" }
        : { check: "weights.lock.json", status: "error", message: `${join(shown, "weights.lock.json")}: missing, and cog.yaml declares weights`, fix: "run cognix lock" },
    );
  }
  return found;
}

function render(findings: readonly Finding[]): string {
  const lines = findings.map((f) => `${f.status.padEnd(8)} ${f.check}: ${f.message}${f.fix !== undefined && f.status !== "ok" ? `\n         fix: ${f.fix}` : ""}`);
  const errors = findings.filter((f) => f.status === "error").length;
  const warnings = findings.filter((f) => f.status === "warning").length;
  lines.push("", errors + warnings === 0 ? "no problems found" : `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`);
  return `${lines.join("\n")}\n`;
}

/** `cognix doctor`: every check, printed with its fix; exit 1 when any is an error. */
export async function doctor(ctx: Context, opts: { fix: boolean; json: boolean }): Promise<number> {
  const root = findModelRoot(ctx.cwd);
  const findings: Finding[] = [...(await checkNix(ctx)), ...checkModel(ctx, root)];
  const nixThere = findings[0]?.status === "ok";
  if (root !== null) {
    try {
      requireTracked(root, ctx.cwd);
      findings.push({ check: "git", status: "ok", message: "the model's files are tracked (or it is not in git)" });
    } catch (err) {
      findings.push(fromError("git", err, "git add the files named"));
    }
    findings.push(...(await checkCognixJson(ctx, root, opts.fix)));
    let flakeDir: string | null = null;
    try {
      flakeDir = flakeDirFor(ctx, undefined);
      findings.push({ check: "flake.nix", status: "ok", message: join(shownPath(ctx.cwd, flakeDir), "flake.nix") });
    } catch (err) {
      findings.push(fromError("flake.nix", err, "run cognix init"));
    }
    if (flakeDir !== null && nixThere) findings.push(...(await checkFlakeInputs(ctx, flakeDir)));
    findings.push(...(await checkLocks(ctx, root)));
  }
  findings.push(...(await checkEngines(ctx)));
  const failed = findings.some((f) => f.status === "error");
  if (opts.json) ctx.stdout.write(canonicalJson({ checks: findings, ok: !failed }));
  else ctx.stdout.write(render(findings));
  return failed ? 1 : 0;
}
