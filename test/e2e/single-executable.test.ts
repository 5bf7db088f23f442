import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleModules, moduleTrace, UI_INPUT } from '../support/bundle-modules.js';
import { CLI, FLEET_CONFIG, FLEET_DIR, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';

// Done means (issue 16, line 1): the single executable, taken from the tarball, runs in a fresh environment
// with no Node and no node_modules: a chroot holding only the executable and the shared libraries ldd lists
// (the fleet's engines reached as from a jump host: tcp, ssh, and h1's unix socket hard-linked in). There:
// --version, hosts --json, and the cockpit in tmux showing the lines screen with all hosts up.
// Also: the headless commands of the bundle (dist/) evaluate none of its UI modules, and the executable and
// `node dist/cli.cjs` both run with the code cache V8 accepts.

const run = promisify(execFile);
const hosts = readFleet().hosts.map((h) => h.name);
const version = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;
// In the fleet's folder: the engines' sockets are hard-linked into the chroot, which needs one filesystem.
const work = fs.mkdtempSync(path.join(FLEET_DIR, 'sea-'));
const root = path.join(work, 'root');
const CHROOT = execFileSync('sh', ['-c', 'command -v chroot'], { encoding: 'utf8' }).trim();
/** What the executable gets: no PATH to a node, no NODE_OPTIONS, no HOME with an npm cache. */
const ENV = { PATH: '/', TERM: 'xterm-256color', HOME: '/' };
const tmuxName = `dockpit-sea-${process.pid}`;

const inRoot = (args: string[]) => run(CHROOT, [root, '/dockpit', ...args], { env: ENV, encoding: 'utf8', timeout: 30_000 });

/** Every file under dir (sockets included), as paths inside it. */
function walk(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = path.join(rel, e.name);
    return e.isDirectory() ? [p, ...walk(dir, p)] : [p];
  });
}

/** The fleet's config, rewritten for the chroot: state inside it, the files and sockets it names linked or copied in. */
function chrootConfig(): string {
  let yaml = fs.readFileSync(FLEET_CONFIG, 'utf8').replace(/^state: .*$/m, 'state: /var/lib/dockpit');
  for (const m of yaml.matchAll(/^\s+url: unix:\/\/(\S+)$/gm)) {
    const sock = m[1]!;
    const inside = `/run/dockpit/${path.basename(path.dirname(sock))}.sock`;
    fs.mkdirSync(path.join(root, path.dirname(inside)), { recursive: true });
    fs.linkSync(sock, path.join(root, inside)); // a hard link to the engine's socket: same inode, connect() works
    yaml = yaml.replace(`unix://${sock}`, `unix://${inside}`);
  }
  for (const m of yaml.matchAll(/^\s+(identityFile|knownHosts): (\S+)$/gm)) {
    const inside = `/etc/dockpit/${path.basename(m[2]!)}`;
    fs.copyFileSync(m[2]!, path.join(root, inside));
    yaml = yaml.replace(`: ${m[2]}`, `: ${inside}`);
  }
  return yaml;
}

let packageMs = 0;

