import fs from 'node:fs';
import path from 'node:path';
import { docker } from '../support/fleet.js';
import { lanPoolYaml } from '../support/configs.js';
import { startWatchProcess, type WatchProc } from '../integration/watch-process.js';
import { noContainerLost, noAddressTwice, noSecrets, oneRunningPerName, type AuditLike, type Seen, type Violation } from './invariants.js';
import { secretOf } from './plan-fixture.js';
import { noStackTrace, Outputs } from './run-fixture.js';
import type { RunContext } from './scenario.js';
import { auditEntries, cli, engineFault, events, now, removeAll, runConfigFile, seen, sleep, stateTexts, type Ran } from './truth.js';

// F7 and F8 (issue 17, item 2): `dockpit evacuate` of a host whose engine is dead (SIGKILLed by fleet.sh;
// on h1, with live-restore, its containers keep running), then the engine started again. A long-lived
// `dockpit watch` on the run's state runs throughout: it is the dockpit that sees the host come back
// (src/app/fenced-return.ts stops the moved containers' old copies then). Checked from the engines: none
// lost, each running container of the host now running elsewhere, and once the watch has seen the host
// back (within SETTLE_MS), at most one running copy per name and no address twice; every change dockpit made
// audited; no secret in the state, the outputs or the watch's log.

/** How long the watch may take to see the host back and stop the old copies (its reconnect backoff). */
const SETTLE_MS = 20_000;

export interface EvacuateFault {
  prefix: string;
  line: string;
  /** The line's range: a few addresses, the containers take the first ones. */
  range: string;
  host: string;
  /** Restart policy of each container made on the host (its count is the array's length). */
  policies: string[];
  /**
   * 'before': the engine dies, then `evacuate --fenced`; a number N: the engine dies once a live `evacuate`
   * has journaled N records (or when it ends, if it writes fewer).
   */
  kill: 'before' | number;
  /** How long the engine stays down after the evacuation ends, ms. */
  downMs: number;
}

/** An audit target names a change on `host` of `name`: `host/name`, or a move from or to that host. */
function covered(host: string, name: string, audit: readonly AuditLike[]): boolean {
  return audit.some((e) =>
    e.targets.some((t) => {
      if (t === `${host}/${name}`) return true;
      const m = /^([^/]+)\/(.+) → (.+)$/.exec(t);
      return m !== null && m[2] === name && (m[1] === host || m[3] === host);
    }),
  );
}

const firstLine = (r: Ran): string => r.stderr.trim().split('\n')[0] ?? '';

