import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { lanPoolYaml } from '../../support/configs.js';
import { CLI, docker, FLEET_CONFIG } from '../../support/fleet.js';
import { auditCovers, noAddressTwice, noCalls, noContainerLost, noSecrets, oneRunningPerName, type Violation } from '../invariants.js';
import { auditByStem, countByStem, migrationRecords, moveOnce, sshLink, whenRecords } from '../migrate-fixture.js';
import { secretOf } from '../plan-fixture.js';
import { noStackTrace, Outputs } from '../run-fixture.js';
import type { Scenario } from '../scenario.js';
import { auditEntries, cli, events, now, removeAll, runConfigFile, seen, sleep, stateTexts, type Ran } from '../truth.js';

// F2: the SSH link to a migration's source or target cut (packets dropped: calls hang until the call
// timeout; or reset: sessions killed, new ones refused) once the run's journal holds a seeded number of
// records, i.e. before or during a seeded step, and healed a seeded time later; then `migration resume`
// twice. The move ends moved or rolled back, each engine action once, the address held once, the second
// resume makes no call, a clear error while cut and no endless hang.

const P = 'cz2-';
const LINE = 'chaos2';
const RANGE = '10.88.72.0/29';
// mig.start, intent and outcome of create … remove-source (6 steps), move.end, mig.end: 15 records.
const RECORDS = 15;
// Healed before the 3 s call timeout (a call that only waited), or after it (calls that failed).
const HEAL_MS = [300, 1500, 4500];
// Each call waits 3 s at most (the default call timeout); a move makes about a dozen: far less than this.
const HANG_MS = 90_000;

/** The real binary, SIGKILLed if it runs longer than `ms` (an endless hang is a violation, not a stuck suite). */
function cliWithin(args: readonly string[], ms: number): { pid: number; done: Promise<Ran & { hung: boolean }> } {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let hung = false;
  const timer = setTimeout(() => ((hung = true), child.kill('SIGKILL')), ms);
  const done = new Promise<Ran & { hung: boolean }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0, hung });
    }),
  );
  return { pid: child.pid!, done };
}

/** Signals dockpit; one that exited since its record was read has nothing left to hold. */
function hold(pid: number, signal: 'SIGSTOP' | 'SIGCONT'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: it ended already; the cut then comes after the run, as `chose` and the log say.
  }
}

interface MoveJson {
  status?: string;
  error?: string;
  steps?: Array<{ step: string; state: string; error?: string }>;
}

const parse = (r: Ran): MoveJson | null => {
  try {
    return JSON.parse(r.stdout) as MoveJson;
  } catch {
    return null;
  }
};

/** What a failed command told its user: one line, no stack trace (checked apart), saying something. */
function unclear(what: string, r: Ran): Violation[] {
  if (r.code === 0) return [];
  const j = parse(r);
  const said = [j?.error, ...(j?.steps ?? []).map((s) => s.error), r.stderr.trim()].filter((x): x is string => !!x && x.length > 0);
  if (said.length === 0) return [{ invariant: 'clear error', text: `${what}: exit ${r.code ?? r.signal} and no error said` }];
  return said.filter((s) => s.includes('\n') && !s.startsWith('{')).map((s) => ({ invariant: 'clear error', text: `${what}: a multi-line error: ${s.split('\n')[0]}` }));
}

