import fs from 'node:fs';
import path from 'node:path';
import type { Violation } from '../invariants.js';
import { realClock, skewedClock } from '../machine-faults.js';
import { runPlanUnderFault, secretOf } from '../plan-fixture.js';
import { afterRuns, Outputs, runConfig } from '../run-fixture.js';
import type { RunContext, Scenario } from '../scenario.js';
import { auditEntries, cli, newRun, now, removeAll, runIds, seen, sleep } from '../truth.js';

// F12: dockpit's wall clock 10 minutes ahead or behind (libfaketime, seeded), racing a dockpit with the right
// time. Locks and journal times must neither let one take over the other's live claim nor refuse forever.
// Seeded mode:
// - race: two operators run the same name and one each (as F6), operator A's clock off: one running per
//   name, no address twice (placement locks and the ledger's reservations carry times).
// - plan: the plan of F1/F3/F4, every call of it with the clock off (apply, resumes, restore), while a dockpit
//   with the right time resumes the same run during the apply: each action exactly once, the run done,
//   the restore exact. Then a journal time is checked to be off, so that the skew was really seen.

const P = 'cz12-';
const LINE = 'chaos12';

/** The first journal record's time, minus the real time it was written around. */
function journalSkewMs(stateDir: string, runId: string, realAt: number): number | null {
  const f = path.join(stateDir, 'runs', `${runId}.jsonl`);
  if (!fs.existsSync(f)) return null;
  const first = fs.readFileSync(f, 'utf8').split('\n')[0];
  if (!first) return null;
  return Date.parse((JSON.parse(first) as { at: string }).at) - realAt * 1000;
}

async function race(ctx: RunContext, minutes: number): Promise<Violation[]> {
  const hosts = ctx.fleet.hosts.map((h) => h.name);
  const { config, stateDir } = runConfig(ctx, LINE, '10.88.81.0/29');
  const secret = secretOf(ctx.seed);
  const out = new Outputs();
  const offsets = [0, 1, 2, 3].map(() => Math.round(ctx.random() * 600));
  const t0 = now();
  const runs = [
    [`${P}same`, offsets[0]!, skewedClock(minutes)],
    [`${P}same`, offsets[1]!, realClock],
    [`${P}a`, offsets[2]!, skewedClock(minutes)],
    [`${P}b`, offsets[3]!, realClock],
  ] as const;
  await Promise.all(
    runs.map(async ([name, delay, env], i) => {
      await sleep(delay);
      const r = out.keep(`operator ${i % 2 === 0 ? 'A (clock off)' : 'B'} run ${name}`, await cli(['run', '--config', config, '--name', name, '--line', LINE, '--env', `DB_PASSWORD=${secret}`, '--json', ctx.fleet.image, 'sleep', '86400'], env));
      ctx.log(`run ${name} (${i % 2 === 0 ? 'clock off' : 'real clock'}) after ${delay} ms: exit ${r.code ?? r.signal} ${r.code === 0 ? '' : r.stderr.trim().split('\n')[0]}`);
    }),
  );
  const violations = await afterRuns(ctx, P, stateDir, t0, out, secret);
  // Each name asked for runs (the one refused for `same` is the loser of the race, not a failure).
  const running = new Set((await seen(hosts, P)).filter((c) => c.state === 'running').map((c) => c.name));
  for (const n of [`${P}same`, `${P}a`, `${P}b`]) if (!running.has(n)) violations.push({ invariant: 'no refusal forever', text: `${n} runs nowhere after the race` });
  // The skew was really seen: operator A's audit entry for its own name is `minutes` off.
  const a = auditEntries(stateDir).find((e) => e.targets.some((t) => t.endsWith(`/${P}a`))) as { at?: string } | undefined;
  const off = a?.at ? Date.parse(a.at) - t0 * 1000 : null;
  if (off === null || Math.abs(off - minutes * 60_000) > 60_000) violations.push({ invariant: 'clock off', text: `operator A's audit time is ${off === null ? 'missing' : `${Math.round(off / 1000)} s off`}, expected ${minutes * 60} s` });
  return violations;
}

async function plan(ctx: RunContext, minutes: number): Promise<{ violations: Violation[]; note: string }> {
  const delay = Math.round(ctx.random() * 3000);
  const stateDir = path.join(ctx.tmp, 'state');
  const config = path.join(ctx.tmp, 'dockpit.yaml');
  const saved = { LD_PRELOAD: process.env.LD_PRELOAD, FAKETIME: process.env.FAKETIME, FAKETIME_DONT_FAKE_MONOTONIC: process.env.FAKETIME_DONT_FAKE_MONOTONIC, FAKETIME_NO_CACHE: process.env.FAKETIME_NO_CACHE };
  let racer = '';
  let skew: number | null = null;
  let found: string | undefined;
  const violations: Violation[] = [];
  const t0 = now();
  // Every dockpit the fixture starts inherits this process's env; the docker CLI (Go: its own clock reads)
  // and this process are not affected by LD_PRELOAD.
  Object.assign(process.env, skewedClock(minutes));
  try {
    violations.push(
      ...(await runPlanUnderFault(ctx, P, LINE, {
        beside: async () => {
          await sleep(delay);
          let runId: string | undefined;
          for (let i = 0; i < 100 && !runId; i++) {
            runId = newRun(stateDir, 'runs', new Set());
            if (!runId) await sleep(50);
          }
          if (!runId) return;
          found = runId;
          skew = journalSkewMs(stateDir, runId, t0);
          const r = await cli(['plan', 'resume', runId, '--json', '--config', config], realClock);
          racer = `a real-clock resume ${delay} ms in: exit ${r.code ?? r.signal}`;
          ctx.log(`${racer} ${r.code === 0 ? '' : r.stderr.trim().split('\n')[0]}`);
          if (/^ {4}at /m.test(r.stderr)) violations.push({ invariant: 'no stack trace', text: `racing resume: ${r.stderr.trim().split('\n')[0]}` });
        },
      })),
    );
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  // Found the moment its journal file appeared, the run may not have written its first record yet (seen under
  // CI load: a racer 495 ms in): that record is read again once the run has ended.
  if (skew === null && found !== undefined) skew = journalSkewMs(stateDir, found, t0);
  // The skew was really seen: the run's first journal time is `minutes` off (±1 min for a slow machine).
  if (skew === null) violations.push({ invariant: 'clock off', text: `no plan run journal found by the racer (${runIds(stateDir, 'runs').join(',') || 'none'})` });
  else if (Math.abs(skew - minutes * 60_000) > 60_000) violations.push({ invariant: 'clock off', text: `the journal's first time is ${Math.round(skew / 1000)} s off, expected ${minutes * 60} s` });
  return { violations, note: racer || 'no racer (run not found)' };
}

export const f12: Scenario = {
  id: 'F12',
  title: "dockpit's clock 10 minutes ahead or behind (libfaketime), racing a dockpit with the right time",
  async run(ctx) {
    const hosts = ctx.fleet.hosts.map((h) => h.name);
    const minutes = ctx.random() < 0.5 ? 10 : -10;
    const mode = ctx.random() < 0.5 ? 'race' : 'plan';
    await removeAll(hosts, P);
    try {
      if (mode === 'race') return { violations: await race(ctx, minutes), chose: `race, operator A ${minutes > 0 ? '+' : ''}${minutes} min` };
      const r = await plan(ctx, minutes);
      return { violations: r.violations, chose: `plan ${minutes > 0 ? '+' : ''}${minutes} min, ${r.note}` };
    } finally {
      await removeAll(hosts, P);
    }
  },
};
