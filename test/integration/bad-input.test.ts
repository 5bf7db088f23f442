import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, docker, dockpit, FLEET_CONFIG, readFleet, runContainer, type CliResult } from '../support/fleet.js';
import { folderSnapshot, removeByPrefix } from '../support/pool-config.js';

// Issue 17, item 6: bad input a new user tried, through the real binary. Each case: its exit code, one
// line saying what is wrong and where, no stack trace, and nothing changed (every engine's container list
// and the state folder as they were). The pure checks behind them are in test/unit/bad-input-*.test.ts.

const run = promisify(execFile);
const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const P = 'bi-';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-bad-input-'));
const stateDir = path.join(dir, 'state');
const HOSTS_YAML = fs.readFileSync(FLEET_CONFIG, 'utf8').replace(/^state: .*\n/m, '');
const POOL_YAML = `ipPools:
  - name: lan
    network: ${fleet.network}
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { news: 10.88.99.0/24 }
lines:
  news: { tier: 1, pool: lan, hosts: [h1, h2] }
`;

function config(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const CONFIG = config('dockpit.yaml', `state: ${stateDir}\n${HOSTS_YAML}\n${POOL_YAML}`);

/** What must not change: each engine's containers (id, name, state) and every file of the state folder. */
async function world(): Promise<{ engines: string[]; state: Record<string, string> }> {
  const engines = await Promise.all(hosts.map((h) => docker(h, 'ps', '-a', '--format', '{{.ID}} {{.Names}} {{.State}}')));
  return { engines, state: folderSnapshot(stateDir) };
}

/** The result's stderr: one `dockpit: …` line (a usage error adds the --help hint), never a stack trace. */
function refusal(r: CliResult, code: number): string {
  expect(r.stderr, r.stderr).not.toContain('    at ');
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^dockpit: /);
  expect(lines.slice(1).filter((l) => l !== '(dockpit --help lists the commands and options)')).toEqual([]);
  return lines[0]!;
}

let before: Awaited<ReturnType<typeof world>>;
let sourceId: string;

beforeAll(async () => {
  await removeByPrefix(hosts, P);
  sourceId = await runContainer('h1', { name: `${P}src`, bizline: 'news', tier: 1 });
  // The state holds something, so that "unchanged" means something: a dry run reads it, a real run writes it.
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  before = await world();
});

afterAll(async () => {
  await removeByPrefix(hosts, P);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the cockpit', () => {
  it('with stdin not a terminal (cron, ssh without -t): says it needs one and what to use instead, exit 2', async () => {
    const r = await dockpit(['--config', CONFIG]); // execFile's stdin is a pipe
    expect(refusal(r, 2)).toBe(
      'dockpit: the cockpit needs a terminal, and stdin is not one (cron, a pipe, or ssh without -t): use `ssh -t`, or a headless command: dockpit lines|ps|hosts --json, or dockpit watch',
    );
  });

  it('with its output piped into head: says it draws on a terminal, exit 2, head gets nothing, no EPIPE', async () => {
    // script(1) gives the cockpit a terminal on stdin; its stdout is the pipe into head. Run on, it could
    // only notice head leaving from a later write failing, and a still screen writes nothing (CI, d81b135:
    // every frame was out before head left, and it waited until killed): so it is refused at once.
    const shell = `env -u CI node ${CLI} --config ${CONFIG} | head -c 300 | wc -c; echo "exit codes: \${PIPESTATUS[*]}"`;
    // script(1) runs its command with $SHELL, or /bin/sh when unset (CI): PIPESTATUS is bash's.
    const { stdout } = await run('script', ['-qec', shell, '/dev/null'], { timeout: 30_000, env: { ...process.env, SHELL: '/bin/bash' } });
    expect(stdout).not.toContain('    at ');
    expect(stdout).not.toContain('EPIPE');
    expect(stdout).toContain('dockpit: the cockpit draws on a terminal, and stdout is not one (a pipe or a file)');
    expect(stdout).toMatch(/^0\r?$/m); // what head passed on
    expect(stdout).toContain('exit codes: 2 0 0');
    expect(await world()).toEqual(before);
  }, 40_000);
});

