// Row objects that keep their identity while what they hold stays the same, for screens whose rows are
// built anew from the store on each call (hosts, lines, IPs): each table row re-renders only when its own
// object changes (issue 14), so a sample on one host must leave the other hosts' rows as they were.

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Same fields, each the same value, or an array or object of the same values (one level down). */
export function sameFields(a: object, b: object): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * A function that returns `rows` with each row replaced by the previous call's row of the same key when
 * their fields are the same (sameFields). One per screen: it remembers the last call's rows only.
 */
export function createRowKeeper<Row extends object>(key: (row: Row) => string): (rows: Row[]) => Row[] {
  let previous = new Map<string, Row>();
  return (rows) => {
    const next = new Map<string, Row>();
    const out = rows.map((row) => {
      const k = key(row);
      const old = previous.get(k);
      const kept = old !== undefined && sameFields(old, row) ? old : row;
      next.set(k, kept);
      return kept;
    });
    previous = next;
    return out;
  };
}

/** A one-entry memo: `compute` runs again only when one of the inputs is a different value or object. */
export function memoOnInputs<Args extends readonly unknown[], T>(compute: (...args: Args) => T): (...args: Args) => T {
  let last: { args: Args; value: T } | null = null;
  return (...args) => {
    if (last && last.args.length === args.length && last.args.every((a, i) => Object.is(a, args[i]))) return last.value;
    last = { args, value: compute(...args) };
    return last.value;
  };
}
