import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.ts";

const EXT: Record<string, string> = {
  "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
  "video/mp4": ".mp4", "video/webm": ".webm", "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/mpeg": ".mp3",
  "text/plain": ".txt", "application/json": ".json",
};

/**
 * Writes every file in a prediction's output (data URIs, as the Cog server
 * returns files without an upload URL) to `dir/output[.N].ext`, as `cog
 * predict` does, and returns the output with those values replaced by the
 * file names.
 */
export function saveOutputFiles(output: unknown, dir: string): { output: unknown; files: string[] } {
  const files: string[] = [];
  const visit = (v: unknown): unknown => {
    if (typeof v === "string") {
      const m = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(v);
      if (m === null) return v;
      const name = `output${files.length === 0 ? "" : `.${files.length}`}${EXT[m[1] ?? ""] ?? ".bin"}`;
      const data = m[2] !== undefined ? Buffer.from(m[3]!, "base64") : Buffer.from(decodeURIComponent(m[3]!), "utf8");
      writeFileAtomic(join(dir, name), data);
      files.push(name);
      return name;
    }
    if (Array.isArray(v)) return v.map(visit);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
    return v;
  };
  return { output: visit(output), files };
}
