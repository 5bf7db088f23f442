import crypto from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ICompare, IKeyValue, IRequestOp } from 'etcd3';
import { Backoff } from '../../engine/backoff.js';
import { DockpitError } from '../../engine/errors.js';
import { checkRunId } from '../run-id.js';
import { LockBusyError, NameBusyError, type ContainerLock, type LockHold, type LockOwner, type LockTarget, type NameLocks } from '../types.js';
import { isLeaseGone, type EtcdConn } from './client.js';
import { claimKey, LOCKS_DIR, lockKey, placingKey } from './keys.js';
import { absent, chunks, deleteIfLeaseOp, deleteOp, getOp, leaseIs, modIs, putOp, rangeDir, rangeResult, sleep, valueIs } from './kv.js';
import type { LeaseGen, Session } from './session.js';

// Locks on etcd (issue 11): `locks/<containerId>` per container a run touches, `claims/<runId>` per run,
// `placing/<name>` per placement, each bound to this process's lease: a holder that dies, or can no
// longer renew, loses them all once the TTL runs out, and only then can another jump host take them
// (resume elsewhere works after the TTL, with no stale-pid guessing).

/** How long `acquire` retries when other writers keep changing the keys it compares. */
const CONTENDED_MS = 10_000;

const SAFE_ID = /^[A-Za-z0-9_.-]+$/;
// Docker's own rule for container names (and the config's for host names).
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function checkId(id: string): string {
  if (!SAFE_ID.test(id)) throw new DockpitError('PARSE', `container id ${JSON.stringify(id)}: letters, digits, '.', '_' and '-' only`);
  return id;
}

/** The owner a lock or claim key names; null when there is no key or it holds no owner. */
export function ownerOf(kv: IKeyValue | undefined): LockOwner | null {
  if (!kv) return null;
  try {
    const o = JSON.parse(kv.value.toString()) as LockOwner;
    return typeof o.runId === 'string' && typeof o.operator === 'string' && typeof o.pid === 'number' ? o : null;
  } catch {
    return null;
  }
}

/** A hold whose `lost` follows the lease it was taken with. */
function holdOf(gen: LeaseGen, release: () => Promise<void>): LockHold {
  let released: Promise<void> | null = null;
  return {
    get lost() {
      return gen.lost;
    },
    release() {
      released ??= release();
      return released;
    },
  };
}

/** Runs `fn` with the live lease; when etcd says that lease is gone, marks it lost and tries once more. */
async function withLease<T>(session: Session, fn: (gen: LeaseGen) => Promise<T>): Promise<T> {
  const gen = await session.current();
  try {
    return await fn(gen);
  } catch (err) {
    if (!isLeaseGone(err)) throw err;
    gen.markLost('etcd no longer knows it');
    return fn(await session.current());
  }
}

interface Decision {
  compares: ICompare[];
  puts: IRequestOp[];
  /** Keys this transaction creates (to delete again if a later chunk is refused). */
  created: string[];
  held: Array<{ target: LockTarget; owner: LockOwner | null }>;
}

