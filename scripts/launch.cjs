'use strict';
// dockpit's launcher (issue 16, fast start), the same file for `node dist/cli.cjs` (copied to dist/launch.cjs)
// and for the single executable (its main script). It runs a CommonJS bundle, dist/dockpit.cjs (or for a few
// first words dist/dockpit-lite.cjs), with the V8 code cache `npm run build` made for it after evaluating the
// modules a start needs and drawing the cockpit offscreen. Node 20 keeps no cache for ES modules, and a cache
// made before anything runs (the executable's useCodeCache) holds only top-level code: every function the
// first frame needs was compiled again on each start.
//
// A cache V8 rejects (another Node, other V8 flags: NODE_OPTIONS, --cpu-prof) costs nothing but the
// compile it would have saved: the bundle is compiled from its source as usual.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

/**
 * The first words the small bundle (dist/dockpit-lite.cjs: completion's callback on every Tab, --help,
 * --version, `completion`) answers: it reads and compiles under a tenth of what the whole one does. Anything
 * it finds it does not answer comes back here, to the whole bundle.
 */
const LITE_WORDS = new Set(['__complete', '--help', '-h', '--version', 'version', 'completion']);
/** The bundle's first line, then its build id; the cache starts with the same line. */
const BUILD_ID_LINE = '// dockpit build ';

/** node:sea, when this runs as the single executable; null under plain node (or a Node without it). */
function seaModule() {
  try {
    const sea = require('node:sea');
    return sea.isSea() ? sea : null;
  } catch {
    return null;
  }
}

/** A file of the build: an asset of the executable, or the file next to this one; undefined if there is none. */
function readAsset(sea, file) {
  try {
    return sea ? Buffer.from(sea.getAsset(file)) : fs.readFileSync(path.join(__dirname, file));
  } catch {
    return undefined;
  }
}

/**
 * The bundle's file name (its __filename), source and code cache: the executable's assets, or files next to
 * this one. The cache is used only if it was made for this very bundle: V8 checks no more than the source's
 * length, and a cache of another source of the same length would run the other source's code. The build gives
 * both the same build id (the bundle's first line, the cache's first bytes).
 */
function bundle(name) {
  const sea = seaModule();
  const file = sea ? process.execPath : path.join(__dirname, `${name}.cjs`);
  // The build made it ASCII: Latin-1 reads it straight into a one-byte string.
  const code = sea ? Buffer.from(sea.getAsset(`${name}.cjs`)).toString('latin1') : fs.readFileSync(file, 'latin1');
  // absent: a build without its cache (or one being rebuilt), compiled from source
  const cache = readAsset(sea, `${name}.cache`);
  const id = code.startsWith(BUILD_ID_LINE) ? `${code.slice(0, code.indexOf('\n'))}\n` : null;
  const buildId = id === null ? null : id.slice(BUILD_ID_LINE.length, -1);
  if (cache === undefined) return { file, code, cache, buildId, state: 'absent' };
  if (id === null || cache.subarray(0, id.length).toString('latin1') !== id) return { file, code, cache: undefined, buildId, state: "another build's, not used" };
  return { file, code, cache: cache.subarray(id.length), buildId, state: null };
}

/**
 * A cockpit launch on a terminal: no command word, and no flags but the cockpit's (src/cli/args.ts: --config
 * or -c FILE, --read-only). Then `{ config }`, the --config given (or null), else null. test/unit/launch.test.ts
 * checks that parseCli reads each such argv as the cockpit.
 */
function cockpitLaunch(argv) {
  let config = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--read-only') continue;
    if (a.startsWith('--config=')) config = a.slice('--config='.length);
    else if ((a === '--config' || a === '-c') && i + 1 < argv.length) config = argv[++i];
    else return null;
  }
  return process.stdout.isTTY === true && process.stdin.isTTY === true ? { config } : null;
}

/**
 * What the cockpit kept of this config's text for this build (src/config/config-cache.ts): undefined if
 * nothing, else the entry's `lists`, the first lists' input (its unix and tcp hosts), null when it kept none
 * (a fleet too small for the worker). The config is found as locateConfig finds it (src/config/locate-config.ts);
 * the entry's file and key are made as configCache makes them, and it is taken only from a file this user owns
 * that no one else can write.
 */
