import { DockpitError } from '../engine/errors.js';

// A journal as JSON lines, one record a line, and how to read it back: the file backend's journal files
// are this, and any backend may store a journal this way. A crash mid-write leaves a torn last line:
// readers leave it out (the call it described was never made: the record is written before the call).

/** A record of one of `kinds` for a run: told apart from damage when a journal is read. */
export function recordOf<R>(kinds: ReadonlySet<string>): (r: unknown) => r is R {
  return (r: unknown): r is R => {
    const x = r as { kind?: unknown; runId?: unknown } | null;
    return typeof x === 'object' && x !== null && typeof x.kind === 'string' && kinds.has(x.kind) && typeof x.runId === 'string';
  };
}

/**
 * Parses a journal's text. A torn line (a crash mid-append) is left out: the last line when it has no
 * newline, or one followed by later records (a crash, then `resume` appending after it on a fresh line).
 * Any other bad line means the journal was damaged some other way: an error, not something to guess around.
 */
export function parseJsonl<R>(text: string, where: string, kinds: ReadonlySet<string>): R[] {
  const isRecord = recordOf<R>(kinds);
  const lines = text.split('\n');
  const out: R[] = [];
  lines.slice(0, -1).forEach((line, i) => {
    if (line.length === 0) return;
    const r = parseLine(line, isRecord);
    if (r !== null) out.push(r);
    else if (!looksTorn(line)) throw new DockpitError('PARSE', `journal ${where}:${i + 1}: not a journal record`);
  });
  return out;
}

function parseLine<R>(line: string, isRecord: (r: unknown) => r is R): R | null {
  try {
    const r: unknown = JSON.parse(line);
    return isRecord(r) ? r : null;
  } catch {
    return null;
  }
}

/** A prefix of a record's JSON: starts like one and does not parse. */
function looksTorn(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    JSON.parse(line);
    return false; // whole JSON, but not a record: damage, not a crash
  } catch {
    return true;
  }
}