export function etcdContainerLock(conn: EtcdConn, session: Session, now: () => Date): ContainerLock {
  /** Deletes `keys` where this lease still holds them. */
  const releaseKeys = async (keys: readonly string[], gen: LeaseGen, what: string) => {
    for (const part of chunks(keys)) {
      await conn.call(what, (rpc, o) => rpc.kv.txn({ compare: [], success: part.map((k) => deleteIfLeaseOp(conn, k, gen.id)), failure: [] }, o));
    }
  };

  /** What taking `keys` (each `locks/<id>` or the claim) needs, given what they hold now. */
  const decide = (gen: LeaseGen, runId: string, value: string, keys: readonly string[], current: ReadonlyMap<string, IKeyValue>, targetOf: (key: string) => LockTarget): Decision => {
    const d: Decision = { compares: [], puts: [], created: [], held: [] };
    for (const key of keys) {
      const kv = current.get(key);
      const owner = ownerOf(kv);
      if (!kv) {
        d.compares.push(absent(conn, key));
        d.puts.push(putOp(conn, key, value, gen.id));
        d.created.push(key);
      } else if (kv.lease === gen.id && owner?.runId === runId) {
        d.compares.push(modIs(conn, key, kv.mod_revision)); // already ours (a retried call, or this run again)
      } else {
        d.held.push({ target: targetOf(key), owner });
      }
    }
    return d;
  };

  const acquireWith = async (gen: LeaseGen, runId: string, operator: string, targets: readonly LockTarget[]): Promise<LockHold> => {
    const owner: LockOwner = { runId, operator, since: now().toISOString(), pid: process.pid, host: os.hostname() };
    const value = JSON.stringify(owner);
    const byKey = new Map(targets.map((t) => [lockKey(checkId(t.id)), t]));
    const claim = claimKey(runId);
    const targetOf = (key: string): LockTarget => byKey.get(key) ?? { id: key, label: `run ${runId}` };
    // The claim first, then the locks in key order: two runs racing for overlapping sets meet first on
    // the lowest shared key, so one of them wins it whole and the other takes none of the shared ones.
    const keys = [claim, ...[...byKey.keys()].sort()];
    const taken: string[] = [];
    try {
      for (const part of chunks(keys)) {
        const until = performance.now() + CONTENDED_MS;
        const backoff = new Backoff(5, 250);
        for (;;) {
          const read = await conn.call('lock read', (rpc, o) => rpc.kv.txn({ compare: [], success: part.map((k) => getOp(conn, k)), failure: [] }, o));
          const current = new Map<string, IKeyValue>();
          part.forEach((k, i) => {
            const kv = rangeResult(read, i)[0];
            if (kv) current.set(k, kv);
          });
          const d = decide(gen, runId, value, part, current, targetOf);
          if (d.held.length > 0) throw new LockBusyError(d.held);
          const res = await conn.call('lock', (rpc, o) => rpc.kv.txn({ compare: d.compares, success: d.puts, failure: [] }, o));
          if (res.succeeded) {
            taken.push(...d.created);
            break;
          }
          if (performance.now() > until) throw new DockpitError('TIMEOUT', `locks ${conn.where}: other dockpits kept changing them for ${CONTENDED_MS / 1000} s; nothing locked`);
          await sleep(backoff.next());
        }
      }
    } catch (err) {
      // All or none: give back what this call took (keys this lease held before stay). If even that fails,
      // stop renewing the lease, so that etcd drops those keys after the TTL (with everything else this
      // lease held: that is what a dead link would do anyway); later locks get a new lease.
      if (taken.length > 0) await releaseKeys(taken, gen, 'lock rollback').catch(() => gen.markLost('the locks of a refused run could not be given back'));
      throw err;
    }
    session.claims.set(runId, gen);
    const mine = keys;
    return holdOf(gen, async () => {
      // A lost lease's keys are gone, or go within the TTL: nothing to delete. Its claim stays in the
      // session, so this process's appends to the run stay refused (only a new acquire lifts that).
      if (gen.lost !== null) return;
      if (session.claims.get(runId) === gen) session.claims.delete(runId);
      await releaseKeys(mine, gen, 'lock release');
    });
  };

  return {
    async acquire(runId, operator, targets) {
      checkRunId(runId);
      return withLease(session, (gen) => acquireWith(gen, runId, operator, targets));
    },
    async holders() {
      const { kvs } = await rangeDir(conn, 'lock holders', LOCKS_DIR);
      const out = new Map<string, LockOwner>();
      for (const kv of kvs) {
        const owner = ownerOf(kv);
        // Only leased keys are locks: a key written some other way (by hand) holds nothing.
        if (owner && kv.lease !== '0') out.set(conn.rel(kv.key).slice(LOCKS_DIR.length), owner);
      }
      return out;
    },
  };
}

interface PlacingOwner {
  by: string;
  since: string;
  pid: number;
  host: string;
  /** Tells our own key from another's when a call is retried after it was applied. */
  nonce: string;
}

export function etcdNameLocks(conn: EtcdConn, session: Session, now: () => Date): NameLocks {
  const holdWith = async (gen: LeaseGen, name: string, by: string): Promise<LockHold> => {
    const key = placingKey(name);
    const mine: PlacingOwner = { by, since: now().toISOString(), pid: process.pid, host: os.hostname(), nonce: crypto.randomBytes(8).toString('hex') };
    const value = JSON.stringify(mine);
    const res = await conn.call('placement lock', (rpc, o) => rpc.kv.txn({ compare: [absent(conn, key)], success: [putOp(conn, key, value, gen.id)], failure: [getOp(conn, key)] }, o));
    if (!res.succeeded) {
      const kv = rangeResult(res, 0)[0];
      let owner: Partial<PlacingOwner> | null = null;
      try {
        owner = kv ? (JSON.parse(kv.value.toString()) as Partial<PlacingOwner>) : null;
      } catch {
        owner = null;
      }
      if (owner?.nonce !== mine.nonce) throw new NameBusyError(name, typeof owner?.by === 'string' ? owner.by : null, typeof owner?.since === 'string' ? owner.since : null);
    }
    return holdOf(gen, async () => {
      if (gen.lost !== null) return;
      await conn.call('placement unlock', (rpc, o) => rpc.kv.txn({ compare: [leaseIs(conn, key, gen.id), valueIs(conn, key, value)], success: [deleteOp(conn, key)], failure: [] }, o));
    });
  };
  return {
    async hold(name, by) {
      if (!SAFE_NAME.test(name)) throw new DockpitError('PARSE', `container name ${JSON.stringify(name)}: not a container name`);
      return withLease(session, (gen) => holdWith(gen, name, by));
    },
  };
}
