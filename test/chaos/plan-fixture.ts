import fs from 'node:fs';
import path from 'node:path';
import { docker } from '../support/fleet.js';
import {
  auditCovers,
  dryRunChangedNothing,
  exactlyOnce,
  maxDownPerLine,
  noCalls,
  noContainerLost,
  noSecrets,
  oneRunningPerName,
  restoreExact,
  type EngineEvent,
  type Seen,
  type Violation,
} from './invariants.js';
import type { RunContext } from './scenario.js';
import { auditEntries, cli, events, newRun, now, removeAll, runConfigFile, runIds, seen, stateTexts, type Ran } from './truth.js';

// The plan the engine-side scenarios (F4, F1, F3) fault: five containers of one line over three hosts (h1
// with live-restore, h2 and h3 without: fleet.json), two stops, a pause and a limit; the fifth runs on
// untouched, so that the line's guard (maxDownPerLine 0.6 of 5 running: 3) counts something real. Each
// container carries a secret in its env that must never reach the state or a log line.
// busybox's PID 1 ignores SIGTERM: a stop takes its whole timeout (4 s), so a call killed in flight is still
// in flight when a resumed dockpit looks (kill-anywhere-plan.test.ts says why that matters).

export interface PlanContainer {
  host: string;
  name: string;
  action: 'stop' | 'pause' | 'update' | null;
  extra: string[];
}

export const MAX_DOWN = 0.6;

export function planContainers(prefix: string): PlanContainer[] {
  return [
    { host: 'h1', name: `${prefix}stop-1`, action: 'stop', extra: [] },
    { host: 'h3', name: `${prefix}stop-3`, action: 'stop', extra: [] },
    { host: 'h2', name: `${prefix}pause-2`, action: 'pause', extra: [] },
    { host: 'h1', name: `${prefix}limit-1`, action: 'update', extra: ['--cpus', '1', '--memory', '256m', '--restart', 'unless-stopped'] },
    { host: 'h2', name: `${prefix}keep-2`, action: null, extra: [] },
  ];
}

export function planConfig(ctx: RunContext, prefix: string, line: string): { config: string; stateDir: string } {
  return runConfigFile(
    ctx,
    `plans:
  - name: chaos
    guards: { protectTiers: [0], maxDownPerLine: ${MAX_DOWN}, parallelPerHost: 1, parallel: 2, stopTimeout: 4, actionTimeout: 30 }
    steps:
      - select: { lines: [${line}], names: ["${prefix}stop-*"] }
        action: stop
      - select: { lines: [${line}], names: ["${prefix}pause-*"] }
        action: pause
      - select: { lines: [${line}], names: ["${prefix}limit-*"] }
        action: { limit: { cpus: 0.5, memory: 128m } }
`,
  );
}

export const secretOf = (seed: number): string => `s3cr3t-${seed.toString(36)}-pw`;

/** The journal's records, one kind each, to say where a run stopped. */
function journalKinds(stateDir: string, runId: string): string {
  const f = path.join(stateDir, 'runs', `${runId}.jsonl`);
  if (!fs.existsSync(f)) return '-';
  return fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { kind: string }).kind)
    .join(',');
}

export interface PlanFault {
  /** DOCKPIT_FAULT for the apply (F4), or none. */
  dockpitFault?: string;
  /** Run beside the apply (F1, F3: an engine killed or frozen, then back), resolved when the engine is back. */
  beside?: () => Promise<void>;
  /** host/name of containers an engine fault downs by itself (an engine killed without live-restore). */
  exempt?: ReadonlySet<string>;
}

/**
 * One seeded run of the plan under `fault`: dry run, apply, resume until done, a second resume, restore; then
 * every invariant, from the engines' events and state and the state folder's files.
 */