describe('state: that is a file', () => {
  it('is named, with what to do, by every command that reads or writes the state (exit 7)', async () => {
    const file = path.join(dir, 'state-file');
    fs.writeFileSync(file, 'not a folder\n');
    const cfg = config('file-state.yaml', `state: ${file}\n${HOSTS_YAML}\n${POOL_YAML}`);
    for (const cmd of [['plan', 'runs'], ['plan', 'status', '20261204T000000Z-abc123'], ['record'], ['migration', 'runs'], ['run', '--name', `${P}x`, '--line', 'news', fleet.image]]) {
      const r = await dockpit(['--config', cfg, ...cmd]); // before run's IMAGE: what follows it is the container's
      expect(refusal(r, 7), cmd.join(' ')).toBe(`dockpit: STATE: state folder ${file} is a file, not a folder: move what is there, or set \`state:\` in the config to a folder`);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder\n');
  });
});

describe('arguments', () => {
  it('a run id that is a path: "invalid run id", exit 2, in every command that takes one', async () => {
    // Each id and each command once (the whole matrix is in test/unit/bad-input-cli.test.ts).
    const tries: Array<[string[], string]> = [
      [['plan', 'status'], '../../etc/passwd'], [['plan', 'resume'], '..'], [['plan', 'restore'], '.'],
      [['migration', 'status'], '..'], [['migration', 'resume'], '../../etc/passwd'],
    ];
    const results = await Promise.all(tries.map(async ([cmd, id]) => ({ id, r: await dockpit([...cmd, id, '--config', CONFIG]) })));
    for (const { id, r } of results) {
      expect(refusal(r, 2)).toBe(`dockpit: invalid run id ${JSON.stringify(id)}: a run id starts with a letter or digit, then letters, digits, ".", "_" or "-"`);
    }
  });

  it('a 300-character name, and --cpus 0.001, are refused before any dry run', async () => {
    const long = await dockpit(['run', '--name', 'a'.repeat(300), '--line', 'news', '--dry-run', '--config', CONFIG, fleet.image]);
    expect(refusal(long, 2)).toBe(`dockpit: --name: 300 characters, at most 128 (${'a'.repeat(20)}…)`);
    const cpus = await dockpit(['run', '--name', `${P}cpu`, '--line', 'news', '--cpus', '0.001', '--config', CONFIG, fleet.image]);
    expect(refusal(cpus, 2)).toBe("dockpit: --cpus 0.001: below the engine's minimum of 0.01 CPUs");
  });

  it('ps --bizline of an unknown line is the error run --line gives', async () => {
    const ps = await dockpit(['ps', '--bizline', 'nosuch', '--config', CONFIG]);
    expect(refusal(ps, 2)).toBe('dockpit: --bizline nosuch: no such line in lines: (news) nor on any container (none other)');
    const runLine = await dockpit(['run', '--name', `${P}l`, '--line', 'nosuch', '--config', CONFIG, fleet.image]);
    expect(refusal(runLine, 2)).toBe('dockpit: --line nosuch: no such line in lines: (news)');
  });

  it('--fenced of a host that is up is refused: fencing is for a host that is down (exit 2)', async () => {
    const r = await dockpit(['migrate', `${P}src`, '--to', 'h2', '--fenced', 'h1', '--yes', '--config', CONFIG]);
    expect(refusal(r, 2)).toBe('dockpit: --fenced h1: h1 is up (its engine answers); --fenced is only for a host that is down: leave it out');
  });

  it('DOCKER_HOST= (set but empty) is unset, as for the docker CLI', async () => {
    const empty = fs.mkdtempSync(path.join(dir, 'home-'));
    const { stdout, stderr } = await run('node', [CLI, 'hosts', '--json'], { cwd: empty, env: { ...process.env, DOCKER_HOST: '', HOME: empty, DOCKER_CONFIG: empty } });
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject([{ name: 'local', url: 'unix:///var/run/docker.sock' }]);
  });
});

describe('config errors at file:line, exit 2', () => {
  // One of each kind through the binary (exit 2, file:line, no stack); every case is in test/unit/bad-input-config.test.ts.
  const hostLines = HOSTS_YAML.trimEnd().split('\n').length;
  it('a ranges: key that names no line; url: tcp:// says what is missing', async () => {
    const ranges = config('ranges.yaml', `${HOSTS_YAML.trimEnd()}\n${POOL_YAML.replace('ranges: { news:', 'ranges: { newz:')}`);
    expect(refusal(await dockpit(['ps', '--config', ranges]), 2)).toBe(`dockpit: ${ranges}:${hostLines + 7}: ipPools[0].ranges.newz: unknown line "newz" (lines: news)`);
    const tcp = config('tcp.yaml', 'hosts:\n  - name: h1\n    url: "tcp://"\n');
    expect(refusal(await dockpit(['ps', '--config', tcp]), 2)).toBe(`dockpit: ${tcp}:3: hosts[0].url: tcp:// needs the engine's host and port, e.g. tcp://10.0.0.1:2375`);
  });

  it('a YAML alias bomb is a config error, stopped by the parser\'s alias limit', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) bomb.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
    const file = config('bomb.yaml', `${HOSTS_YAML.trimEnd()}\n${bomb.join('\n')}\n`);
    const line = HOSTS_YAML.trimEnd().split('\n').length + 2;
    expect(refusal(await dockpit(['ps', '--config', file]), 2)).toMatch(new RegExp(`^dockpit: ${file}:${line}: invalid YAML: its aliases expand to too many nodes \\(Excessive alias count`));
  });
});

