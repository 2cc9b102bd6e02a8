import { mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import type { Compression } from "./compress.ts";

/** What is remembered about one compressed layer. */
export interface BlobEntry {
  digest: string;
  size: number;
  /** `host/name` repositories the blob was seen in, newest last. */
  repos: string[];
}

interface CacheFile {
  version: 1;
  blobs: Record<string, BlobEntry>;
  /** Tags pushed per `host/name`, newest last: where to look for older manifests. */
  tags: Record<string, string[]>;
}

const FILE = "registry-blobs.json";
const MAX_REPOS = 16;
const MAX_TAGS = 8;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : join(env.HOME ?? homedir(), ".cache");
  return join(base, "cognix");
}

function key(diffId: string, c: Compression): string {
  return `${c}:${diffId}`;
}

function pushNewest(list: string[], item: string, max: number): string[] {
  const out = list.filter((x) => x !== item);
  out.push(item);
  return out.slice(-max);
}

function load(path: string): CacheFile {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<CacheFile>;
    if (parsed.version === 1 && typeof parsed.blobs === "object" && typeof parsed.tags === "object") {
      return { version: 1, blobs: parsed.blobs ?? {}, tags: parsed.tags ?? {} };
    }
  } catch {
    // A missing or damaged cache only costs a few requests: start empty.
  }
  return { version: 1, blobs: {}, tags: {} };
}

/**
 * The remembered mapping diffId + compression → compressed digest. Saving
 * re-reads the file and merges, so concurrent pushes lose nothing but order.
 */
export class DigestCache {
  private readonly path: string;
  private data: CacheFile;
  private readonly changes: ((c: CacheFile) => void)[] = [];

  constructor(readonly dir: string) {
    this.path = join(dir, FILE);
    this.data = load(this.path);
  }

  get(diffId: string, c: Compression): BlobEntry | undefined {
    return this.data.blobs[key(diffId, c)];
  }

  tags(repo: string): string[] {
    return [...(this.data.tags[repo] ?? [])].reverse();
  }

  remember(diffId: string, c: Compression, digest: string, size: number, repo: string): void {
    const apply = (f: CacheFile): void => {
      const k = key(diffId, c);
      const prev = f.blobs[k];
      const repos = prev && prev.digest === digest ? prev.repos : [];
      f.blobs[k] = { digest, size, repos: pushNewest(repos, repo, MAX_REPOS) };
    };
    apply(this.data);
    this.changes.push(apply);
  }

  rememberTag(repo: string, tag: string): void {
    const apply = (f: CacheFile): void => {
      f.tags[repo] = pushNewest(f.tags[repo] ?? [], tag, MAX_TAGS);
    };
    apply(this.data);
    this.changes.push(apply);
  }

  save(): void {
    if (this.changes.length === 0) return;
    mkdirSync(this.dir, { recursive: true });
    const fresh = load(this.path);
    for (const apply of this.changes) apply(fresh);
    writeFileAtomic(this.path, canonicalJson(fresh));
    this.data = fresh;
    this.changes.length = 0;
  }
}
