import os from 'node:os';
import type { Leases, RoleHold } from '../types.js';
import { isLeaseGone, type EtcdConn } from './client.js';
import { leaderKey } from './keys.js';
import { absent, deleteIfLeaseOp, getOp, jsonOf, putOp, rangeResult } from './kv.js';
import { Session, type LeaseGen } from './session.js';

// Issue 15, item 5: one process of the team plays a role (the alerts' sender). `leaders/<role>` is put
// only where absent, bound to a lease of the campaign's own (its TTL, renewed every TTL/3 by a Session, as
// the locks' lease is: the same fencing, see session.ts). The holder stops at once when its lease may
// have run out; the others retry every CHECK_MS and take the key when etcd has expired the dead holder's
// lease: the TTL after its last renewal (so at most the TTL after it died), plus etcd's expiry sweep (every
// 500 ms) and up to CHECK_MS.

/** How often a campaign looks at the key (holder: is it still ours; standby: is it free). */
const CHECK_MS = 250;

export interface EtcdLeases extends Leases {
  /** Resigns every campaign (state close). */
  resignAll(): Promise<void>;
}

export function etcdLeases(conn: EtcdConn, now: () => Date): EtcdLeases {
  const campaigns = new Set<RoleHold>();

  const campaign = (role: string, id: string, ttlMs: number, onChange: (held: boolean) => void): RoleHold => {
    const session = new Session(conn, Math.max(2, Math.ceil(ttlMs / 1000)), now);
    const key = leaderKey(role);
    const value = JSON.stringify({ id, pid: process.pid, host: os.hostname(), since: now().toISOString() });
    let gen: LeaseGen | null = null;
    let holder: string | null = null;
    let closed = false;
    let timer: NodeJS.Timeout | null = null;
    let told = false;

    const isHeld = () => !closed && gen !== null && gen.lost === null;
    const tell = () => {
      const held = isHeld();
      if (held !== told) {
        told = held;
        onChange(held);
      }
    };

    const check = async () => {
      try {
        const g = await session.current();
        const res = await conn.call('campaign', (rpc, o) =>
          rpc.kv.txn({ compare: [absent(conn, key)], success: [putOp(conn, key, value, g.id)], failure: [getOp(conn, key)] }, o),
        );
        const kv = res.succeeded ? undefined : rangeResult(res, 0)[0];
        const mine = res.succeeded || kv?.lease === g.id;
        gen = mine ? g : null;
        const v = kv ? (jsonOf(kv) as { id?: unknown } | null) : null;
        holder = mine ? id : typeof v?.id === 'string' ? v.id : null;
      } catch (err) {
        // etcd did not answer: a holder keeps the role until its lease may have run out (gen.lost).
        if (isLeaseGone(err)) gen?.markLost('etcd no longer knows it');
      }
      tell();
      if (!closed) timer = setTimeout(() => void check(), CHECK_MS);
    };

    // The loss is noticed when the lease may have run out, not at the next check.
    const fence = setInterval(tell, 100);
    fence.unref();
    void check();

    const hold: RoleHold = {
      get held() {
        return isHeld();
      },
      get holder() {
        return isHeld() ? id : holder;
      },
      async resign() {
        if (closed) return;
        const g = gen;
        closed = true;
        campaigns.delete(hold);
        if (timer) clearTimeout(timer);
        clearInterval(fence);
        tell();
        if (g && g.lost === null) {
          // Quick hand-over: the key goes now, not when the lease expires.
          await conn.call('resign', (rpc, o) => rpc.kv.txn({ compare: [], success: [deleteIfLeaseOp(conn, key, g.id)], failure: [] }, o)).catch(() => undefined);
        }
        await session.close();
      },
    };
    campaigns.add(hold);
    return hold;
  };

  return {
    campaign,
    async resignAll() {
      await Promise.all([...campaigns].map((c) => c.resign()));
    },
  };
}
