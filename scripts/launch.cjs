'use strict';
// dockpit's launcher (issue 16, fast start), the same file for `node dist/cli.js` (copied to dist/launch.cjs)
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
 * or -c FILE, --read-only). test/unit/launch.test.ts checks that parseCli reads each such argv as the cockpit.
 */
function cockpitLaunch(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--read-only' || a.startsWith('--config=')) continue;
    if ((a === '--config' || a === '-c') && i + 1 < argv.length) {
      i++;
      continue;
    }
    return false;
  }
  return process.stdout.isTTY === true && process.stdin.isTTY === true;
}

/**
 * The cockpit's first-lists worker (src/engine/first-lists.ts, dist/dockpit-lists.cjs), started before the
 * bundle is read so that its start (a thread, its Node, its sockets' modules: about 60 ms of a core at 200
 * hosts, issue 16) runs beside the bundle's and the config's; it then waits for the hosts. The cockpit ends
 * it at once for a fleet too small to need it. Null where there is no such bundle.
 */
function startListsWorker() {
  const code = readAsset(seaModule(), 'dockpit-lists.cjs');
  if (code === undefined) return null;
  const { Worker } = require('node:worker_threads');
  const worker = new Worker(code.toString('latin1'), { eval: true });
  worker.unref();
  return worker;
}

/** Compiles and evaluates a bundle (`dockpit`, `dockpit-lite`): its exports (run, warmUp), the script (whose cache can be made) and its build id. */
function load(name) {
  const { file, code, cache, buildId, state } = bundle(name);
  const script = new vm.Script(wrap(code), { filename: file, cachedData: cache });
  // A hidden switch for the tests and the package step that check the cache is used (unused, it is silent).
  if (process.env.DOCKPIT_CODE_CACHE_REPORT === '1') {
    process.stderr.write(`dockpit: code cache ${state ?? (script.cachedDataRejected ? 'rejected by V8' : 'accepted')}\n`);
  }
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, script, buildId };
}

/** `dockpit ARGS…`: exits when the command is done. */
function start() {
  const argv = process.argv.slice(2);
  if (!LITE_WORDS.has(argv[0])) {
    const listsWorker = cockpitLaunch(argv) ? startListsWorker() : null;
    const { exports, buildId } = load('dockpit');
    exports.run(argv, { listsWorker, buildId });
    return;
  }
  load('dockpit-lite').exports.run(argv).then((answered) => {
    if (answered) return;
    const { exports, buildId } = load('dockpit');
    exports.run(argv, { buildId });
  });
}

/** At build time: evaluates the modules of bundle `name` a start needs, then writes V8's cache of all that was compiled next to it. */
async function makeCodeCache(name) {
  const { exports, script } = load(name);
  await exports.warmUp();
  const code = fs.readFileSync(path.join(__dirname, `${name}.cjs`), 'latin1');
  const id = Buffer.from(code.slice(0, code.indexOf('\n') + 1), 'latin1');
  fs.writeFileSync(path.join(__dirname, `${name}.cache`), Buffer.concat([id, script.createCachedData()]));
}

module.exports = { start, makeCodeCache, load, cockpitLaunch };

if (seaModule()) start();