export async function runPlanUnderFault(ctx: RunContext, prefix: string, line: string, fault: PlanFault): Promise<Violation[]> {
  const hosts = ctx.fleet.hosts.map((h) => h.name);
  const containers = planContainers(prefix);
  const { config, stateDir } = planConfig(ctx, prefix, line);
  const secret = secretOf(ctx.seed);
  const outputs: Array<{ where: string; text: string }> = [];
  const keep = (what: string, r: Ran): Ran => {
    outputs.push({ where: `${what} stdout`, text: r.stdout }, { where: `${what} stderr`, text: r.stderr });
    ctx.log(`${what}: ${r.signal ?? `exit ${r.code}`} in ${(r.ms / 1000).toFixed(1)} s`);
    return r;
  };
  const violations: Violation[] = [];
  const exempt = fault.exempt ?? new Set<string>();

  await removeAll(hosts, prefix);
  await Promise.all(
    containers.map((c) =>
      docker(c.host, 'run', '-d', '--stop-timeout', '1', '--name', c.name, '--label', `dockpit.bizline=${line}`, '--label', 'dockpit.tier=3', '-e', `DB_PASSWORD=${secret}`, ...c.extra, ctx.fleet.image, 'sleep', '86400'),
    ),
  );
  const before = await seen(hosts, prefix);

  // A dry run changes nothing.
  const d0 = now();
  keep('plan apply --dry-run', await cli(['plan', 'apply', 'chaos', '--dry-run', '--json', '--config', config]));
  const d1 = now();
  violations.push(...dryRunChangedNothing(before, await seen(hosts, prefix), await events(hosts, prefix, d0, d1 + 0.05)));

  const t0 = now();
  const earlier = new Set(runIds(stateDir, 'runs'));
  const [applied] = await Promise.all([
    cli(['plan', 'apply', 'chaos', '--yes', '--json', '--config', config], fault.dockpitFault ? { DOCKPIT_FAULT: fault.dockpitFault } : {}),
    fault.beside?.(),
  ]);
  keep('plan apply', applied);
  const runId = newRun(stateDir, 'runs', earlier);
  ctx.log(`apply: ${applied.signal ?? `exit ${applied.code}`}, run ${runId ?? '-'} (${runId ? journalKinds(stateDir, runId) : 'no journal'})`);
  if (!runId) {
    // The fault came before the run began (an engine down at the snapshot: the plan refuses): nothing may have changed.
    const after = await seen(hosts, prefix);
    violations.push(...noContainerLost(before, after), ...restoreExact(before, after, (c) => !exempt.has(`${c.host}/${c.name}`)));
    violations.push(...noSecrets([...stateTexts(stateDir), ...outputs], [secret]));
    return violations;
  }

  // Resume until the run is done (a fault may leave it interrupted or partial); at most three tries.
  let status = '';
  for (let i = 0; i < 3 && status !== 'done'; i++) {
    const r = keep(`plan resume #${i + 1}`, await cli(['plan', 'resume', runId, '--json', '--config', config]));
    try {
      status = (JSON.parse(r.stdout) as { status: string }).status;
    } catch {
      status = `exit ${r.code ?? r.signal}: ${r.stderr.trim().split('\n')[0]}`;
    }
  }
  // A run may stay partial only through the containers an engine downed under it (exempt): pausing a
  // container its engine killed fails, rightly. Any other action left undone is a violation.
  let undone = status === 'done' ? [] : [`status ${status}`];
  if (status === 'partial' && exempt.size > 0) {
    const shown = await cli(['plan', 'status', runId, '--json', '--config', config]);
    const view = JSON.parse(shown.stdout) as { actions: Array<{ host: string; container: string; action: string; outcome: string }> };
    undone = view.actions.filter((a) => a.outcome !== 'done' && !exempt.has(`${a.host}/${a.container}`)).map((a) => `${a.host}/${a.container} ${a.action} ${a.outcome}`);
  }
  if (undone.length > 0) violations.push({ invariant: 'run completes', text: `run ${runId} is ${status} after three resumes (${undone.join(', ')})` });
  const t1 = now();

  // The second resume of a done run makes zero engine calls.
  keep('plan resume (again)', await cli(['plan', 'resume', runId, '--json', '--config', config]));
  const t2 = now();
  violations.push(...noCalls(`second resume of ${runId}`, await events(hosts, prefix, t1, t2 + 0.05)));

  const during = await events(hosts, prefix, t0, t1);
  const expected: Record<string, Record<string, number>> = {};
  for (const c of containers) {
    const k = `${c.host}/${c.name}`;
    if (exempt.has(k)) continue; // its engine died under it: what dockpit could still do there is not fixed
    expected[k] = { stop: c.action === 'stop' ? 1 : 0, 'kill:15': c.action === 'stop' ? 1 : 0, pause: c.action === 'pause' ? 1 : 0, update: c.action === 'update' ? 1 : 0 };
  }
  violations.push(...exactlyOnce(during, expected));
  const lineOf = new Map(containers.map((c) => [`${c.host}/${c.name}`, line]));
  violations.push(...maxDownPerLine(during, lineOf, Math.floor(MAX_DOWN * containers.length), exempt));

  const restored = keep('plan restore', await cli(['plan', 'restore', runId, '--json', '--config', config]));
  if (restored.code !== 0) violations.push({ invariant: 'restore exact', text: `plan restore ${runId}: exit ${restored.code ?? restored.signal}: ${restored.stderr.trim().split('\n')[0]}` });
  const t3 = now();
  const after = await seen(hosts, prefix);
  violations.push(...noContainerLost(before, after), ...oneRunningPerName(after));
  violations.push(...restoreExact(before, after, (c) => !exempt.has(`${c.host}/${c.name}`)));

  // Every change dockpit made (engine-side: stop, pause, update, unpause, start) is in the audit log.
  const all: EngineEvent[] = await events(hosts, prefix, t0, t3 + 0.05);
  const changed = all.filter((e) => ['stop', 'pause', 'unpause', 'update', 'start'].includes(e.action) && !exempt.has(`${e.host}/${e.name}`)).map((e) => `${e.host}/${e.name}`);
  violations.push(...auditCovers(changed, auditEntries(stateDir)));
  violations.push(...noSecrets([...stateTexts(stateDir), ...outputs], [secret]));
  await removeAll(hosts, prefix);
  return violations;
}

/** The Seen of containers, for scenarios that need to say which were exempt. */
export type { Seen };