export const f2: Scenario = {
  id: 'F2',
  title: 'the SSH link of a migration cut at a seeded step (dropped or reset), healed, resumed twice',
  async run(ctx) {
    const hosts = ctx.fleet.hosts.map((h) => h.name);
    // The host dockpit.yaml reaches over ssh:// (fleet.sh: h3 of three).
    const sshHost = /- name: (\S+)\n\s+url: ssh:\/\//.exec(fs.readFileSync(FLEET_CONFIG, 'utf8'))?.[1];
    if (!sshHost) throw new Error('F2: no host of the fleet is reached over ssh:// in dockpit.yaml');
    const others = hosts.filter((h) => h !== sshHost);
    const other = others[Math.floor(ctx.random() * others.length)]!;
    const [from, to] = ctx.random() < 0.5 ? [sshHost, other] : [other, sshHost];
    const mode = ctx.random() < 0.5 ? 'drop' : 'reset';
    const at = 1 + Math.floor(ctx.random() * (RECORDS - 1));
    const healMs = HEAL_MS[Math.floor(ctx.random() * HEAL_MS.length)]!;
    const ip = `10.88.72.${2 + Math.floor(ctx.random() * 4)}`;
    const chose = `${from} → ${to}, ${sshHost} ${mode} after record ${at}, healed ${healMs} ms later`;
    const name = `${P}mover`;
    const secret = secretOf(ctx.seed);
    const out = new Outputs();
    const { config, stateDir } = runConfigFile(ctx, lanPoolYaml({ [LINE]: { range: RANGE, tier: 3 } }));
    const violations: Violation[] = [];
    await removeAll(hosts, P);
    try {
      await docker(from, 'run', '-d', '--stop-timeout', '1', '--name', name, '--network', 'biz', '--ip', ip, '--label', `dockpit.bizline=${LINE}`, '--label', 'dockpit.tier=3', '-e', `DB_PASSWORD=${secret}`, ctx.fleet.image, 'sleep', '86400');
      const before = await seen(hosts, P);
      const t0 = now();
      const { pid, done: migrating } = cliWithin(['migrate', name, '--to', to, '--yes', '--json', '--gate-seconds', '1', '--config', config], HANG_MS);
      let cutAt: number | null = null;
      const fault = (async () => {
        if (!(await whenRecords(stateDir, at, migrating))) return;
        // dockpit held still while the link is cut (fleet.sh takes a few hundred ms, more under load, and
        // the steps after the gate take less): the cut lands right after the seeded record, not a step later.
        hold(pid, 'SIGSTOP');
        try {
          await sshLink('cut-ssh', sshHost, mode);
        } finally {
          hold(pid, 'SIGCONT');
        }
        cutAt = migrationRecords(stateDir).count;
        try {
          await sleep(healMs);
        } finally {
          await sshLink('heal-ssh', sshHost);
        }
      })();
      const [migrated] = await Promise.all([migrating, fault]);
      out.keep('migrate', migrated);
      ctx.log(`migrate: ${migrated.hung ? 'hung, killed' : `exit ${migrated.code ?? migrated.signal}`} in ${(migrated.ms / 1000).toFixed(1)} s, cut ${cutAt === null ? 'never (the run ended first)' : `at record ${cutAt}`}: ${parse(migrated)?.status ?? migrated.stderr.trim()}`);
      if (migrated.hung) violations.push({ invariant: 'no endless hang', text: `migrate still ran after ${HANG_MS / 1000} s with ${sshHost} cut (${mode}) then healed` });
      violations.push(...unclear('migrate', migrated));
      const { runId } = migrationRecords(stateDir);
      if (!runId) throw new Error('F2: the migration wrote no journal (the cut comes after its first record)');

      const r1 = out.keep('migration resume #1', await cli(['migration', 'resume', runId, '--json', '--config', config]));
      const ended = parse(r1)?.status ?? `exit ${r1.code}: ${r1.stderr.trim().split('\n')[0]}`;
      ctx.log(`resume #1: exit ${r1.code} ${ended}`);
      if (!['done', 'failed'].includes(ended) || r1.code === null) violations.push({ invariant: 'run completes', text: `migration ${runId} after one resume with the link healed: ${ended}` });
      const t1 = now();
      out.keep('migration resume #2', await cli(['migration', 'resume', runId, '--json', '--config', config]));
      const t2 = now();
      violations.push(...noCalls(`second resume of ${runId}`, await events(hosts, P, t1, t2 + 0.05)));

      const after = await seen(hosts, P);
      const running = after.filter((c) => c.name === name && c.state === 'running');
      const movedTo = running.length === 1 ? running[0]!.host : null;
      violations.push(...noContainerLost(before, after), ...oneRunningPerName(after), ...noAddressTwice(after));
      if (running.length === 1 && running[0]!.ips[0] !== ip) violations.push({ invariant: 'address kept', text: `${movedTo}/${name} holds ${running[0]!.ips.join(',') || 'no address'}, was ${ip}` });
      const left = after.filter((c) => c.name !== name);
      if (left.length > 0) violations.push({ invariant: 'no parked copy left', text: left.map((c) => `${c.host}/${c.name} (${c.state})`).join(', ') });

      const during = await events(hosts, P, t0, t1);
      violations.push(...moveOnce(countByStem(during, [name]), name, from, to, movedTo));
      const changed = during.filter((e) => ['create', 'start', 'stop', 'rename', 'destroy'].includes(e.action)).map((e) => `${e.host}/${name}`);
      violations.push(...auditCovers(changed, auditByStem(auditEntries(stateDir), [name])));
      violations.push(...noSecrets([...stateTexts(stateDir), ...out.texts], [secret]), ...noStackTrace(out));
      return { violations, chose };
    } finally {
      await sshLink('heal-ssh', sshHost);
      await removeAll(hosts, P);
    }
  },
};
