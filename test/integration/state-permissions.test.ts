import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../src/state/audit-chain.js';
import { CLI, docker, readFleet, type CliResult } from '../support/fleet.js';
import { poolConfig, removeByPrefix } from '../support/pool-config.js';
import { backend } from '../support/state-backend.js';

// Issue 17, Done means (items 3 and 4), on the file state: after a run, a record, a plan apply and a
// migration made by dockpit with umask 000, every file it created in its state is 0600 and every folder
// 0700; another Unix user of the jump host can read none of it; a folder opened to others stops dockpit
// (exit 2, the fix named); the password of the migrated container is in no journal and not in the audit
// log (only in its record, which `records show` masks unless --reveal, audited); and `audit verify` passes
// the log, then catches an edited, a deleted and a swapped entry.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const IMAGE = fleet.image;
const P = 'perm-';
const SECRET = `pw-${Date.now().toString(36)}-x9`;
const READER = 'dpt5reader';
/** Exits on SIGTERM: a busybox `sleep` as PID 1 ignores it, and each stop would wait the engine's 10 s. */
const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'];

const POOLS = poolConfig(`ipPools:
  - { name: lan, network: biz, driver: bridge, subnet: 10.88.0.0/16, gateway: 10.88.0.1, ranges: { news: 10.88.75.0/24, forum: 10.88.76.0/24 } }
lines:
  news: { tier: 1, pool: lan }
  forum: { tier: 2, pool: lan }
plans:
  - name: shed-forum
    guards: { stopTimeout: 1, maxDownPerLine: 1 }
    steps:
      - select: { lines: [forum] }
        action: stop
`);
const CONFIG = POOLS.file;
const STATE = POOLS.stateDir;
const run = promisify(execFile);

/** dockpit with umask 000: the modes it sets must not depend on the umask. */
async function dockpit0(...args: string[]): Promise<CliResult> {
  return dockpitEnv({}, ...args);
}

async function dockpitEnv(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  const t0 = performance.now();
  try {
    const { stdout, stderr } = await run('sh', ['-c', 'umask 000; exec node "$0" "$@"', CLI, '--config', CONFIG, ...args], { maxBuffer: 16 << 20, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr, ms: performance.now() - t0 };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '', ms: performance.now() - t0 };
  }
}

