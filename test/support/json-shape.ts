// The shape of a JSON value (keys and value types, recursively) and the differences between two shapes:
// how the hollow engine's answers are held to a real engine's (test/integration/hollow-conformance.test.ts).

export type Shape =
  | { kind: 'null' | 'string' | 'number' | 'boolean' }
  | { kind: 'array'; items: Shape[] }
  | { kind: 'object'; keys: Record<string, Shape> };

function key(s: Shape): string {
  return JSON.stringify(s);
}

export function shapeOf(value: unknown): Shape {
  if (value === null) return { kind: 'null' };
  if (Array.isArray(value)) {
    // The distinct shapes of the items: [["a","b"],["c","d"]] and a one-item list have the same shape.
    const items = new Map<string, Shape>();
    for (const v of value) {
      const s = shapeOf(v);
      items.set(key(s), s);
    }
    return { kind: 'array', items: [...items.values()] };
  }
  switch (typeof value) {
    case 'string':
      return { kind: 'string' };
    case 'number':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'object': {
      const keys: Record<string, Shape> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) keys[k] = shapeOf(v);
      return { kind: 'object', keys };
    }
    default:
      throw new Error(`not a JSON value: ${typeof value}`);
  }
}

function describeShape(s: Shape): string {
  return s.kind === 'array' ? `array of ${s.items.map(describeShape).join(' | ') || 'nothing'}` : s.kind;
}

/**
 * Where `actual` differs from `expected`, one line per difference, with its path (`$.State.Pid`). An
 * empty array on either side matches any array: the items of nothing have no shape to compare.
 */
export function shapeDiff(expected: Shape, actual: Shape, path = '$'): string[] {
  if (expected.kind !== actual.kind) return [`${path}: expected ${describeShape(expected)}, got ${describeShape(actual)}`];
  if (expected.kind === 'object' && actual.kind === 'object') {
    const out: string[] = [];
    for (const k of Object.keys(expected.keys)) {
      if (!(k in actual.keys)) out.push(`${path}.${k}: missing`);
      else out.push(...shapeDiff(expected.keys[k]!, actual.keys[k]!, `${path}.${k}`));
    }
    for (const k of Object.keys(actual.keys)) if (!(k in expected.keys)) out.push(`${path}.${k}: unexpected`);
    return out;
  }
  if (expected.kind === 'array' && actual.kind === 'array') {
    if (expected.items.length === 0 || actual.items.length === 0) return [];
    if (expected.items.length === 1 && actual.items.length === 1) return shapeDiff(expected.items[0]!, actual.items[0]!, `${path}[]`);
    const want = new Set(expected.items.map(key));
    const got = new Set(actual.items.map(key));
    const same = want.size === got.size && [...want].every((k) => got.has(k));
    return same ? [] : [`${path}[]: expected items ${[...want].join(' | ')}, got ${[...got].join(' | ')}`];
  }
  return [];
}