export async function runEvacuateUnderFault(ctx: RunContext, f: EvacuateFault): Promise<Violation[]> {
  const hosts = ctx.fleet.hosts.map((h) => h.name);
  const others = hosts.filter((h) => h !== f.host);
  const { config, stateDir } = runConfigFile(ctx, lanPoolYaml({ [f.line]: { range: f.range, tier: 3 } }));
  const secret = secretOf(ctx.seed);
  const out = new Outputs();
  const keep = (what: string, r: Ran): Ran => {
    out.keep(what, r);
    ctx.log(`${what}: ${r.signal ?? `exit ${r.code}`} in ${(r.ms / 1000).toFixed(1)} s${r.code === 0 ? '' : ` ${firstLine(r)}`}`);
    return r;
  };
  const violations: Violation[] = [];
  const base = f.range.replace(/\.\d+\/\d+$/, '');
  let engineDown = false;
  let watch: WatchProc | null = null;
  await removeAll(hosts, f.prefix);
  try {
    await Promise.all(
      f.policies.map((policy, i) =>
        docker(f.host, 'run', '-d', '--stop-timeout', '1', '--name', `${f.prefix}${i}`, '--network', 'biz', '--ip', `${base}.${2 + i}`, '--restart', policy,
          '--label', `dockpit.bizline=${f.line}`, '--label', 'dockpit.tier=3', '--memory', '16m', '-e', `DB_PASSWORD=${secret}`, ctx.fleet.image, 'sleep', '86400'),
      ),
    );
    const before = await seen(hosts, f.prefix);
    // The configurations a move off a dead host starts from (the cockpit records them as it sees them).
    keep('record', await cli(['record', '--host', f.host, '--config', config]));
    watch = startWatchProcess(['--config', config]);
    await watch.line((l) => l.event === 'start', 30_000);
    const t0 = now();

    const evacuate = (fenced: boolean) =>
      cli(['evacuate', f.host, '--config', config, '--yes', '--json', '--gate-seconds', '1', '--to', others.join(','), ...(fenced ? ['--fenced', f.host] : [])]);
    let ev: Ran;
    if (f.kill === 'before') {
      await engineFault('stop-engine', f.host, ctx.log);
      engineDown = true;
      ev = keep(`evacuate ${f.host} --fenced`, await evacuate(true));
    } else {
      const n = f.kill;
      let ended = false;
      const [r] = await Promise.all([
        evacuate(false).finally(() => (ended = true)),
        (async () => {
          while (!ended && journalLength(stateDir) < n) await sleep(25);
          ctx.log(`engine killed at ${journalLength(stateDir)} journal records${ended ? ' (the evacuation had ended)' : ''}`);
          await engineFault('stop-engine', f.host, ctx.log);
          engineDown = true;
        })(),
      ]);
      ev = keep(`evacuate ${f.host} (engine killed at record ${n})`, r);
      // What an operator does next when the live evacuation did not finish: the host is fenced now.
      if (!isDone(ev)) ev = keep(`evacuate ${f.host} --fenced (again)`, await evacuate(true));
    }
    if (!isDone(ev)) violations.push({ invariant: 'evacuation completes', text: `evacuate ${f.host}: exit ${ev.code ?? ev.signal}: ${firstLine(ev)} ${ev.stdout.slice(0, 300)}` });

    await sleep(f.downMs);
    await engineFault('start-engine', f.host, ctx.log);
    engineDown = false;
    const t1 = now();

    // Until the watch has seen the host back and stopped the old copies (or SETTLE_MS): the engines' state.
    let after: Seen[] = await seen(hosts, f.prefix);
    const deadline = Date.now() + SETTLE_MS;
    while ((oneRunningPerName(after).length > 0 || noAddressTwice(after).length > 0) && Date.now() < deadline) {
      await sleep(500);
      after = await seen(hosts, f.prefix);
    }
    ctx.log(`settled ${((now() - t1)).toFixed(1)} s after the engine's start: ${after.map((c) => `${c.host}/${c.name} ${c.state}`).join(', ')}`);
    violations.push(...noContainerLost(before, after), ...oneRunningPerName(after), ...noAddressTwice(after));
    for (const b of before.filter((c) => c.state === 'running')) {
      if (!after.some((a) => a.name === b.name && a.host !== f.host && a.state === 'running')) {
        violations.push({ invariant: 'evacuated', text: `${b.name} runs on no other host than ${f.host}: ${after.filter((a) => a.name === b.name).map((a) => `${a.host} ${a.state}`).join(', ')}` });
      }
    }

    // Every change dockpit made: on the targets all of them; on the host, the old copies' update and stop
    // (its engine's own restarts at boot, and the deaths of the engine's kill, are the fault's, not dockpit's).
    await watch.stop();
    const evs = await events(hosts, f.prefix, t0, now() + 0.05);
    const audit = auditEntries(stateDir);
    for (const e of audit.filter((a) => a.action === 'migrate.fenced-return')) ctx.log(`audit: ${e.action} ${e.targets.join(',')} ${e.outcome} ${(e as { error?: string }).error ?? ''}`);
    const changed = evs.filter((e) => (e.host === f.host ? ['update', 'stop', 'rename', 'destroy'] : ['create', 'start', 'stop', 'update', 'rename', 'destroy']).includes(e.action));
    for (const e of changed) {
      if (!covered(e.host, e.name, audit)) violations.push({ invariant: 'every change audited', text: `${e.host}/${e.name}: ${e.action} and no audit entry names it` });
    }
    out.texts.push({ where: 'watch stdout', text: watch.lines.map((l) => JSON.stringify(l)).join('\n') }, { where: 'watch stderr', text: watch.stderr() });
    violations.push(...noSecrets([...stateTexts(stateDir), ...out.texts], [secret]), ...noStackTrace(out));
    return dedupe(violations);
  } finally {
    await watch?.stop();
    if (engineDown) await engineFault('start-engine', f.host, ctx.log);
    await removeAll(hosts, f.prefix);
  }
}

/** Records in the (one) migration journal of the run's state so far. */
function journalLength(stateDir: string): number {
  const d = path.join(stateDir, 'migrations');
  if (!fs.existsSync(d)) return 0;
  return fs
    .readdirSync(d)
    .filter((f) => f.endsWith('.jsonl'))
    .reduce((n, f) => n + fs.readFileSync(path.join(d, f), 'utf8').split('\n').filter((l) => l.trim()).length, 0);
}

function isDone(r: Ran): boolean {
  if (r.code !== 0) return false;
  try {
    return (JSON.parse(r.stdout) as { status: string }).status === 'done';
  } catch {
    return false;
  }
}

function dedupe(vs: Violation[]): Violation[] {
  const seenText = new Set<string>();
  return vs.filter((v) => !seenText.has(v.text) && seenText.add(v.text));
}
