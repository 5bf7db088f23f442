import fs from 'node:fs';
import path from 'node:path';
import type { Violation } from '../invariants.js';
import { fill, mountSmall, unmount } from '../machine-faults.js';
import { secretOf } from '../plan-fixture.js';
import { afterRuns, dockpitRun, Outputs, runConfig } from '../run-fixture.js';
import type { Scenario } from '../scenario.js';
import { leftBehind } from '../state-leftovers.js';
import { now, removeAll, seen, sleep, type Ran } from '../truth.js';

// F13: the state folder is a small tmpfs (256 KiB, 0700) that fills up at a seeded moment of a series of
// `dockpit run`s: before run k, or while run k is under way. A run that meets the full disk stops with one
// line that names ENOSPC (no stack trace) and must not lie: a container it started on an engine whose audit
// entry could not be written is named in its error (host, name; then not counted as unaudited). Once the filler is gone, the failed names are run again: each
// runs exactly once, no address twice, every container in the audit log, nothing left in the state folder
// (no placement lock, no temporary file, no address kept for a name that does not run).

const P = 'cz13-';
const LINE = 'chaos13';

/** Temporary files a write left behind (anything `.…tmp`), relative to the state folder. */
function tempFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.tmp')) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** Resolves once a container `name` is on some engine (polled), or when `over` says the run ended. */
async function appears(hosts: readonly string[], name: string, over: () => boolean): Promise<void> {
  while (!over()) {
    if ((await seen(hosts, name)).some((c) => c.name === name)) return;
    await sleep(30);
  }
}

export const f13: Scenario = {
  id: 'F13',
  title: 'the state disk full mid-run (a 256 KiB tmpfs filled at a seeded moment), then freed',
  async run(ctx) {
    const hosts = ctx.fleet.hosts.map((h) => h.name);
    const { config, stateDir } = runConfig(ctx, LINE, '10.88.80.0/29');
    const secret = secretOf(ctx.seed);
    const out = new Outputs();
    const n = 3;
    const k = Math.floor(ctx.random() * n);
    // Before run k; a seeded time into it; or the moment its container is on an engine (the engine changed,
    // its records not yet all written: where a lie would be).
    const r0 = ctx.random();
    const when: 'before' | 'after' | 'created' = r0 < 0.3 ? 'before' : r0 < 0.6 ? 'after' : 'created';
    const delay = when === 'after' ? 500 + Math.round(ctx.random() * 2500) : 0;
    const violations: Violation[] = [];
    const names = Array.from({ length: n }, (_, i) => `${P}n${i}`);
    await removeAll(hosts, P);
    await mountSmall(stateDir, 256);
    try {
      const t0 = now();
      let filler: string | null = null;
      const failed: string[] = [];
      const attempted: string[] = [];
      const reported = new Set<string>();
      let stop = false; // after the first run the full disk failed: the next would fail alike
      for (let i = 0; i < n && !stop; i++) {
        const name = names[i]!;
        attempted.push(name);
        let r: Ran;
        if (i === k && when === 'before') filler = fill(stateDir);
        if (i === k && when !== 'before') {
          let done = false;
          const moment = when === 'after' ? sleep(delay) : appears(hosts, name, () => done);
          [r] = await Promise.all([
            dockpitRun(ctx, config, LINE, name, secret).finally(() => (done = true)),
            moment.then(() => (filler = fill(stateDir))),
          ]);
        } else r = await dockpitRun(ctx, config, LINE, name, secret);
        out.keep(`run ${name}`, r);
        const first = r.stderr.trim().split('\n')[0] ?? '';
        ctx.log(`run ${name}: exit ${r.code ?? r.signal}${r.code === 0 ? '' : `: ${first}`}`);
        if (r.code === 0) continue;
        failed.push(name);
        if (i >= k) stop = true;
        if (filler === null || !/ENOSPC/.test(first)) violations.push({ invariant: 'clear error', text: `run ${name}: exit ${r.code ?? r.signal}, stderr ${JSON.stringify(first)}${filler === null ? ' (disk not full yet)' : ''}` });
        // Not lying: a container this run left on an engine is named in what it said.
        // Said as "NAME was started on HOST (ID) but the audit log could not be written: ENOSPC …".
        for (const c of (await seen(hosts, name)).filter((c) => c.name === name)) {
          if (r.stderr.includes(`${name} was started on ${c.host}`) && c.state === 'running') reported.add(`${c.host}/${name}`);
          else violations.push({ invariant: 'no lie', text: `run ${name} failed and left ${c.host}/${name} ${c.state}, which its error does not say: ${JSON.stringify(r.stderr.trim())}` });
        }
      }
      if (filler !== null) fs.rmSync(filler);
      const temps = tempFiles(stateDir);
      for (const t of temps) violations.push({ invariant: 'nothing half-done', text: `${t} left in the state folder` });

      // Space again: the names that failed are run again and must now run, once.
      for (const name of failed) {
        const live = (await seen(hosts, name)).filter((c) => c.name === name && c.state === 'running');
        if (live.length > 0) continue; // it ran after all (and said so): asking again would be refused, rightly
        violations.push(...leftBehind(stateDir, name));
        const r = out.keep(`run ${name} again`, await dockpitRun(ctx, config, LINE, name, secret));
        ctx.log(`run ${name} again: exit ${r.code ?? r.signal}${r.code === 0 ? '' : `: ${r.stderr.trim().split('\n')[0]}`}`);
        if (r.code !== 0) violations.push({ invariant: 'resumes once freed', text: `run ${name} with space again: exit ${r.code ?? r.signal}: ${r.stderr.trim().split('\n')[0]}` });
      }
      const running = (await seen(hosts, P)).filter((c) => c.state === 'running').map((c) => c.name);
      for (const name of attempted) if (!running.includes(name)) violations.push({ invariant: 'resumes once freed', text: `${name} runs nowhere after the space came back` });
      // A change whose audit entry the full disk refused is not a lie when the run said so (above).
      const unreported = (x: Violation) => !(x.invariant === 'every change audited' && [...reported].some((k) => x.text.startsWith(`${k} `)));
      violations.push(...(await afterRuns(ctx, P, stateDir, t0, out, secret)).filter(unreported));
      const moment = when === 'before' ? 'before' : when === 'after' ? `${delay} ms into` : 'at the create of';
      return { violations, chose: `the disk full ${moment} run ${k + 1} of ${n} (${failed.length} failed${filler === null ? ', the run ended first' : ''})` };
    } finally {
      await unmount(stateDir);
      await removeAll(hosts, P);
    }
  },
};
