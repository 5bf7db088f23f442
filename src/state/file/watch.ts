import fs from 'node:fs';
import path from 'node:path';
import type { JournalName, StateChange } from '../types.js';
import { LEDGER_FILE } from './ledger.js';

// The file backend's StateStore.watch: fs.watch on the state folder (the ledger) and its locks/, placing/,
// runs/ and migrations/ folders. The folders, not the files: a writer replaces the ledger by renaming a new
// file over it, and a watch on the old file would never fire again. A folder that does not exist yet (the
// state folder is only made by the first write) is tried again every RETRY_MS; nothing is created here.
// Watches are non-persistent: a watcher alone does not keep the process alive.

const RETRY_MS = 2000;
/** Changes to one thing within this window are told once (a rename names both the temp file and the ledger). */
const DEBOUNCE_MS = 20;

type Classify = (file: string) => StateChange | null;

const journal = (name: JournalName): Classify => (file) => (file.endsWith('.jsonl') && !file.startsWith('.') ? { kind: 'journal', journal: name, runId: file.slice(0, -'.jsonl'.length) } : null);

/** Each watched folder (relative to the state folder) and what a change of a file in it means. */
const FOLDERS: ReadonlyArray<[string, Classify]> = [
  ['.', (file) => (file === LEDGER_FILE ? { kind: 'ledger' } : null)],
  ['locks', () => ({ kind: 'locks' })],
  ['placing', () => ({ kind: 'locks' })],
  ['runs', journal('runs')],
  ['migrations', journal('migrations')],
];

export function watchStateFolder(stateDir: string, listener: (change: StateChange) => void, opts: { retryMs?: number } = {}): () => void {
  const watchers = new Map<string, fs.FSWatcher>();
  const pending = new Map<string, NodeJS.Timeout>();
  let stopped = false;

  const tell = (change: StateChange) => {
    const key = JSON.stringify(change);
    if (pending.has(key)) return;
    pending.set(
      key,
      setTimeout(() => {
        pending.delete(key);
        if (!stopped) listener(change);
      }, DEBOUNCE_MS),
    );
  };

  const attach = () => {
    for (const [sub, classify] of FOLDERS) {
      if (stopped || watchers.has(sub)) continue;
      try {
        const w = fs.watch(path.join(stateDir, sub), { persistent: false }, (_event, file) => {
          // No name (some platforms): anything may have changed.
          const change = file === null ? (sub === '.' ? { kind: 'ledger' as const } : classify('')) : classify(String(file));
          if (change) tell(change);
          // A folder that appears in the state folder is watched at once, not at the next retry.
          if (sub === '.' && file !== null && FOLDERS.some(([f]) => f === String(file))) attach();
        });
        w.on('error', () => {
          w.close();
          watchers.delete(sub);
        });
        watchers.set(sub, w);
      } catch {
        // Not there yet: the timer tries again.
      }
    }
  };

  attach();
  const timer = setInterval(attach, opts.retryMs ?? RETRY_MS);
  timer.unref();

  return () => {
    stopped = true;
    clearInterval(timer);
    for (const t of pending.values()) clearTimeout(t);
    pending.clear();
    for (const w of watchers.values()) w.close();
    watchers.clear();
  };
}
