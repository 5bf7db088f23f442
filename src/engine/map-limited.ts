/**
 * `fn` over every item, at most `n` at a time, results in the items' order. How dockpit fans out engine
 * calls (inspects, moves, stats) without loading one engine with a burst.
 */
export async function mapLimited<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, n), items.length) }, worker));
  return out;
}