describe('the single executable, in a chroot with no Node', () => {
  beforeAll(async () => {
    const t0 = performance.now();
    // Built once for this file from dist/ (the README's test command builds it first): what `npm run package` runs after the build.
    await run(process.execPath, ['scripts/package.mjs'], { timeout: 280_000 });
    packageMs = performance.now() - t0;
    console.log(`scripts/package.mjs took ${(packageMs / 1000).toFixed(1)} s`);

    // The jump host's side: copy the tarball, check its sum, unpack, check the executable's sum.
    const tarball = path.resolve(`release/dockpit-${version}-linux-x64.tar.gz`);
    fs.copyFileSync(tarball, path.join(work, path.basename(tarball)));
    fs.copyFileSync(`${tarball}.sha256`, path.join(work, `${path.basename(tarball)}.sha256`));
    await run('sha256sum', ['-c', `${path.basename(tarball)}.sha256`], { cwd: work });
    await run('tar', ['-xzf', path.basename(tarball)], { cwd: work });
    const unpacked = path.join(work, `dockpit-${version}-linux-x64`);
    await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: unpacked });

    fs.mkdirSync(path.join(root, 'etc/dockpit'), { recursive: true });
    fs.mkdirSync(path.join(root, 'var/lib/dockpit'), { recursive: true, mode: 0o700 }); // the state holds secrets: dockpit wants it closed
    fs.copyFileSync(path.join(unpacked, 'dockpit'), path.join(root, 'dockpit'));
    fs.chmodSync(path.join(root, 'dockpit'), 0o755);
    const ldd = execFileSync('ldd', [path.join(root, 'dockpit')], { encoding: 'utf8' });
    for (const lib of ldd.matchAll(/(\/\S+\.so[.\d]*)/g)) {
      fs.mkdirSync(path.join(root, path.dirname(lib[1]!)), { recursive: true });
      fs.copyFileSync(fs.realpathSync(lib[1]!), path.join(root, lib[1]!));
    }
    fs.writeFileSync(path.join(root, 'etc/dockpit/dockpit.yaml'), chrootConfig());

    await removeTestContainers(hosts);
    await runContainer('h2', { name: 'sea-web', bizline: 'sea', tier: 1 });
  }, 300_000);

  afterAll(async () => {
    try {
      execFileSync('tmux', ['kill-session', '-t', tmuxName], { stdio: 'ignore' });
    } catch {
      // not started, or already gone with the cockpit
    }
    await removeTestContainers(hosts);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('the tarball holds the executable, its sum, the README and the watch unit (cut from the README)', () => {
    const unpacked = path.join(work, `dockpit-${version}-linux-x64`);
    expect(fs.readdirSync(unpacked).sort()).toEqual(['README.md', 'SHA256SUMS', 'dockpit', 'dockpit-watch.service']);
    const unit = fs.readFileSync(path.join(unpacked, 'dockpit-watch.service'), 'utf8');
    expect(unit).toMatch(/^\[Unit\][\s\S]*^ExecStart=\/usr\/bin\/dockpit watch /m);
    expect(fs.readFileSync('README.md', 'utf8')).toContain(unit);
  });

  it('the chroot holds no node and no node_modules', () => {
    const files = walk(root);
    expect(files).toContain('dockpit');
    expect(files.filter((f) => /(^|\/)(node|nodejs|node_modules|npm)($|\/)/.test(f))).toEqual([]);
    // Nothing but the executable, its libraries, its config (with the ssh key) and its state and sockets.
    const other = files.filter((f) => !fs.statSync(path.join(root, f)).isDirectory() && f !== 'dockpit' && !/\.so[.\d]*$|^(etc|var\/lib|run)\/dockpit\//.test(f));
    expect(other).toEqual([]);
  });

  it('--version and hosts --json against the fleet', async () => {
    const v = await inRoot(['--version']);
    expect(v.stdout.trim()).toMatch(new RegExp(`^dockpit ${version.replace(/\./g, '\\.')} \\(([0-9a-f]{7,}|unknown)\\)$`));
    expect(v.stderr).toBe('');
    // The code cache of the build, carried in the executable, is the one V8 runs with (issue 16, fast start).
    const cached = await run(CHROOT, [root, '/dockpit', '--version'], { env: { ...ENV, DOCKPIT_CODE_CACHE_REPORT: '1' }, encoding: 'utf8' });
    expect(cached.stderr).toBe('dockpit: code cache accepted\n');
    const r = await inRoot(['hosts', '--json', '--config', '/etc/dockpit/dockpit.yaml']);
    expect(r.stderr).toBe('');
    const listed = JSON.parse(r.stdout) as { name: string; url: string; state: string; error: unknown }[];
    expect(listed.map((h) => [h.name, h.state, h.error])).toEqual(hosts.map((h) => [h, 'up', null]));
    expect(listed.map((h) => h.url.split(':')[0])).toEqual(['unix', 'tcp', 'ssh']); // every transport, from inside
  });

  it('the cockpit in tmux: the lines screen with all hosts up; the process maps nothing from outside the chroot', async () => {
    const cmd = ['env', '-i', ...Object.entries(ENV).map(([k, v]) => `${k}=${v}`), CHROOT, root, '/dockpit', '--config', '/etc/dockpit/dockpit.yaml'];
    // `; sleep`: a cockpit that dies leaves its last words on the screen the failure shows.
    execFileSync('tmux', ['new-session', '-d', '-s', tmuxName, '-x', '120', '-y', '30', `${cmd.map((a) => `'${a}'`).join(' ')}; sleep 60`]);
    const screen = () => execFileSync('tmux', ['capture-pane', '-p', '-t', tmuxName], { encoding: 'utf8' });
    const { ms } = await waitFor(
      () => /dockpit · business lines/.test(screen()) && /^sea\s+1\s+● up\s+1\/1/m.test(screen()) && /hosts 3\/3 up/.test(screen()),
      30_000,
      20,
      () => `screen:\n${screen()}`,
    );
    console.log(`executable in the chroot: launch → lines screen with 3/3 hosts up in ${ms.toFixed(0)} ms`);

    // The pane runs env, which execs chroot, which execs /dockpit: find the process by its executable.
    const panePid = execFileSync('tmux', ['list-panes', '-t', tmuxName, '-F', '#{pane_pid}'], { encoding: 'utf8' }).trim();
    const pids = [panePid, ...execFileSync('sh', ['-c', `pgrep -P ${panePid} || true`], { encoding: 'utf8' }).split('\n')].filter(Boolean);
    const pid = pids.find((p) => fs.readlinkSync(`/proc/${p}/exe`) === path.join(root, 'dockpit'));
    expect(pid, `no process of pane ${panePid} runs ${root}/dockpit`).toBeDefined();
    expect(fs.readlinkSync(`/proc/${pid}/root`)).toBe(root);
    const mapped = [...new Set(fs.readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').map((l) => l.split(/\s+/)[5] ?? '').filter((f) => f.startsWith('/')))];
    expect(mapped).toContain(path.join(root, 'dockpit'));
    expect(mapped.filter((f) => f.includes('node_modules'))).toEqual([]);
    expect(mapped.filter((f) => !f.startsWith(`${root}/`) && !/^\/(memfd:|dev\/|SYSV)/.test(f))).toEqual([]);
  });

  it('the cockpit on 20 hosts takes their first lists on a worker thread, from the executable\'s own asset; launched again, before its config is read', async () => {
    // The fleet's unix and tcp engines under ten names each: enough hosts for the worker (FIRST_LISTS_MIN_HOSTS).
    const yaml = fs.readFileSync(path.join(root, 'etc/dockpit/dockpit.yaml'), 'utf8');
    const unix = /url: (unix:\/\/\S+)/.exec(yaml)![1]!;
    const tcp = /url: (tcp:\/\/\S+)/.exec(yaml)![1]!;
    const many = ['state: /var/lib/dockpit', 'hosts:'];
    for (let i = 1; i <= 10; i++) many.push(`  - name: u${i}`, `    url: ${unix}`, `  - name: p${i}`, `    url: ${tcp}`);
    fs.writeFileSync(path.join(root, 'etc/dockpit/many.yaml'), `${many.join('\n')}\n`);
    fs.rmSync(path.join(root, '.cache'), { recursive: true, force: true }); // HOME is / in the chroot
    const report = async (run: number) => {
      execFileSync('tmux', ['kill-session', '-t', tmuxName], { stdio: 'ignore' });
      const errFile = path.join(work, `many-${run}.err`);
      const cmd = ['env', '-i', ...Object.entries({ ...ENV, DOCKPIT_FIRST_LISTS_REPORT: '1' }).map(([k, v]) => `${k}=${v}`), CHROOT, root, '/dockpit', '--config', '/etc/dockpit/many.yaml'];
      execFileSync('tmux', ['new-session', '-d', '-s', tmuxName, '-x', '120', '-y', '30', `${cmd.map((a) => `'${a}'`).join(' ')} 2>'${errFile}'; sleep 60`]);
      const screen = () => execFileSync('tmux', ['capture-pane', '-p', '-t', tmuxName], { encoding: 'utf8' });
      // sea-web runs on h2: each of the ten names of h2 lists it.
      await waitFor(() => /hosts 20\/20 up/.test(screen()) && /^sea\s+1\s+● up\s+10\/10/m.test(screen()), 30_000, 20, () => `screen:\n${screen()}`);
      await waitFor(() => fs.existsSync(errFile) && fs.readFileSync(errFile, 'utf8').includes('first lists'), 5000);
      return fs.readFileSync(errFile, 'utf8');
    };
    expect(await report(1)).toContain('dockpit: first lists: 20 of 20 hosts listed on a worker, 0 asked before the config was read\n');
    // The first launch kept the config and those hosts (the executable's build, this text): the launcher asks them at once.
    expect(await report(2)).toContain('dockpit: first lists: 20 of 20 hosts listed on a worker, 20 asked before the config was read\n');
  });
});

describe('the bundle (dist/): headless commands evaluate no UI code', () => {
  it.each([['hosts'], ['ps']])('%s --json runs dist/dockpit.cjs and evaluates none of its modules of Ink, React, yoga or src/views', async (command) => {
    const ui = bundleModules(UI_INPUT);
    expect(ui.modules.length).toBeGreaterThan(0); // the bundle holds the cockpit, or the check below means nothing
    expect(ui.eager).toEqual([]); // each is evaluated only when reached, where module-trace.cjs sees it
    const trace = moduleTrace();
    const r = await run(process.execPath, [...trace.nodeArgs, CLI, command, '--json', '--config', FLEET_CONFIG], { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, ...trace.env } });
    expect(JSON.parse(r.stdout)).toBeInstanceOf(Array);
    const { bundle, modules } = trace.read();
    trace.dispose();
    expect(bundle).toEqual([path.resolve('dist/dockpit.cjs')]);
    expect(modules).toContain(`src/cli/commands/${command}.ts`); // the log sees the modules that ran
    expect(modules.filter((m) => UI_INPUT.test(m))).toEqual([]);
  });

  it('node dist/cli.cjs runs each bundle with the code cache the build made', async () => {
    const env = { ...process.env, DOCKPIT_CODE_CACHE_REPORT: '1' };
    const lite = await run(process.execPath, [CLI, '--version'], { encoding: 'utf8', env });
    expect(lite.stdout).toMatch(/^dockpit /);
    expect(lite.stderr).toBe('dockpit: code cache accepted\n');
    const whole = await run(process.execPath, [CLI, 'hosts', '--json', '--config', FLEET_CONFIG], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
    expect(JSON.parse(whole.stdout)).toHaveLength(hosts.length);
    expect(whole.stderr).toBe('dockpit: code cache accepted\n');
  });
});
