import type { IDuplexStream, IWatchRequest, IWatchResponse } from 'etcd3';
import { Backoff } from '../../engine/backoff.js';
import type { StateChange } from '../types.js';
import type { EtcdConn } from './client.js';
import { distinctChanges, prefixEnd } from './keys.js';

// One etcd watch on the whole prefix for every listener of this process, opened when the first listener
// subscribes and closed with the last one. Not etcd3's Watcher: its manager throws from inside stream
// callbacks in some reconnect races and re-emits watch errors as 'error' events; here every failure just
// means "reconnect later", quietly, on unref'd timers (a cockpit left with etcd down neither crashes nor
// is kept alive by the retries).
//
// After a reconnect the watch resumes from the revision after the last one seen, so nothing is missed.
// When it has no such revision (it just started, or etcd compacted that history away: prune compacts),
// listeners are told the ledger and the locks may have changed, once the watch is live.

type Listener = (change: StateChange) => void;

/** What a listener is told when events were lost: re-read everything it shows. */
const EVERYTHING: readonly StateChange[] = [{ kind: 'ledger' }, { kind: 'locks' }];

/**
 * Ends a watch stream. etcd ignores a half-close (its watch server only stops when the call is cancelled),
 * so cancel; end first, so that the stream is no longer writable when the CANCELLED error comes back:
 * etcd3 would otherwise count it as the member failing and reset every channel to it.
 */
function finish(stream: IDuplexStream<IWatchRequest, IWatchResponse>): void {
  stream.end();
  stream.cancel();
}

export class EtcdWatch {
  private readonly listeners = new Set<Listener>();
  private stream: IDuplexStream<IWatchRequest, IWatchResponse> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Bumped on every (re)start and stop: callbacks of an older stream are ignored. */
  private generation = 0;
  /** The last revision the watch saw (its events are delivered): a reconnect resumes after it. */
  private revision: bigint | null = null;
  private readonly backoff = new Backoff(250, 10_000);
  private closed = false;

  constructor(private readonly conn: EtcdConn) {}

  subscribe(listener: Listener): () => void {
    // A fresh function per subscription, so one listener subscribed twice is two subscriptions.
    const entry: Listener = (c) => listener(c);
    this.listeners.add(entry);
    if (this.listeners.size === 1 && !this.closed) this.start();
    return () => {
      if (!this.listeners.delete(entry)) return;
      if (this.listeners.size === 0) this.stop();
    };
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
    this.stop();
  }

  private start(): void {
    const gen = ++this.generation;
    let rpc;
    try {
      rpc = this.conn.rpc();
    } catch {
      return this.retry(gen); // closed, or TLS files unreadable: a change would say so; the watch waits
    }
    rpc.watch.watch().then(
      (stream) => {
        stream.on('error', () => this.broken(gen, stream));
        stream.on('end', () => this.broken(gen, stream));
        if (gen !== this.generation) return finish(stream);
        this.stream = stream;
        stream.on('data', (res) => this.onData(gen, stream, res));
        const start = this.conn.key('');
        stream.write({
          create_request: {
            key: start,
            range_end: prefixEnd(start),
            ...(this.revision !== null && { start_revision: (this.revision + 1n).toString() }),
            progress_notify: true,
          },
        });
      },
      () => this.retry(gen),
    );
  }

  private onData(gen: number, stream: IDuplexStream<IWatchRequest, IWatchResponse>, res: IWatchResponse): void {
    if (gen !== this.generation) return;
    if (res.canceled) {
      // Compacted past our revision: start again from now (listeners are told to re-read, below).
      const compacted = Boolean(res.compact_revision) && res.compact_revision !== '0';
      if (compacted) this.revision = null;
      return this.broken(gen, stream, compacted);
    }
    // Where to resume, as etcd's own client does: after the last event delivered; a progress notice's
    // header when there are none; a new watch with no revision of ours starts after the header's. (A
    // resumed watch's "created" header is the store's revision, ahead of the events still to replay.)
    let seen: bigint | null = null;
    if (res.events.length > 0) {
      this.emit(distinctChanges(res.events.map((e) => this.conn.rel(e.kv.key))));
      seen = BigInt(res.events[res.events.length - 1]!.kv.mod_revision);
    } else if (!res.created || this.revision === null) {
      seen = BigInt(res.header.revision);
    }
    const fresh = res.created && this.revision === null;
    if (res.created) this.backoff.reset();
    if (seen !== null && (this.revision === null || seen > this.revision)) this.revision = seen;
    // A watch with no history of ours (the first, or one after a compaction) is live only from now: what
    // changed before it is not replayed, so listeners re-read what they show.
    if (fresh) this.emit(EVERYTHING);
  }

  private emit(changes: readonly StateChange[]): void {
    for (const change of changes) {
      for (const listener of [...this.listeners]) {
        try {
          listener(change);
        } catch {
          // A listener's own failure is not the state's: the others are still told, and the watch goes on.
        }
      }
    }
  }

  private broken(gen: number, stream: IDuplexStream<IWatchRequest, IWatchResponse>, now = false): void {
    if (gen !== this.generation) return;
    this.stream = null;
    finish(stream);
    if (now) this.start();
    else this.retry(gen);
  }

  private retry(gen: number): void {
    if (gen !== this.generation || this.listeners.size === 0 || this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (gen === this.generation && this.listeners.size > 0 && !this.closed) this.start();
    }, this.backoff.next());
    this.timer.unref();
  }

  private stop(): void {
    this.generation++;
    this.revision = null; // a later subscriber starts from then, not with a replay of what it missed
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.stream;
    this.stream = null;
    if (s) finish(s);
  }
}
