import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";

const MiB = 1024 * 1024;

/**
 * A closure-like tree of `totalBytes`: 80% in a few big files (CUDA
 * libraries, weights), one per store path, and 20% in many small files
 * (Python packages), forty to a path. Returns the store paths, in name order.
 */
export function generateClosure(root: string, totalBytes: number, bigFileBytes = 256 * MiB): string[] {
  const pattern = Buffer.alloc(MiB);
  for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 2654435761) >>> 24;
  const write = (file: string, size: number): void => {
    const fd = openSync(file, "w");
    for (let left = size; left > 0; left -= Math.min(left, pattern.length)) writeSync(fd, pattern, 0, Math.min(left, pattern.length));
    closeSync(fd);
  };
  const paths: string[] = [];
  const bigShare = Math.floor(totalBytes * 0.8);
  for (let i = 0, done = 0; done < bigShare; i++) {
    const dir = join(root, `big${String(i).padStart(3, "0")}-lib`);
    mkdirSync(dir);
    const size = Math.min(bigFileBytes, bigShare - done);
    write(join(dir, "lib.so"), size);
    done += size;
    paths.push(dir);
  }
  let done = 0;
  for (let pkg = 0; done < totalBytes - bigShare; pkg++) {
    const dir = join(root, `py${String(pkg).padStart(4, "0")}-package`);
    mkdirSync(join(dir, "module"), { recursive: true });
    for (let f = 0; f < 40 && done < totalBytes - bigShare; f++) {
      const size = 512 + ((pkg * 7919 + f * 104729) % (96 * 1024));
      write(join(dir, "module", `file${f}.py`), size);
      done += size;
    }
    paths.push(dir);
  }
  return paths;
}
