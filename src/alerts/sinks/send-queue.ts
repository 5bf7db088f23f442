import { Backoff } from '../../engine/backoff.js';
import type { SinkStats } from '../types.js';

// The one delivery loop every sink shares (issue 15, item 3): `push` returns at once, a single request is in
// flight at a time, a failed batch is retried with capped backoff, and the queue is bounded: when full, the
// OLDEST items go first (a receiver that comes back wants what happened lately), counted in `dropped`. A dead
// or hung receiver therefore costs the caller one array push, never a wait.

export interface SendQueueOptions<T> {
  /** Most items waiting (in flight included); the oldest are dropped beyond it. */
  bound: number;
  /** Most items in one request. */
  maxBatch: number;
  /** Tries of one batch before it is given up (dropped, counted); Infinity retries until the bound pushes it out. */
  retries: number;
  retryBaseMs: number;
  retryCapMs: number;
  /** Delivers one batch; rejects to have it retried. Resolves to how many items the receiver refused (counted failed, not retried). */
  deliver: (batch: readonly T[]) => Promise<number | void>;
  /** Items with the same key replace one another while waiting (Alertmanager: the latest state of an alert). */
  keyOf?: (item: T) => string;
}

interface Entry<T> {
  item: T;
  key: string | null;
}

export interface SendQueue<T> {
  push(items: readonly T[]): void;
  /** Waits for the queue to empty, at most `ms`, then stops retrying; what is left stays counted in `queued`. */
  close(ms: number): Promise<void>;
  stats(): SinkStats;
}

/** `CODE: message` from whatever a delivery threw. */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code ?? (err.cause as NodeJS.ErrnoException | undefined)?.code ?? err.name;
    const cause = err.cause instanceof Error && err.cause.message !== err.message ? ` (${err.cause.message})` : '';
    return `${code}: ${err.message}${cause}`;
  }
  return `ERROR: ${String(err)}`;
}

export function createSendQueue<T>(opts: SendQueueOptions<T>): SendQueue<T> {
  if (!(opts.bound >= 1) || !(opts.maxBatch >= 1)) throw new Error(`send queue: bound and maxBatch must be at least 1 (got ${opts.bound}, ${opts.maxBatch})`);
  const queue: Entry<T>[] = [];
  // Head index instead of shift(): dropping the oldest of 1,000 items on every push stays O(1).
  let head = 0;
  const waiting = new Map<string, Entry<T>>();
  /** How many entries at the head are in the request now in flight (it shrinks when the bound drops some). */
  let inFlight = 0;
  let busy = false;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let tries = 0;
  const backoff = new Backoff(opts.retryBaseMs, opts.retryCapMs);
  const counts: SinkStats = { sent: 0, failed: 0, dropped: 0, queued: 0, lastError: null };
  let idle: (() => void) | null = null;

  const size = () => queue.length - head;

  function compact(): void {
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  }

  function dropHead(n: number): void {
    for (let i = 0; i < n; i++) {
      const e = queue[head]!;
      if (e.key !== null && waiting.get(e.key) === e) waiting.delete(e.key);
      queue[head] = undefined as unknown as Entry<T>;
      head++;
    }
    compact();
  }

  function push(items: readonly T[]): void {
    if (closed) return;
    for (const item of items) {
      const key = opts.keyOf ? opts.keyOf(item) : null;
      if (key !== null) {
        const prev = waiting.get(key);
        if (prev) {
          prev.item = item;
          continue;
        }
      }
      const e: Entry<T> = { item, key };
      queue.push(e);
      if (key !== null) waiting.set(key, e);
    }
    const over = size() - opts.bound;
    if (over > 0) {
      // Items of the request in flight count too: if they are dropped, a success still counts them sent.
      inFlight = Math.max(0, inFlight - over);
      counts.dropped += over;
      dropHead(over);
    }
    kick();
  }

  function kick(): void {
    if (busy || timer || size() === 0) return;
    void attempt();
  }

  async function attempt(): Promise<void> {
    busy = true;
    const n = Math.min(size(), opts.maxBatch);
    const batch: T[] = [];
    for (let i = head; i < head + n; i++) {
      const e = queue[i]!;
      // In flight: a newer state of the same alert queues behind it instead of replacing what is being sent.
      if (e.key !== null && waiting.get(e.key) === e) waiting.delete(e.key);
      batch.push(e.item);
    }
    inFlight = n;
    try {
      const refused = (await opts.deliver(batch)) ?? 0;
      counts.sent += n - refused;
      counts.failed += refused;
      dropHead(inFlight);
      tries = 0;
      backoff.reset();
      if (refused === 0) counts.lastError = null;
    } catch (err) {
      counts.failed++;
      counts.lastError = errorText(err);
      tries++;
      if (tries >= opts.retries) {
        counts.dropped += inFlight;
        dropHead(inFlight);
        inFlight = 0;
        tries = 0;
        backoff.reset();
      }
      // The entries stay at the head (re-keyed so newer states still replace them) and go again after a pause.
      for (let i = head; i < head + inFlight; i++) {
        const e = queue[i]!;
        if (e.key !== null && !waiting.has(e.key)) waiting.set(e.key, e);
      }
      if (!closed && size() > 0) {
        timer = setTimeout(() => {
          timer = null;
          kick();
        }, backoff.next());
        timer.unref();
      }
    } finally {
      inFlight = 0;
      busy = false;
    }
    if (size() === 0 && idle) idle();
    else if (!closed) kick();
  }

  async function close(ms: number): Promise<void> {
    if (size() > 0) {
      if (timer) {
        // Flushing at SIGTERM: one more try now rather than after the backoff.
        clearTimeout(timer);
        timer = null;
        kick();
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        t.unref();
        idle = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    closed = true;
    idle = null;
    if (timer) clearTimeout(timer);
    timer = null;
  }

  return {
    push,
    close,
    stats: () => ({ ...counts, queued: size() }),
  };
}