function ok(r: CliResult): CliResult {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stdout}\n${r.stderr}`);
  return r;
}

/** Every path under `dir` (itself included), with its mode. */
function walk(dir: string): Array<{ path: string; mode: number; dir: boolean }> {
  const out = [{ path: dir, mode: fs.statSync(dir).mode & 0o7777, dir: true }];
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = path.join(e.parentPath, e.name);
    const st = fs.lstatSync(p);
    out.push({ path: p, mode: st.mode & 0o7777, dir: st.isDirectory() });
  }
  return out;
}

/** `sh -c` as the other user: its exit code and stderr. */
function asReader(cmd: string): { code: number; stderr: string } {
  try {
    execFileSync('setpriv', ['--reuid', READER, '--regid', READER, '--init-groups', 'sh', '-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { status?: number; stderr?: Buffer };
    return { code: e.status ?? -1, stderr: e.stderr?.toString() ?? '' };
  }
}

const auditFile = () => path.join(STATE, 'audit.log');
const auditLines = () => fs.readFileSync(auditFile(), 'utf8').split('\n').filter(Boolean);

beforeAll(async () => {
  expect(backend, 'this file is about the state folder').toBe('file');
  await removeByPrefix(hosts, P);
  execFileSync('sh', ['-c', `id ${READER} >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin ${READER}`]);
  // Only the state folder's own mode may stand between the other user and the files: its parent is open.
  fs.chmodSync(path.dirname(STATE), 0o755);
});

afterAll(async () => {
  await removeByPrefix(hosts, P);
  await POOLS.dispose();
});

describe('the state at rest (issue 17, items 3 and 4)', () => {
  it('run, record, plan apply, migrate: everything 0600/0700, unreadable by another user, no secret outside the record', { timeout: 120_000 }, async () => {
    const db = `${P}db`;
    ok(await dockpit0('run', '--name', db, '--line', 'news', '--host', 'h1', '--env', `DB_PASSWORD=${SECRET}`, '--env', 'MODE=live', IMAGE, ...SLEEPER));
    ok(await dockpit0('run', '--name', `${P}fx`, '--line', 'forum', '--host', 'h1', IMAGE, 'sleep', '100000'));
    ok(await dockpit0('record', '--host', 'h1'));
    const plan = await dockpit0('plan', 'apply', 'shed-forum', '--yes', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const mig = await dockpit0('migrate', db, '--to', 'h2', '--yes', '--json', '--gate-seconds', '1');
    expect(mig.code, mig.stderr).toBe(0);
    // The target was created from the real env, not from the journal's masked copy.
    const moved = JSON.parse(await docker('h2', 'inspect', db)) as Array<{ Config: { Env: string[] } }>;
    expect(moved[0]!.Config.Env).toContain(`DB_PASSWORD=${SECRET}`);
    ok(await dockpit0('record', '--host', 'h2'));

    const all = walk(STATE);
    const files = all.filter((e) => !e.dir);
    // What each operation leaves: the ledger, the audit log, both journals, a record, the claims.
    const rel = files.map((f) => path.relative(STATE, f.path));
    expect(rel).toEqual(expect.arrayContaining(['ledger.json', 'audit.log', `records/h2/${db}.json`]));
    expect(rel.some((r) => r.startsWith('runs/')) && rel.some((r) => r.startsWith('migrations/'))).toBe(true);
    expect(all.filter((e) => e.dir && e.mode !== 0o700).map((e) => `${e.path} ${e.mode.toString(8)}`)).toEqual([]);
    expect(files.filter((e) => e.mode !== 0o600).map((e) => `${e.path} ${e.mode.toString(8)}`)).toEqual([]);
    console.log(`state-permissions: ${all.length - files.length} folders 0700, ${files.length} files 0600 after run, record, plan apply, migrate (umask 000)`);

    // The secret: in the record (the grep can find it), nowhere else; the migration journal holds the env masked.
    const holders = files.filter((f) => fs.readFileSync(f.path, 'utf8').includes(SECRET)).map((f) => path.relative(STATE, f.path));
    expect(holders).toEqual([`records/h2/${db}.json`]);
    const journal = fs.readFileSync(files.find((f) => path.relative(STATE, f.path).startsWith('migrations/'))!.path, 'utf8');
    expect(journal).toContain('"DB_PASSWORD=••••••"');

    // Another user of the jump host: neither the record nor the folder.
    const record = path.join(STATE, 'records', 'h2', `${db}.json`);
    const cat = asReader(`cat '${record}'`);
    expect(cat.code).not.toBe(0);
    expect(cat.stderr).toMatch(/Permission denied/);
    expect(asReader(`ls '${STATE}'`).code).not.toBe(0);
    expect(asReader('cat /etc/hostname >/dev/null').code).toBe(0); // the user itself can read what is open to it
  });

  it('a migration killed after its start record, resumed: the target is created with the real password (the journal holds it masked)', { timeout: 60_000 }, async () => {
    const name = `${P}kv`;
    ok(await dockpit0('run', '--name', name, '--line', 'news', '--host', 'h1', '--env', `API_TOKEN=${SECRET}`, IMAGE, ...SLEEPER));
    const before = new Set(fs.existsSync(path.join(STATE, 'migrations')) ? fs.readdirSync(path.join(STATE, 'migrations')) : []);
    const killed = await dockpitEnv({ DOCKPIT_FAULT: 'crash-after:journal:1' }, 'migrate', name, '--to', 'h3', '--yes', '--json', '--gate-seconds', '1');
    expect(killed.code).not.toBe(0);
    const runId = fs.readdirSync(path.join(STATE, 'migrations')).find((f) => !before.has(f))!.replace(/\.jsonl$/, '');
    expect(fs.readFileSync(path.join(STATE, 'migrations', `${runId}.jsonl`), 'utf8')).toContain('"API_TOKEN=••••••"');
    const resumed = await dockpit0('migration', 'resume', runId, '--json');
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    const moved = JSON.parse(await docker('h3', 'inspect', name)) as Array<{ Config: { Env: string[] } }>;
    expect(moved[0]!.Config.Env).toContain(`API_TOKEN=${SECRET}`);
    const holders = walk(STATE).filter((f) => !f.dir && fs.readFileSync(f.path, 'utf8').includes(SECRET)).map((f) => path.relative(STATE, f.path));
    expect(holders.every((h) => h.startsWith('records/')), holders.join(', ')).toBe(true);
  });

  it('a state folder open to others stops dockpit (exit 2, one line: the path, the mode, the fix) and changes nothing', async () => {
    const before = fs.readFileSync(auditFile(), 'utf8');
    fs.chmodSync(STATE, 0o755);
    try {
      for (const cmd of [['ps'], ['audit'], ['run', '--name', `${P}no`, '--line', 'news', IMAGE]]) {
        const r = await dockpit0(...cmd);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(`state folder ${STATE} is open to other users (mode 0755)`);
        expect(r.stderr).toContain(`chmod 700 ${STATE}`);
      }
    } finally {
      fs.chmodSync(STATE, 0o700);
    }
    expect(fs.readFileSync(auditFile(), 'utf8')).toBe(before);
    expect(await docker('h1', 'ps', '-aq', '--filter', `name=^${P}no$`)).toBe('');
  });

  it('records show masks the env unless --reveal, and a reveal is audited (who, which record)', async () => {
    const db = `${P}db`;
    const masked = ok(await dockpit0('records', 'show', `h2/${db}`));
    expect(masked.stdout).toContain('DB_PASSWORD=••••••');
    expect(masked.stdout).toContain('MODE=live');
    expect(masked.stdout).not.toContain(SECRET);
    expect(ok(await dockpit0('records', 'show', `h2/${db}`, '--json')).stdout).not.toContain(SECRET);
    expect(JSON.parse(auditLines().at(-1)!).action).not.toBe('record.reveal');
    const shown = ok(await dockpit0('records', 'show', `h2/${db}`, '--reveal', '--json'));
    expect(shown.stdout).toContain(`DB_PASSWORD=${SECRET}`);
    expect(JSON.parse(auditLines().at(-1)!)).toMatchObject({ action: 'record.reveal', targets: [`h2/${db}`], outcome: 'ok', user: expect.any(String) });
    expect((await dockpit0('records', 'show', `h2/${P}nosuch`)).code).toBe(3);
    expect((await dockpit0('records', 'show', 'h2')).code).toBe(2);
  });

  it('audit verify passes the log, and catches an edited, a deleted and a swapped entry, naming it', async () => {
    const clean = auditLines();
    expect(clean.length).toBeGreaterThan(8);
    expect(JSON.parse(clean[0]!)).toMatchObject({ seq: 1, prev: GENESIS_HASH });
    const verify = async () => {
      const r = await dockpit0('audit', 'verify', '--json');
      return { code: r.code, report: JSON.parse(r.stdout) as { ok: boolean; chained: number; break: { kind: string; line: number; seq: number; at: string } | null } };
    };
    const write = (lines: string[]) => fs.writeFileSync(auditFile(), lines.map((l) => `${l}\n`).join(''));
    const seqAt = (i: number) => (JSON.parse(clean[i]!) as { seq: number }).seq;

    expect(await verify()).toMatchObject({ code: 0, report: { ok: true, chained: clean.length, break: null } });
    try {
      const edited = [...clean];
      edited[3] = edited[3]!.replace('"outcome":"ok"', '"outcome":"failed"');
      expect(edited[3]).not.toBe(clean[3]);
      write(edited);
      expect(await verify()).toMatchObject({ code: 1, report: { ok: false, break: { kind: 'changed', line: 4, seq: seqAt(3), at: JSON.parse(clean[3]!).at } } });

      write(clean.filter((_l, i) => i !== 5));
      expect(await verify()).toMatchObject({ code: 1, report: { break: { kind: 'removed', line: 6, seq: seqAt(6) } } });

      const swapped = [...clean];
      [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
      write(swapped);
      expect(await verify()).toMatchObject({ code: 1, report: { break: { kind: 'reordered', line: 3, seq: seqAt(3) } } });
      const text = await dockpit0('audit', 'verify');
      expect(text.code).toBe(1);
      expect(text.stdout).toContain(`BROKEN: line 3 (seq ${seqAt(3)}`);
    } finally {
      write(clean);
    }
    expect((await verify()).code).toBe(0);
  });
});
