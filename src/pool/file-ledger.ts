import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { writeFileDurably } from '../engine/durable-file.js';
import { DockpitError } from '../engine/errors.js';
import type { Ledger, Reservation } from './ledger.js';

// Issue 4, item 2: the ledger as one JSON file on the jump host, `<stateDir>/ledger.json`.
//
// - Crash-safe: a write goes to a temp file in the same folder, is fsynced, renamed over the ledger, and
//   the folder is fsynced; a reader sees the old file or the new one, never half of one.
// - Cross-process: `update` reads, decides and writes under proper-lockfile's lock (an atomic mkdir of
//   `ledger.json.lock`, its mtime refreshed while held, taken over when older than STALE_MS: a dockpit
//   killed while holding it blocks the others for at most that long).
// - Never guesses: an unreadable ledger is an error, not an empty one (that would hand out addresses twice).

export const LEDGER_FILE = 'ledger.json';

/** A lock not refreshed for this long belongs to a dead process. */
const STALE_MS = 10_000;
/** How long `update` waits for another process's lock (polling with jitter), about 40 s in all. */
const LOCK_RETRIES = { retries: 400, factor: 1.3, minTimeout: 5, maxTimeout: 100, randomize: true };

const reservationSchema = z.looseObject({
  name: z.string().min(1),
  pool: z.string().min(1),
  ip: z.string().min(1),
  line: z.string().nullable(),
  host: z.string().nullable(),
  at: z.string(),
  by: z.string(),
});

// Loose objects: fields a later dockpit adds survive a rewrite by this one.
const fileSchema = z.looseObject({
  version: z.literal(1),
  reservations: z.array(reservationSchema),
});

type LedgerFile = z.infer<typeof fileSchema>;

async function readLedgerFile(file: string): Promise<LedgerFile | null> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DockpitError('UNKNOWN', `ledger ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DockpitError('PARSE', `ledger ${file}: not JSON (${(err as Error).message}); fix or restore it, dockpit will not overwrite it`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DockpitError('PARSE', `ledger ${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}; fix or restore it, dockpit will not overwrite it`);
  }
  return parsed.data;
}

/** Refuses a ledger that would give one name or one address twice: the invariant every writer keeps. */
function checkInvariant(next: readonly Reservation[]): void {
  const names = new Set<string>();
  const ips = new Map<string, string>();
  for (const r of next) {
    if (names.has(r.name)) throw new DockpitError('CONFLICT', `ledger: ${r.name} would be reserved twice`);
    names.add(r.name);
    const other = ips.get(r.ip);
    if (other !== undefined) throw new DockpitError('CONFLICT', `ledger: ${r.ip} would be reserved for both ${other} and ${r.name}`);
    ips.set(r.ip, r.name);
  }
}

export function fileLedger(stateDir: string): Ledger & { readonly file: string } {
  const file = path.join(stateDir, LEDGER_FILE);
  return {
    file,
    async list() {
      // No lock: the rename makes every read see one whole version.
      return ((await readLedgerFile(file))?.reservations ?? []) as Reservation[];
    },
    async update(change) {
      await fs.promises.mkdir(stateDir, { recursive: true });
      let compromised: Error | null = null;
      let release: () => Promise<void>;
      try {
        release = await lockfile.lock(file, {
          realpath: false, // the ledger need not exist yet
          stale: STALE_MS,
          retries: LOCK_RETRIES,
          onCompromised: (err) => {
            compromised = err;
          },
        });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
          throw new DockpitError('TIMEOUT', `ledger ${file}: still locked by another dockpit after about 40 s`);
        }
        throw err;
      }
      try {
        const current = await readLedgerFile(file);
        const { next, result } = change((current?.reservations ?? []) as Reservation[]);
        checkInvariant(next);
        if (compromised) throw new DockpitError('CONFLICT', `ledger ${file}: lost its lock (${(compromised as Error).message}); nothing written`);
        const sorted = [...next].sort((a, b) => a.name.localeCompare(b.name));
        await writeFileDurably(file, `${JSON.stringify({ ...current, version: 1, reservations: sorted }, null, 2)}\n`);
        return result;
      } finally {
        await release().catch(() => undefined); // a lock taken over as stale is not ours to remove
      }
    },
  };
}
