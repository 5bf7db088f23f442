import fs from 'node:fs';
import type { IpPool } from '../config/types.js';
import type { DomainEventSink } from '../engine/types.js';
import type { Reservation } from '../pool/ledger.js';
import { LEDGER_FILE } from '../pool/file-ledger.js';

// Issue 4: the cockpit shows the ledger's reservations, which another dockpit process (`dockpit run`) may
// change at any moment. Read it every 2 s, and at once when the state folder says the file changed.

export interface LedgerPollerOptions {
  stateDir: string;
  pools: IpPool[];
  /** Reads every reservation (the ledger's `list`). */
  list: () => Promise<Reservation[]>;
  emit: DomainEventSink;
  intervalMs?: number;
  /** Watch the state folder for changes to the ledger file (default true). */
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
  const { stateDir, emit } = opts;
  let stopped = false;
  let reading: Promise<void> | null = null;
  let again = false;
  let watcher: fs.FSWatcher | null = null;
  let debounce: NodeJS.Timeout | null = null;

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
          const reservations = await opts.list();
          if (!stopped) emit({ type: 'ledger.read', reservations });
        } catch (err) {
          if (!stopped) emit({ type: 'ledger.failed', error: describe(err) });
        }
      } while (again && !stopped);
    };
    reading = run().finally(() => (reading = null));
    return reading;
  };

  // The folder, not the file: the writer replaces the file by renaming a new one over it, and a watch on
  // the old file would never fire again. The folder may not exist until the first reservation: retried.
  const ensureWatch = () => {
    if (watcher || stopped || opts.watch === false) return;
    try {
      watcher = fs.watch(stateDir, { persistent: false }, (_event, file) => {
        // The rename of a new version over the ledger names it; temp files and the lock folder don't matter.
        if (file !== null && String(file) !== LEDGER_FILE) return;
        debounce ??= setTimeout(() => {
          debounce = null;
          void read();
        }, 20);
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = null;
      });
    } catch {
      watcher = null; // no folder yet: the timer keeps reading, and tries again
    }
  };

  ensureWatch();
  void read();
  const timer = setInterval(() => {
    ensureWatch();
    void read();
  }, opts.intervalMs ?? 2000);
  timer.unref();

  return {
    read,
    stop() {
      stopped = true;
      clearInterval(timer);
      if (debounce) clearTimeout(debounce);
      watcher?.close();
      watcher = null;
    },
  };
}