function keptLists(explicit, buildId) {
  if (buildId === null) return undefined;
  const os = require('node:os');
  const crypto = require('node:crypto');
  const candidates = explicit ? [explicit] : [path.resolve('dockpit.yaml'), path.join(os.homedir(), '.config', 'dockpit', 'config.yaml')];
  const config = candidates.find((f) => fs.existsSync(f));
  if (config === undefined) return null; // the local engine: one host
  const sha256 = (s) => crypto.createHash('sha256').update(s).digest('hex');
  try {
    const dir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'dockpit');
    const file = path.join(dir, `config-${sha256(`${buildId}\0${path.resolve(config)}`).slice(0, 32)}.json`);
    const st = fs.statSync(file);
    if (st.uid !== process.getuid() || (st.mode & 0o022) !== 0) return undefined;
    const kept = JSON.parse(fs.readFileSync(file, 'utf8'));
    return kept.key === sha256(`${buildId}\0${fs.readFileSync(config, 'utf8')}`) ? (kept.entry.lists ?? null) : undefined;
  } catch {
    return undefined; // none kept yet
  }
}

/**
 * The cockpit's first-lists worker (src/engine/first-lists.ts, dist/dockpit-lists.cjs), started before the
 * bundle is compiled, so that its start (a thread, its Node, its sockets' modules: about 60 ms of a core at 200
 * hosts, issue 16) runs beside the bundle's and the config's. When the cockpit kept the lists' input for this
 * config, the worker lists those hosts at once (about 130 ms before the config is read) and the cockpit sends
 * the others; when it kept the config without them (fewer hosts than the worker is for), none is started; when
 * it kept nothing yet, the worker waits for the hosts, or is ended. LaunchedLists (src/engine/first-lists.ts),
 * or null.
 */
function startListsWorker(launch, buildId) {
  const sent = keptLists(launch.config, buildId);
  if (sent === null) return null;
  const code = readAsset(seaModule(), 'dockpit-lists.cjs');
  if (code === undefined) return null;
  const { Worker } = require('node:worker_threads');
  const worker = new Worker(code.toString('latin1'), { eval: true });
  worker.unref();
  if (sent !== undefined) worker.postMessage(sent);
  // Its results are kept until the cockpit listens (none may come before: the bundle is still loading).
  const early = [];
  const keep = (r) => early.push(r);
  worker.on('message', keep);
  return {
    worker,
    sent: sent ?? null,
    early() {
      worker.off('message', keep);
      return early.splice(0);
    },
  };
}

/** Compiles and evaluates a bundle (`dockpit`, `dockpit-lite`, as read by bundle()): its exports (run, warmUp) and the script (whose cache can be made). */
function load({ file, code, cache, state }) {
  const script = new vm.Script(wrap(code), { filename: file, cachedData: cache });
  // A hidden switch for the tests and the package step that check the cache is used (unused, it is silent).
  if (process.env.DOCKPIT_CODE_CACHE_REPORT === '1') {
    process.stderr.write(`dockpit: code cache ${state ?? (script.cachedDataRejected ? 'rejected by V8' : 'accepted')}\n`);
  }
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, script };
}

/** `dockpit ARGS…`: exits when the command is done. */
function start() {
  const argv = process.argv.slice(2);
  if (!LITE_WORDS.has(argv[0])) {
    const whole = bundle('dockpit');
    const cockpit = cockpitLaunch(argv);
    const lists = cockpit ? startListsWorker(cockpit, whole.buildId) : null;
    load(whole).exports.run(argv, { lists, buildId: whole.buildId });
    return;
  }
  load(bundle('dockpit-lite')).exports.run(argv).then((answered) => {
    if (answered) return;
    const whole = bundle('dockpit');
    load(whole).exports.run(argv, { buildId: whole.buildId });
  });
}

/** At build time: evaluates the modules of bundle `name` a start needs, then writes V8's cache of all that was compiled next to it. */
async function makeCodeCache(name) {
  const read = bundle(name);
  const { exports, script } = load(read);
  await exports.warmUp();
  const id = Buffer.from(read.code.slice(0, read.code.indexOf('\n') + 1), 'latin1');
  fs.writeFileSync(path.join(__dirname, `${name}.cache`), Buffer.concat([id, script.createCachedData()]));
}

// load(name): the bench's way to evaluate a bundle's modules (bench/scale-bench.mjs).
module.exports = { start, makeCodeCache, cockpitLaunch, load: (name) => load(bundle(name)) };

if (seaModule()) start();
