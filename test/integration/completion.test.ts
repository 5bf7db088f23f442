import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, dockpit, readFleet } from '../support/fleet.js';
import { newRunId } from '../../src/state/run-id.js';

// Issue 16, item 3 and its Done-means line: shell completion tested by running the shell's completion
// function on the script `dockpit completion bash|zsh` prints, which calls the real dockpit back. The
// names come from a config naming the fleet's hosts and from a state folder holding a plan run and a migration.
// No engine is contacted (the words' logic is in test/unit/completion-words.test.ts). Also `--version`.

const run = promisify(execFile);
const fleet = readFleet();
const hostNames = fleet.hosts.map((h) => h.name);

let dir: string;
let config: string;
let bin: string;
const planRun = newRunId(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)));
const migrationRun = newRunId(new Date(Date.UTC(2026, 0, 3, 3, 4, 5)));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-completion-'));
  config = path.join(dir, 'dockpit.yaml');
  fs.writeFileSync(
    config,
    [
      'state: ./state',
      'hosts:',
      ...fleet.hosts.map((h) => `  - { name: ${h.name}, url: "${h.tcp}" }`),
      'lines:',
      '  news: { tier: 0 }',
      '  forum: { tier: 2 }',
      'plans:',
      '  - { name: shed-forum, steps: [{ select: { lines: [forum] }, action: stop }] }',
      '  - { name: night, steps: [{ select: { lines: [forum] }, action: pause }] }',
      '',
    ].join('\n'),
  );
  // What a plan run and a migration leave in the state folder (src/state/file/journal.ts).
  for (const [journal, id] of [['runs', planRun], ['migrations', migrationRun]] as const) {
    fs.mkdirSync(path.join(dir, 'state', journal), { recursive: true });
    fs.writeFileSync(path.join(dir, 'state', journal, `${id}.jsonl`), `${JSON.stringify({ at: new Date().toISOString(), kind: 'start', runId: id })}\n`);
  }
  fs.writeFileSync(path.join(dir, 'broken.yaml'), 'hosts: [ {name: x\n  : : :\n');
  // The scripts call back the dockpit the operator typed: a `dockpit` on PATH running this build.
  bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'dockpit'), `#!/bin/sh\nexec node ${CLI} "$@"\n`, { mode: 0o755 });
  for (const shell of ['bash', 'zsh']) {
    const r = await dockpit(['completion', shell]);
    expect(r.code).toBe(0);
    fs.writeFileSync(path.join(dir, `completion.${shell}`), r.stdout);
  }
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const env = () => ({ ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` });

/** Runs bash's completion function as bash would on Tab: COMP_WORDS, COMP_CWORD (the last word), COMPREPLY. */
async function bashComplete(...words: string[]): Promise<{ reply: string[]; stderr: string }> {
  const script = [
    'source "$1"; shift',
    // What `complete -F` registered is what Tab calls.
    '[[ $(complete -p dockpit) == "complete -F _dockpit_complete dockpit" ]] || { echo "not registered" >&2; exit 3; }',
    'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))',
    '_dockpit_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const { stdout, stderr } = await run('bash', ['--norc', '--noprofile', '-c', script, 'bash', path.join(dir, 'completion.bash'), 'dockpit', ...words], {
    cwd: dir,
    env: env(),
  });
  return { reply: stdout.split('\n').filter((l) => l !== ''), stderr };
}

describe('bash completion', () => {
  it('a command, an option, host, line and plan names, run ids of each journal', async () => {
    expect((await bashComplete('pl')).reply).toEqual(['plan']);
    expect((await bashComplete('ps', '--h')).reply).toEqual(['--help', '--host']);
    // From ./dockpit.yaml (the shell's folder) …
    expect((await bashComplete('ps', '--host', '')).reply).toEqual([...hostNames].sort());
    expect((await bashComplete('run', '--name', 'web', '--line', '')).reply).toEqual(['forum', 'news']);
    // … or the config --config names.
    expect((await bashComplete('--config', config, 'plan', 'apply', 'n')).reply).toEqual(['night']);
    expect((await bashComplete('plan', 'status', '')).reply).toEqual([planRun]);
    expect((await bashComplete('migration', 'abandon', '')).reply).toEqual([migrationRun]);
  });

  it('a broken config offers nothing and prints nothing on the prompt', async () => {
    const r = await bashComplete('--config', path.join(dir, 'broken.yaml'), 'ps', '--host', '');
    expect(r).toEqual({ reply: [], stderr: '' });
    // The callback itself: exit 0 (run would throw otherwise), no output.
    const direct = await run('node', [CLI, '__complete', '--config', path.join(dir, 'broken.yaml'), 'ps', '--host', ''], { cwd: dir });
    expect(direct).toEqual({ stdout: '', stderr: '' });
  });
});

describe('zsh completion', () => {
  it('loads through compinit and registers _dockpit; the function offers the names', async () => {
    // compadd only works inside a completion widget: a stand-in prints what _dockpit would add.
    const script = [
      'autoload -U compinit && compinit -u -D',
      'source "$1"',
      '[[ ${_comps[dockpit]} == _dockpit ]] || { print -u2 "not registered"; exit 3 }',
      'compadd() { shift; print -rl -- "$@" }',
      'words=(dockpit ps --host "") CURRENT=4 _dockpit',
      'words=(dockpit plan status "") CURRENT=4 _dockpit',
    ].join('\n');
    const { stdout, stderr } = await run('zsh', ['-f', '-c', script, 'zsh', path.join(dir, 'completion.zsh')], { cwd: dir, env: env() });
    expect(stderr).toBe('');
    expect(stdout.split('\n').filter((l) => l !== '')).toEqual([...[...hostNames].sort(), planRun]);
  });
});

describe('dockpit --version', () => {
  it('prints dockpit VERSION (COMMIT): the package version and a commit of this checkout', async () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
    for (const argv of [['--version'], ['version']]) {
      const r = await dockpit(argv);
      expect(r.code).toBe(0);
      const m = /^dockpit (\S+) \(([0-9a-f]{7,40})\)\n$/.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      expect(m![1]).toBe(pkg.version);
      // The build's commit (the bundle's stamp) or HEAD now (tsc build): either is a commit of this checkout.
      expect(execFileSync('git', ['cat-file', '-t', m![2]!], { encoding: 'utf8' }).trim()).toBe('commit');
    }
  });
});
