import { performance } from 'node:perf_hooks';
import { StateError } from '../types.js';
import { isLeaseGone, type EtcdConn } from './client.js';

// One etcd lease per process (issue 11): every lock, placement and run claim this process takes is bound to
// it, so all of them vanish together when the process dies (after the TTL) and another jump host can take
// over. The lease is granted on first use and renewed every TTL/3.
//
// Fencing: a holder must stop before anyone else can take over. etcd expires the lease TTL after the last
// renewal it received; that renewal was sent after we sent it, so "TTL after sending the last renewal
// that was answered" is never later than etcd's expiry. At that moment the lease counts as lost here,
// whatever the network does. We don't rely on etcd3's Lease for this: it only declares a lease lost after
// 2 × TTL without contact, and over a link whose packets are dropped its calls hang rather than fail.
// etcd saying the lease is gone (TTL 0 on renewal, "lease not found" on a put) loses it at once too.

/** How often a renewal is tried after one failed (it may still succeed before the lease runs out). */
const RETRY_MS = 500;

/** One granted lease. Once lost it stays lost; the session grants a new one for later locks. */
export class LeaseGen {
  private lostError: StateError | null = null;

  constructor(
    readonly id: string,
    /** performance.now() before which etcd surely still has the lease. */
    private expiresAt: number,
    private readonly now: () => Date,
    private readonly onLost: (gen: LeaseGen) => void,
  ) {}

  /**
   * Set once the lease can no longer be trusted. Reads the clock itself rather than trusting a timer to
   * have fired: a suspended process (SIGSTOP, a sleeping laptop) runs its timers late.
   */
  get lost(): StateError | null {
    if (this.lostError === null && performance.now() >= this.expiresAt) this.markLost('no renewal reached etcd within the lease TTL');
    return this.lostError;
  }

  /** Milliseconds until the lease may have expired in etcd. */
  get remainingMs(): number {
    return this.expiresAt - performance.now();
  }

  renewed(until: number): void {
    if (this.lostError === null) this.expiresAt = Math.max(this.expiresAt, until);
  }

  markLost(why: string): void {
    if (this.lostError !== null) return;
    this.lostError = new StateError(`this dockpit lost its etcd lease at ${this.now().toISOString()} (${why}): another jump host may take over; stopped before touching anything else`);
    this.onLost(this);
  }

  /** Ends the lease on purpose (close()): holds then report why they are no longer held. */
  end(message: string): void {
    if (this.lostError !== null) return;
    this.lostError = new StateError(message);
    this.onLost(this);
  }
}

export class Session {
  private gen: LeaseGen | null = null;
  private granting: Promise<LeaseGen> | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  /** The lease whose renewal is in flight (an older lease's may still be, once a new one is granted). */
  private renewing: LeaseGen | null = null;
  private closed = false;
  /** Runs this process claimed (ContainerLock.acquire), each with the lease that holds its claim. */
  readonly claims = new Map<string, LeaseGen>();

  constructor(
    private readonly conn: EtcdConn,
    private readonly ttlSec: number,
    private readonly now: () => Date,
  ) {}

  /** The live lease, granted now if there is none (first use, or the last one was lost). */
  async current(): Promise<LeaseGen> {
    if (this.closed) throw new StateError(`${this.conn.where}: closed`);
    const g = this.gen;
    if (g !== null && g.lost === null) return g;
    this.granting ??= this.grant().finally(() => {
      this.granting = null;
    });
    return this.granting;
  }

  private async grant(): Promise<LeaseGen> {
    this.stopTimers();
    const sentAt = performance.now();
    const res = await this.conn.call('lease grant', (rpc, o) => rpc.lease.leaseGrant({ TTL: this.ttlSec }, o));
    // etcd may raise a TTL below its minimum: its answer is what it will enforce.
    const ttlMs = Number(res.TTL) * 1000;
    const gen = new LeaseGen(res.ID, sentAt + ttlMs, this.now, (lost) => this.onLost(lost));
    this.gen = gen;
    this.armExpiry(gen);
    this.scheduleTick(gen, ttlMs / 3);
    return gen;
  }

  private onLost(gen: LeaseGen): void {
    if (this.gen === gen) this.stopTimers();
  }

  /** Fires when the lease may have run out, so that `lost` is set even if nobody asks. */
  private armExpiry(gen: LeaseGen): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => void gen.lost, Math.max(0, gen.remainingMs) + 1);
    this.expiryTimer.unref(); // nothing to keep the process alive for: it only sets a flag
  }

  private scheduleTick(gen: LeaseGen, ms: number): void {
    if (this.tickTimer) clearTimeout(this.tickTimer);
    this.tickTimer = setTimeout(() => this.renew(gen), ms);
    this.tickTimer.unref();
  }

  private renew(gen: LeaseGen): void {
    if (this.gen !== gen || gen.lost !== null || this.renewing === gen) return;
    const budget = Math.min(this.conn.timeoutMs, gen.remainingMs);
    if (budget <= 0) return;
    this.renewing = gen;
    const sentAt = performance.now();
    let next = RETRY_MS;
    this.keepaliveOnce(gen.id, Math.ceil(budget))
      .then(
        (ttl) => {
          if (ttl <= 0) return gen.markLost('etcd says it expired');
          gen.renewed(sentAt + ttl * 1000);
          this.armExpiry(gen);
          next = (this.ttlSec * 1000) / 3;
        },
        (err: unknown) => {
          if (isLeaseGone(err)) gen.markLost('etcd no longer knows it');
          // Otherwise etcd did not answer: try again soon; the expiry timer decides when it is too late.
        },
      )
      .finally(() => {
        if (this.renewing === gen) this.renewing = null;
        if (this.gen === gen && gen.lost === null) this.scheduleTick(gen, Math.min(next, Math.max(0, gen.remainingMs)));
      });
  }

  /** One renewal on a stream of its own, bounded like any call; resolves to the TTL etcd gives. */
  private keepaliveOnce(id: string, ms: number): Promise<number> {
    return this.conn.call(
      'lease keepalive',
      async (rpc, _o, deadline) => {
        const stream = await rpc.lease.leaseKeepAlive({ deadline });
        return new Promise<number>((resolve, reject) => {
          stream.on('error', reject); // also absorbs the stream's later errors once settled
          stream.on('end', () => reject(new Error('the keepalive stream ended without an answer')));
          stream.on('data', (r) => {
            resolve(Number(r.TTL));
            stream.end();
          });
          stream.write({ ID: id });
        });
      },
      ms,
    );
  }

  private stopTimers(): void {
    if (this.tickTimer) clearTimeout(this.tickTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.tickTimer = null;
    this.expiryTimer = null;
  }

  /** Revokes the lease (etcd deletes every key bound to it); bounded, and quiet when etcd is unreachable. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimers();
    const gen = this.granting ? await this.granting.catch(() => null) : this.gen;
    this.stopTimers();
    this.claims.clear();
    if (gen === null) return;
    const live = gen.lost === null;
    gen.end(`released: this dockpit closed its state (${this.conn.where})`);
    if (!live) return;
    try {
      await this.conn.call('lease revoke', (rpc, o) => rpc.lease.leaseRevoke({ ID: gen.id }, o));
    } catch {
      // Unreachable or already gone: etcd expires the lease by itself within the TTL, which is all a
      // revoke would have done sooner. Nothing is left for this process to do about it.
    }
  }
}
