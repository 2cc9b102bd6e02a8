import { expectOk } from "../../http/expect-ok.ts";
import { readBody } from "../../http/exchange.ts";
import { WEIGHTS_LIMITS } from "../../http/limits.ts";
import { openFollowing } from "../../http/redirects.ts";
import { uriEncode } from "../s3/sigv4.ts";
import type { ListedFile, Listing } from "./listed-file.ts";

interface TreeEntry {
  type: string;
  path: string;
  size?: number;
  lfs?: { oid?: string; sha256?: string; size?: number };
}

const COMMIT_RE = /^[0-9a-f]{40}$/;

function hfHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  const token = env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function getJson(url: string, headers: Record<string, string>, what: string): Promise<{ body: unknown; next: string | null }> {
  const res = await expectOk(await openFollowing({ method: "GET", url: new URL(url), headers: { accept: "application/json", ...headers } }, { limits: WEIGHTS_LIMITS }), what);
  const link = res.headers.link;
  const next = typeof link === "string" ? (/<([^>]+)>;\s*rel="next"/.exec(link)?.[1] ?? null) : null;
  return { body: JSON.parse((await readBody(res)).toString("utf8")) as unknown, next };
}

/**
 * Lists a HuggingFace model repo at a commit: the tree API gives sizes and,
 * for LFS files, their sha256. A branch or tag is resolved to its commit so
 * the lock pins it. HF_TOKEN is sent for gated repos.
 */
export async function listHuggingFace(
  src: { repo: string; revision: string | null; subdir: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Listing> {
  const endpoint = (env.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, "");
  const headers = hfHeaders(env);
  const notes: string[] = [];
  let commit = src.revision ?? "main";
  if (!COMMIT_RE.test(commit)) {
    const { body } = await getJson(`${endpoint}/api/models/${src.repo}/revision/${encodeURIComponent(commit)}`, headers, `resolve ${src.repo}@${commit}`);
    const sha = (body as { sha?: unknown }).sha;
    if (typeof sha !== "string" || !COMMIT_RE.test(sha)) throw new Error(`HuggingFace did not give a commit for ${src.repo}@${commit}`);
    notes.push(`hf://${src.repo}@${commit} resolved to commit ${sha}; write it in cog.yaml to pin it`);
    commit = sha;
  }
  const dir = src.subdir === "" ? "" : `/${uriEncode(src.subdir, true)}`;
  let url: string | null = `${endpoint}/api/models/${src.repo}/tree/${commit}${dir}?recursive=true&expand=false`;
  const files: ListedFile[] = [];
  while (url !== null) {
    const page: { body: unknown; next: string | null } = await getJson(url, headers, `list ${src.repo}@${commit}`);
    if (!Array.isArray(page.body)) throw new Error(`unexpected tree listing for ${src.repo}@${commit}`);
    for (const e of page.body as TreeEntry[]) {
      if (e.type !== "file") continue;
      const rel = src.subdir === "" ? e.path : e.path.slice(src.subdir.length + 1);
      const fileUrl = `${endpoint}/${src.repo}/resolve/${commit}/${uriEncode(e.path, true)}`;
      const lfsSha = e.lfs?.sha256 ?? e.lfs?.oid;
      files.push({
        path: rel,
        size: e.lfs?.size ?? e.size ?? 0,
        sha256: typeof lfsSha === "string" && /^[0-9a-f]{64}$/.test(lfsSha) ? lfsSha : null,
        url: fileUrl,
        fetch: { url: fileUrl, headers },
      });
    }
    url = page.next;
  }
  return { files, notes };
}
