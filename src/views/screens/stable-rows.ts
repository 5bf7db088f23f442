// Row objects that keep their identity while what they hold stays the same, for screens whose rows are
// built anew from the store on each call (hosts, lines, IPs): each table row re-renders only when its own
// object changes (issue 14), so a sample on one host must leave the other hosts' rows as they were.

import { sameElements, sameFields } from '../equality.js';

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
    if (last && sameElements(last.args, args)) return last.value;
    last = { args, value: compute(...args) };
    return last.value;
  };
}
