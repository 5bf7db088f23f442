import fs from 'node:fs';
import path from 'node:path';
import { readdirIfExists, readIfExists, syncDir } from './durable-file.js';
import { JOURNAL_EXT } from './journal.js';

// Issue 11: what only grows is pruned (`dockpit state prune`): the journals of runs that ended longer ago
// than the retention. A run that has not ended (running, or killed and never resumed) is kept whatever
// its age: resume needs it.

/** The last record of a plan run and of a migration that ended. */
const END_KINDS: ReadonlySet<string> = new Set(['run.end', 'mig.end']);

/** When the journal's last whole record says the run ended, its time (ms); otherwise null. */
function endedAt(text: string): number | null {
  const last = text.split('\n').filter((l) => l.length > 0).at(-1);
  if (last === undefined || !text.endsWith('\n')) return null; // empty, or a torn last line: not an end
  try {
    const r = JSON.parse(last) as { kind?: unknown; at?: unknown };
    return typeof r.kind === 'string' && END_KINDS.has(r.kind) && typeof r.at === 'string' ? Date.parse(r.at) : null;
  } catch {
    return null;
  }
}

/** Deletes, in each folder, the journals whose run ended before `cutoff`; resolves to how many. */
export async function pruneJournals(dirs: readonly string[], cutoff: Date): Promise<number> {
  let deleted = 0;
  for (const dir of dirs) {
    let here = 0;
    for (const name of (await readdirIfExists(dir)).filter((n) => n.endsWith(JOURNAL_EXT))) {
      const file = path.join(dir, name);
      const ended = endedAt((await readIfExists(file)) ?? '');
      if (ended === null || !(ended < cutoff.getTime())) continue;
      await fs.promises.rm(file, { force: true });
      here++;
    }
    if (here > 0) await syncDir(dir);
    deleted += here;
  }
  return deleted;
}
