// `npm run package` (after `npm run build`): release/dockpit-linux-x64, one file that needs no Node, npm or
// node_modules on the jump host (issue 16), and release/dockpit-VERSION-linux-x64.tar.gz holding it with its
// SHA-256 sum, README.md and the systemd unit of `dockpit watch`.
//
// Node 20's single-executable applications run the injected script as CommonJS whose require() loads only
// builtins: the executable's main script is dockpit's launcher (scripts/launch.cjs), and it carries the bundles
// of `npm run build` (dist/dockpit.cjs, dist/dockpit-lite.cjs) and their code caches as assets, which the
// launcher runs as it does under node, and the first-list worker's bundle (dist/dockpit-lists.cjs).
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BUNDLES, WORKER_BUNDLES, buildInfo, root } from './build-options.mjs';
import { extractWatchUnit } from './watch-unit.mjs';

const require = createRequire(import.meta.url);
const { inject } = require('postject');

if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`package: builds linux-x64 only, this is ${process.platform}-${process.arch}`);
const { version } = buildInfo();
const release = path.join(root, 'release');
const work = path.join(release, 'build');
const dist = path.join(root, 'dist');
// The bundles with their caches, and the worker threads' bundles (the first-list worker's: src/engine/first-lists.ts).
const assets = [...Object.keys(BUNDLES).flatMap((n) => [`${n}.cjs`, `${n}.cache`]), ...Object.keys(WORKER_BUNDLES).map((n) => `${n}.cjs`)];
for (const f of ['launch.cjs', ...assets]) {
  if (!fs.existsSync(path.join(dist, f))) throw new Error(`package: dist/${f} is missing (npm run build makes it)`);
}
fs.rmSync(release, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const t0 = Date.now();
const step = (what) => console.log(`package: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

// 1-2. The blob: the launcher, the bundles and their code caches (made by this same node: V8 accepts them in the executable).
const seaConfig = path.join(work, 'sea-config.json');
const blob = path.join(work, 'sea-prep.blob');
fs.writeFileSync(seaConfig, JSON.stringify({
  main: path.join(dist, 'launch.cjs'),
  output: blob,
  disableExperimentalSEAWarning: true,
  assets: Object.fromEntries(assets.map((f) => [f, path.join(dist, f)])),
}));
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' });
step(`blob ${(fs.statSync(blob).size / 1048576).toFixed(1)} MiB`);

// 3. A copy of this node, without its debug sections (Debian's carries them: 99 MB → about half), the blob injected.
const exe = path.join(release, 'dockpit-linux-x64');
fs.copyFileSync(process.execPath, exe);
fs.chmodSync(exe, 0o755);
try {
  // Its stderr is dropped: Node's binary carries notes that make strip warn ("Can't find string offset"), harmlessly.
  execFileSync('strip', ['--strip-all', exe], { stdio: ['ignore', 'inherit', 'pipe'] });
} catch (err) {
  // Not fatal: the executable works unstripped, only larger (binutils is in .ci/run).
  console.warn(`package: strip failed, the executable keeps its symbols: ${err.message}`);
}
await inject(exe, 'NODE_SEA_BLOB', fs.readFileSync(blob), { sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2' });
step(`executable ${(fs.statSync(exe).size / 1048576).toFixed(1)} MiB`);
// The smoke test also asks whether V8 took the code cache: one it refused would cost every start silently.
const smoke = spawnSync(exe, ['--version'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', DOCKPIT_CODE_CACHE_REPORT: '1' } });
if (smoke.status !== 0 || !/code cache accepted/.test(smoke.stderr)) throw new Error(`package: ${exe} --version (exit ${smoke.status}): ${smoke.stderr}`);
// And the whole bundle's cache, by a command that loads it and stops at its config.
const whole = spawnSync(exe, ['hosts', '--config', path.join(work, 'no-such-config.yaml')], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', DOCKPIT_CODE_CACHE_REPORT: '1' } });
if (whole.status !== 2 || !/^dockpit: code cache accepted$/m.test(whole.stderr)) throw new Error(`package: ${exe} hosts with a missing config (exit ${whole.status}): ${whole.stderr}`);
step(`dockpit-linux-x64 --version: ${smoke.stdout.trim()}; both bundles' code caches accepted`);

// 4. The tarball: one folder, the sum file checks the executable (`sha256sum -c SHA256SUMS` in it).
const name = `dockpit-${version}-linux-x64`;
const dir = path.join(work, name);
fs.mkdirSync(dir);
fs.copyFileSync(exe, path.join(dir, 'dockpit'));
fs.copyFileSync(path.join(root, 'README.md'), path.join(dir, 'README.md'));
fs.writeFileSync(path.join(dir, 'dockpit-watch.service'), extractWatchUnit(fs.readFileSync(path.join(root, 'README.md'), 'utf8')));
const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
fs.writeFileSync(path.join(dir, 'SHA256SUMS'), `${sha256(path.join(dir, 'dockpit'))}  dockpit\n`);
const tarball = path.join(release, `${name}.tar.gz`);
execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-C', work, '-cf', `${tarball.slice(0, -3)}`, name]);
execFileSync('gzip', ['-n', tarball.slice(0, -3)]);
fs.writeFileSync(`${tarball}.sha256`, `${sha256(tarball)}  ${path.basename(tarball)}\n`);
fs.rmSync(work, { recursive: true, force: true });
step(`${path.relative(root, tarball)} ${(fs.statSync(tarball).size / 1048576).toFixed(1)} MiB`);
