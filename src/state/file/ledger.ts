import fs from 'node:fs';
import path from 'node:path';
// A namespace import lets the bundler leave out what dockpit never uses (zod's other locales: 3/4 of its size, issue 16).
import * as z from 'zod';
import { DockpitError } from '../../engine/errors.js';
import { checkLedgerInvariant } from '../ledger-invariant.js';
import { reservationSchema } from '../schemas.js';
import type { Ledger, Reservation } from '../types.js';
import { mkdirp, writeFileDurably, type EnsureDir } from './durable-file.js';
import { withFileLock } from './file-lock.js';

// Issue 4, item 2: the ledger as one JSON file on the jump host, `<stateDir>/ledger.json` (the file
// backend's; issue 11).
//
// - Crash-safe: a write goes to a temp file in the same folder, is fsynced, renamed over the ledger, and
//   the folder is fsynced; a reader sees the old file or the new one, never half of one.
// - Cross-process: `update` reads, decides and writes under the ledger's lock (file-lock.ts: an atomic
//   mkdir of `ledger.json.lock`, taken over once stale).
// - Never guesses: an unreadable ledger is an error, not an empty one (that would hand out addresses twice).

export const LEDGER_FILE = 'ledger.json';

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

export function fileLedger(stateDir: string, ensureDir: EnsureDir = mkdirp): Ledger & { readonly file: string } {
  const file = path.join(stateDir, LEDGER_FILE);
  return {
    file,
    where: file,
    async list() {
      // No lock: the rename makes every read see one whole version.
      return ((await readLedgerFile(file))?.reservations ?? []) as Reservation[];
    },
    async update(change) {
      await ensureDir(stateDir);
      return withFileLock(file, 'ledger', async (lost) => {
        const current = await readLedgerFile(file);
        const { next, result } = change((current?.reservations ?? []) as Reservation[]);
        checkLedgerInvariant(next);
        const compromised = lost();
        if (compromised) throw new DockpitError('CONFLICT', `ledger ${file}: lost its lock (${compromised.message}); nothing written`);
        const sorted = [...next].sort((a, b) => a.name.localeCompare(b.name));
        await writeFileDurably(file, `${JSON.stringify({ ...current, version: 1, reservations: sorted }, null, 2)}\n`);
        return result;
      });
    },
  };
}
