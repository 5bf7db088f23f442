import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire, wrap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';

// scripts/launch.cjs (issue 16): the bundle runs with the code cache made for it, and with no other. V8 itself
// checks only the source's length, so a cache of an earlier build of the same length would be taken.

const LAUNCHER = path.resolve('scripts/launch.cjs');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A folder laid out as dist/: the launcher, an entry, and a bundle printing `word` and its arguments. */
function dist(word: string, id: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-launch-'));
  dirs.push(dir);
  fs.copyFileSync(LAUNCHER, path.join(dir, 'launch.cjs'));
  fs.writeFileSync(path.join(dir, 'cli.cjs'), "require('./launch.cjs').start();\n");
  writeBundle(dir, word, id);
  return dir;
}

function writeBundle(dir: string, word: string, id: string): void {
  const body = `exports.run = (argv) => { process.stdout.write(${JSON.stringify(word)} + ' ' + argv.join(',')); process.exit(0); };\nexports.warmUp = async () => {};\n`;
  fs.writeFileSync(path.join(dir, 'dockpit.cjs'), `// dockpit build ${id}\n${body}`);
}

/** The small bundle: answers its words, except `completion pass`, which it hands back. */
function writeLite(dir: string): void {
  const body = "exports.run = async (argv) => { if (argv[1] === 'pass') return false; process.stdout.write('lite ' + argv.join(',')); process.exit(0); };\nexports.warmUp = async () => {};\n";
  fs.writeFileSync(path.join(dir, 'dockpit-lite.cjs'), `// dockpit build ${'c'.repeat(36)}\n${body}`);
}

function makeCache(dir: string, name = 'dockpit'): void {
  execFileSync(process.execPath, ['-e', `require('./launch.cjs').makeCodeCache('${name}')`], { cwd: dir });
}

function run(dir: string, ...args: string[]): { out: string; report: string } {
  const r = spawnSync(process.execPath, [path.join(dir, 'cli.cjs'), ...args], { env: { ...process.env, DOCKPIT_CODE_CACHE_REPORT: '1' }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return { out: r.stdout, report: r.stderr.trim() };
}

describe('the launcher', () => {
  it('runs the bundle with the arguments; without a cache it compiles it from source', () => {
    const dir = dist('one', 'a'.repeat(36));
    expect(run(dir, 'ps', '--json')).toEqual({ out: 'one ps,--json', report: 'dockpit: code cache absent' });
  });

  it('takes the cache made for the bundle', () => {
    const dir = dist('one', 'a'.repeat(36));
    makeCache(dir);
    expect(run(dir, 'x')).toEqual({ out: 'one x', report: 'dockpit: code cache accepted' });
  });

  it("leaves out another build's cache, of a bundle of the same length, which V8 itself would take", () => {
    const dir = dist('one', 'a'.repeat(36));
    makeCache(dir);
    const stale = fs.readFileSync(path.join(dir, 'dockpit.cache'));
    writeBundle(dir, 'two', 'b'.repeat(36));
    const code = fs.readFileSync(path.join(dir, 'dockpit.cjs'), 'latin1');
    // The hazard the build id guards against: V8 accepts the old cache for the new source.
    const data = stale.subarray(stale.indexOf(10) + 1);
    const script = new vm.Script(wrap(code), { filename: path.join(dir, 'dockpit.cjs'), cachedData: data });
    expect(script.cachedDataRejected).toBe(false);
    expect(run(dir, 'x')).toEqual({ out: 'two x', report: "dockpit: code cache another build's, not used" });
  });

  it('sends completion, --help and --version to the small bundle, which hands back what it does not answer', () => {
    const dir = dist('whole', 'a'.repeat(36));
    writeLite(dir);
    makeCache(dir);
    makeCache(dir, 'dockpit-lite');
    expect(run(dir, '--version')).toEqual({ out: 'lite --version', report: 'dockpit: code cache accepted' });
    expect(run(dir, '__complete', 'p')).toEqual({ out: 'lite __complete,p', report: 'dockpit: code cache accepted' });
    expect(run(dir, 'ps', '--version')).toEqual({ out: 'whole ps,--version', report: 'dockpit: code cache accepted' });
    expect(run(dir, 'completion', 'pass')).toEqual({ out: 'whole completion,pass', report: 'dockpit: code cache accepted\ndockpit: code cache accepted' });
  });
});

describe('the launcher starts the first-lists worker only for a cockpit launch', () => {
  // cockpitLaunch also asks for a terminal; here only the words are checked, against parseCli itself.
  const { cockpitLaunch } = createRequire(import.meta.url)(LAUNCHER) as { cockpitLaunch(argv: string[]): { config: string | null } | null };
  const words = (argv: string[]) => {
    const tty = { out: process.stdout.isTTY, in: process.stdin.isTTY };
    Object.assign(process.stdout, { isTTY: true });
    Object.assign(process.stdin, { isTTY: true });
    try {
      return cockpitLaunch(argv);
    } finally {
      Object.assign(process.stdout, { isTTY: tty.out });
      Object.assign(process.stdin, { isTTY: tty.in });
    }
  };

  it('guesses the cockpit exactly where parseCli reads the cockpit', () => {
    const cockpit = [[], ['--read-only'], ['--config', 'f.yaml'], ['-c', 'f.yaml', '--read-only'], ['--config=f.yaml'], ['--read-only', '--config', 'ps']];
    const other = [['ps'], ['--config', 'f.yaml', 'ps'], ['--json'], ['--config'], ['hosts', '--json'], ['-c', 'f', 'lines'], ['--read-only', 'x']];
    for (const argv of cockpit) {
      const args = parseCli(argv);
      expect(args.command, argv.join(' ')).toBe('tui');
      // And the config the launcher looks for is the one the cockpit reads.
      expect(words(argv), argv.join(' ')).toEqual({ config: args.config ?? null });
    }
    for (const argv of other) expect(words(argv), argv.join(' ')).toBeNull();
  });

  it('not without a terminal', () => {
    expect(cockpitLaunch([])).toEqual(process.stdout.isTTY === true && process.stdin.isTTY === true ? { config: null } : null);
  });
});
