// One piece of work at a time per file in this process (a read-compare-write of a record, an append to the
// audit log): two of them can then neither interleave nor contend for the file's cross-process lock.

const chains = new Map<string, Promise<unknown>>();

/** Runs `work` once the work queued before it for `key` has settled (failed or not). */
export function inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
  const next = (chains.get(key) ?? Promise.resolve()).then(work, work);
  const tail = next.catch(() => undefined);
  chains.set(key, tail);
  void tail.then(() => chains.get(key) === tail && chains.delete(key));
  return next;
}
