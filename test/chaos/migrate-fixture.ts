import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { FLEET_SCRIPT } from '../support/fleet.js';
import type { AuditLike, EngineEvent, Violation } from './invariants.js';

const run = promisify(execFile);

// The migration scenarios (F2, F14): what the plan fixture's checks do not cover for a move. A move renames
// its source (`NAME_parked_…`) and audits `FROM/NAME → TO`, so its engine events are counted by name stem
// and its audit targets read as both ends.

/** fleet.sh cut-ssh / heal-ssh on one host (the link dockpit's ssh:// transport rides). */
export async function sshLink(cmd: 'cut-ssh' | 'heal-ssh', host: string, mode: 'drop' | 'reset' = 'drop'): Promise<void> {
  await run('bash', [FLEET_SCRIPT, cmd, host, ...(cmd === 'cut-ssh' && mode === 'reset' ? ['reset'] : [])], { env: process.env });
}

/** The container's own name or its parked copy's (`NAME_parked_…`). */
export const stemOf = (name: string, stems: readonly string[]): string | undefined => stems.find((s) => name === s || name.startsWith(`${s}_parked_`));

/** Per host/stem, how many times each action shows in the engines' events. */
export function countByStem(events: readonly EngineEvent[], stems: readonly string[]): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const e of events) {
    const stem = stemOf(e.name, stems);
    if (!stem) continue;
    const k = `${e.host}/${stem}`;
    const c = out.get(k) ?? {};
    const action = e.action === 'kill' ? `kill:${e.signal ?? '?'}` : e.action;
    c[action] = (c[action] ?? 0) + 1;
    out.set(k, c);
  }
  return out;
}

/**
 * Each engine action of one move exactly once, whatever the end: moved (source stopped, parked and removed
 * once; target created and started once), or rolled back (a target created at most once and then removed,
 * the source stopped at most once and started again as often, parked and unparked together). Two of any
 * action on one container is the defect the journal exists to prevent.
 */
export function moveOnce(counts: ReadonlyMap<string, Record<string, number>>, name: string, from: string, to: string, movedTo: string | null): Violation[] {
  const src = counts.get(`${from}/${name}`) ?? {};
  const dst = counts.get(`${to}/${name}`) ?? {};
  const n = (c: Record<string, number>, a: string) => c[a] ?? 0;
  const show = (c: Record<string, number>) => JSON.stringify(c);
  const bad: string[] = [];
  if (movedTo === to) {
    for (const [a, want] of [['stop', 1], ['rename', 1], ['destroy', 1], ['create', 0], ['start', 0]] as const) if (n(src, a) !== want) bad.push(`${from}/${name}: ${n(src, a)} × ${a}, expected ${want} (${show(src)})`);
    for (const [a, want] of [['create', 1], ['start', 1], ['stop', 0], ['destroy', 0]] as const) if (n(dst, a) !== want) bad.push(`${to}/${name}: ${n(dst, a)} × ${a}, expected ${want} (${show(dst)})`);
  } else if (movedTo === from) {
    if (n(dst, 'create') > 1 || n(dst, 'destroy') !== n(dst, 'create') || n(dst, 'start') > 1) bad.push(`${to}/${name}: the rolled-back target ${show(dst)}, expected at most one create, removed once`);
    if (n(src, 'stop') > 1 || n(src, 'start') !== n(src, 'stop') || ![0, 2].includes(n(src, 'rename')) || n(src, 'destroy') > 0 || n(src, 'create') > 0) {
      bad.push(`${from}/${name}: the rolled-back source ${show(src)}, expected at most one stop and as many starts, parked and unparked together`);
    }
  } else bad.push(`${name} runs on neither ${from} nor ${to} (on ${movedTo ?? 'no host'})`);
  return bad.map((text) => ({ invariant: 'each action once', text }));
}

/** A move's audit target `FROM/NAME → TO` accounts for both ends; a parked copy is its container's. */
export function auditByStem(audit: readonly AuditLike[], stems: readonly string[]): AuditLike[] {
  return audit.map((e) => ({
    ...e,
    targets: e.targets.flatMap((t) => {
      const m = /^([^/\s]+)\/(\S+) → (\S+)$/.exec(t);
      const named = m ? [`${m[1]}/${m[2]}`, `${m[3]}/${m[2]}`] : [t];
      return named.map((x) => {
        const [h, n] = x.split('/');
        const stem = n ? stemOf(n, stems) : undefined;
        return stem ? `${h}/${stem}` : x;
      });
    }),
  }));
}

/** The one migration run of a fresh state folder (there is one or none), and how many records it has. */
export function migrationRecords(stateDir: string): { runId: string | null; count: number } {
  const d = path.join(stateDir, 'migrations');
  const f = fs.existsSync(d) ? fs.readdirSync(d).find((x) => x.endsWith('.jsonl')) : undefined;
  if (!f) return { runId: null, count: 0 };
  const text = fs.readFileSync(path.join(d, f), 'utf8');
  return { runId: f.slice(0, -'.jsonl'.length), count: text.split('\n').filter((l) => l.trim()).length };
}

/** Resolves once the run's journal holds `n` records, or `done` settles first (then false). */
export async function whenRecords(stateDir: string, n: number, done: Promise<unknown>): Promise<boolean> {
  let over = false;
  void done.then(() => (over = true));
  while (!over) {
    if (migrationRecords(stateDir).count >= n) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return migrationRecords(stateDir).count >= n;
}
