/** Runs `fn` over `items` with at most `jobs` in flight; results keep input order. */
export async function mapPool<T, R>(items: readonly T[], jobs: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (err) {
        // Stop handing out work; the first error is what the caller sees.
        failed = true;
        throw err;
      }
    }
  };
  const n = Math.max(1, Math.min(jobs, items.length));
  const settled = await Promise.allSettled(Array.from({ length: n }, worker));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (rejected !== undefined) throw rejected.reason;
  return results;
}
