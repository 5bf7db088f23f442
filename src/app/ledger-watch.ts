import type { IpPool } from '../config/types.js';
import type { DomainEventSink } from '../engine/types.js';
import type { StateStore } from '../state/types.js';

// Issue 4: the cockpit shows the ledger's reservations, which another dockpit process (`dockpit run`, on
// this jump host or, with shared state, another) may change at any moment. Read it every 2 s, and at once
// when the state says the ledger changed (issue 11: any backend's `watch`).

export interface LedgerPollerOptions {
  /** The ledger is read with `ledger.list()`; `watch` says when it changed. */
  state: Pick<StateStore, 'ledger' | 'watch'>;
  pools: IpPool[];
  emit: DomainEventSink;
  intervalMs?: number;
  /** Watch the state for changes to the ledger (default true). */
  watch?: boolean;
}

export interface LedgerPoller {
  /** Reads now (single flight: a request during a read makes one more read after it). */
  read(): Promise<void>;
  stop(): void;
}

function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  if (err instanceof Error && typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code)) return `${e.code}: ${err.message}`;
  return `LEDGER_UNREADABLE: ${err instanceof Error ? err.message : String(err)}`;
}

export function startLedgerPoller(opts: LedgerPollerOptions): LedgerPoller {
  const { state, emit } = opts;
  let stopped = false;
  let reading: Promise<void> | null = null;
  let again = false;

  emit({ type: 'pools.configured', pools: opts.pools });

  const read = (): Promise<void> => {
    if (reading) {
      again = true;
      return reading;
    }
    const run = async () => {
      do {
        again = false;
        try {
          const reservations = await state.ledger.list();
          if (!stopped) emit({ type: 'ledger.read', reservations });
        } catch (err) {
          if (!stopped) emit({ type: 'ledger.failed', error: describe(err) });
        }
      } while (again && !stopped);
    };
    reading = run().finally(() => (reading = null));
    return reading;
  };

  // The timer covers what a watch may miss (a state folder made later, a watch that failed).
  const unwatch = opts.watch === false ? () => undefined : state.watch((change) => change.kind === 'ledger' && void read());
  void read();
  const timer = setInterval(() => void read(), opts.intervalMs ?? 2000);
  timer.unref();

  return {
    read,
    stop() {
      stopped = true;
      clearInterval(timer);
      unwatch();
    },
  };
}
