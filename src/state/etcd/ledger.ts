import { performance } from 'node:perf_hooks';
import type { IKeyValue, IRequestOp } from 'etcd3';
import { Backoff } from '../../engine/backoff.js';
import { DockpitError } from '../../engine/errors.js';
import { checkLedgerInvariant } from '../ledger-invariant.js';
import { reservationSchema } from '../schemas.js';
import { StateError, type Ledger, type Reservation } from '../types.js';
import type { EtcdConn } from './client.js';
import { LEDGER_DIR, LEDGER_GUARD, LEDGER_RANGE, ledgerKey } from './keys.js';
import { deleteOp, MAX_TXN_OPS, modIs, putOp, rangeDir, sleep } from './kv.js';

// The IP ledger on etcd: one key per reservation, `ledger/<pool>/<name>`, and a guard key `ledger.rev`
// that every write rewrites. `update` reads all reservations and the guard's revision at one revision,
// lets `change` decide, and commits only if the guard is still at that revision: read-decide-write is
// atomic across every jump host, and a loser reads again (with jittered backoff) instead of waiting on
// a lock.

/** How long `update` keeps retrying against other writers before giving up. */
const CONTENDED_MS = 10_000;

interface Snapshot {
  reservations: Reservation[];
  /** Relative key → the value stored there. */
  stored: Map<string, string>;
  /** The guard's mod revision ("0": never written). */
  guardRev: string;
}

/** A reservation's value: never guessed at when unreadable (that would hand out addresses twice). */
function parseReservation(conn: EtcdConn, kv: IKeyValue): Reservation {
  const where = `ledger ${conn.where}${conn.rel(kv.key)}`;
  let raw: unknown;
  try {
    raw = JSON.parse(kv.value.toString());
  } catch (err) {
    throw new DockpitError('PARSE', `${where}: not JSON (${(err as Error).message}); fix or delete it, dockpit will not overwrite it`);
  }
  const parsed = reservationSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DockpitError('PARSE', `${where}: ${issue.path.join('.') || '(top level)'}: ${issue.message}; fix or delete it, dockpit will not overwrite it`);
  }
  return parsed.data as Reservation;
}

async function readLedger(conn: EtcdConn): Promise<Snapshot> {
  const { kvs } = await rangeDir(conn, 'ledger read', LEDGER_RANGE);
  const reservations: Reservation[] = [];
  const stored = new Map<string, string>();
  let guardRev = '0';
  for (const kv of kvs) {
    const key = conn.rel(kv.key);
    if (key === LEDGER_GUARD) guardRev = kv.mod_revision;
    else if (key.startsWith(LEDGER_DIR)) {
      reservations.push(parseReservation(conn, kv));
      stored.set(key, kv.value.toString());
    }
  }
  reservations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { reservations, stored, guardRev };
}

/** The puts and deletes that turn what is stored into `next`. */
function diff(conn: EtcdConn, stored: ReadonlyMap<string, string>, next: readonly Reservation[]): IRequestOp[] {
  const ops: IRequestOp[] = [];
  const wanted = new Set<string>();
  for (const r of next) {
    const key = ledgerKey(r.pool, r.name);
    const value = JSON.stringify(r);
    wanted.add(key);
    if (stored.get(key) !== value) ops.push(putOp(conn, key, value));
  }
  for (const key of stored.keys()) if (!wanted.has(key)) ops.push(deleteOp(conn, key));
  return ops;
}

/** Writes `ops` and the guard if the guard is still at `guardRev`; false when another writer came first. */
async function commit(conn: EtcdConn, what: string, guardRev: string, ops: IRequestOp[], at: string): Promise<boolean> {
  const res = await conn.call(what, (rpc, o) => rpc.kv.txn({ compare: [modIs(conn, LEDGER_GUARD, guardRev)], success: [...ops, putOp(conn, LEDGER_GUARD, at)], failure: [] }, o));
  return res.succeeded;
}

export function etcdLedger(conn: EtcdConn, now: () => Date): Ledger {
  return {
    where: `${conn.where}${LEDGER_DIR.slice(0, -1)}`,
    async list() {
      return (await readLedger(conn)).reservations;
    },
    async update(change) {
      const until = performance.now() + CONTENDED_MS;
      const backoff = new Backoff(2, 50); // short: a loser's retry is a read and a compare, not a wait on a lock
      for (;;) {
        const { reservations, stored, guardRev } = await readLedger(conn);
        const { next, result } = change(reservations);
        checkLedgerInvariant(next);
        const ops = diff(conn, stored, next);
        if (ops.length === 0) return result; // nothing to write: what was read is the answer
        if (ops.length + 1 > MAX_TXN_OPS) {
          throw new StateError(`ledger ${conn.where}: one change of ${ops.length} reservations is more than etcd takes in one transaction (${MAX_TXN_OPS - 1}); nothing written`);
        }
        if (await commit(conn, 'ledger update', guardRev, ops, now().toISOString())) return result;
        if (performance.now() > until) {
          throw new DockpitError('TIMEOUT', `ledger ${conn.where}: other dockpits kept changing it for ${CONTENDED_MS / 1000} s; nothing written`);
        }
        await sleep(backoff.next());
      }
    },
  };
}

/** Replaces every reservation by `all` as given (`dockpit state copy`), in chunks that each move the guard. */
export async function importReservations(conn: EtcdConn, all: readonly Reservation[], now: () => Date): Promise<void> {
  checkLedgerInvariant(all);
  const { stored } = await readLedger(conn);
  const ops = diff(conn, stored, all);
  for (let i = 0; i < ops.length; i += MAX_TXN_OPS - 1) {
    const part = ops.slice(i, i + MAX_TXN_OPS - 1);
    // Each chunk moves the guard, so that an update racing the copy reads again.
    await conn.call('ledger import', (rpc, o) => rpc.kv.txn({ compare: [], success: [...part, putOp(conn, LEDGER_GUARD, now().toISOString())], failure: [] }, o));
  }
}
