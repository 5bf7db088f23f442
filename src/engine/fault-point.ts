import { UsageError } from '../config/config-error.js';

// TEST-ONLY (issue 12, item 3): crash dockpit at a precise moment, so that the chaos tests can kill it
// between any two journal records or while an engine call is in flight, without racing a timer against
// the run. Read once from DOCKPIT_FAULT; unset (production), every hook here is a no-op.
//
//   crash-after:journal:N      SIGKILL this process right after its N-th journal record is durable
//   crash-during:call:N[:MS]   SIGKILL it MS ms (default 150) after its N-th mutating engine request
//                              (POST or DELETE, not /wait) was handed to the transport; its answer is
//                              never processed, so the call is in flight when the process dies
//
// Counting starts at 1 and is per process. SIGKILL, not an exception: nothing of dockpit's own cleanup may
// run, exactly as when an operator's jump host kills it.

export type FaultSpec = { kind: 'journal'; n: number } | { kind: 'call'; n: number; delayMs: number };

const DEFAULT_CALL_DELAY_MS = 150;

/** Parses a DOCKPIT_FAULT value; a malformed one is a usage error (exit 2, nothing contacted). */
export function parseFault(value: string): FaultSpec {
  const journal = /^crash-after:journal:([1-9][0-9]*)$/.exec(value);
  if (journal) return { kind: 'journal', n: Number(journal[1]) };
  const call = /^crash-during:call:([1-9][0-9]*)(?::([0-9]+))?$/.exec(value);
  if (call) return { kind: 'call', n: Number(call[1]), delayMs: call[2] !== undefined ? Number(call[2]) : DEFAULT_CALL_DELAY_MS };
  throw new UsageError(`DOCKPIT_FAULT="${value}": expected crash-after:journal:N or crash-during:call:N[:MS] (a test-only setting; unset it)`);
}

let spec: FaultSpec | null | undefined;
let journalCount = 0;
let callCount = 0;

/** Reads DOCKPIT_FAULT once; called at startup so that a bad value stops dockpit before anything else. */
export function armFaultPoint(value = process.env.DOCKPIT_FAULT): FaultSpec | null {
  spec = value ? parseFault(value) : null;
  return spec;
}

function current(): FaultSpec | null {
  if (spec === undefined) armFaultPoint();
  return spec!;
}

function crash(): void {
  process.kill(process.pid, 'SIGKILL');
}

/** After a journal record is durable. */
export function afterJournalRecord(): void {
  const s = current();
  if (s?.kind !== 'journal') return;
  if (++journalCount === s.n) crash();
}

/**
 * Before an engine request is dialled: true when this is the request to crash during. The caller then hands
 * the request to the transport and drops its answer; the process dies `delayMs` later.
 */
export function crashDuringRequest(method: string | undefined, path: string | undefined): boolean {
  const s = current();
  if (s?.kind !== 'call') return false;
  const m = (method ?? 'GET').toUpperCase();
  if ((m !== 'POST' && m !== 'DELETE') || /\/wait(\?|$)/.test(path ?? '')) return false;
  if (++callCount !== s.n) return false;
  setTimeout(crash, s.delayMs);
  return true;
}