describe('nothing changed', () => {
  it('by any of the above: every engine lists the same containers, the state folder is as it was', async () => {
    expect(await world()).toEqual(before);
  });
});

describe('the engines', () => {
  it('a missing image is "no such image X on host H", and the run keeps no reservation', async () => {
    const r = await dockpit(['run', '--name', `${P}img`, '--line', 'news', '--host', 'h2', '--config', CONFIG, 'dockpit/no-such-image:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('    at ');
    expect(r.stderr).toMatch(/^dockpit: bi-img → h2 10\.88\.99\.\d+ \(.*\): create: NOT_FOUND: no such image dockpit\/no-such-image:1 on host h2\n/);
    expect(r.stderr).toMatch(/\ndockpit: 10\.88\.99\.\d+ is free again: nothing was reserved or left running\n$/);
    const ledger = JSON.parse(fs.readFileSync(path.join(stateDir, 'ledger.json'), 'utf8')) as { reservations: unknown[] };
    expect(ledger.reservations).toEqual([]);
    // The attempt is audited; nothing else of the state or the engines changed.
    const audit = fs.readFileSync(path.join(stateDir, 'audit.log'), 'utf8').trim().split('\n');
    expect(JSON.parse(audit.at(-1)!)).toMatchObject({ action: 'container.run', outcome: 'failed', details: { released: true } });
    expect((await world()).engines).toEqual(before.engines);
  });

  it('events --json keeps timeNano exact: the engine\'s 19 digits, as a string', async () => {
    const r = await dockpit(['events', '--json', '--since', '10m', '--config', CONFIG]);
    expect(r.code, r.stderr).toBe(0);
    const mine = (JSON.parse(r.stdout) as Array<{ host: string; id: string; action: string; timeNano: unknown }>).find((e) => e.host === 'h1' && e.id === sourceId && e.action === 'start');
    const since = Math.floor(Date.now() / 1000) - 600;
    const engine = await docker('h1', 'events', '--since', String(since), '--until', String(since + 601), '--filter', `container=${sourceId}`, '--filter', 'event=start', '--format', '{{.TimeNano}}');
    expect(engine).toMatch(/^\d{19}$/);
    expect(mine?.timeNano).toBe(engine);
  });
});
