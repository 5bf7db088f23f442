'use strict';
// dockpit's launcher (issue 16, fast start), the same file for `node dist/cli.js` (copied to dist/launch.cjs)
// and for the single executable (its main script). It runs the one CommonJS bundle, dist/dockpit.cjs, with the
// V8 code cache `npm run build` made for it after evaluating every module the bundle holds: Node 20 keeps no
// cache for ES modules, and a cache made before anything runs (the executable's useCodeCache) holds only
// top-level code, so every function the first frame needs was compiled again on each start.
//
// A cache V8 rejects (another Node, other V8 flags: NODE_OPTIONS, --cpu-prof) costs nothing but the
// compile it would have saved: the bundle is compiled from its source as usual.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

const BUNDLE = 'dockpit.cjs';
const CACHE = 'dockpit.cache';
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

/**
 * The bundle's file name (its __filename), source and code cache: the executable's assets, or files next to
 * this one. The cache is used only if it was made for this very bundle: V8 checks no more than the source's
 * length, and a cache of another source of the same length would run the other source's code. The build gives
 * both the same build id (the bundle's first line, the cache's first bytes).
 */
function bundle() {
  const sea = seaModule();
  const file = sea ? process.execPath : path.join(__dirname, BUNDLE);
  // The build made it ASCII: Latin-1 reads it straight into a one-byte string.
  const code = sea ? Buffer.from(sea.getAsset(BUNDLE)).toString('latin1') : fs.readFileSync(file, 'latin1');
  let cache;
  try {
    cache = sea ? Buffer.from(sea.getAsset(CACHE)) : fs.readFileSync(path.join(__dirname, CACHE));
  } catch {
    // a build without its cache (or one being rebuilt): compiled from source
  }
  const id = code.startsWith(BUILD_ID_LINE) ? `${code.slice(0, code.indexOf('\n'))}\n` : null;
  if (cache === undefined) return { file, code, cache, state: 'absent' };
  if (id === null || cache.subarray(0, id.length).toString('latin1') !== id) return { file, code, cache: undefined, state: "another build's, not used" };
  return { file, code, cache: cache.subarray(id.length), state: null };
}

/** Compiles and evaluates the bundle: its exports (run, warmUp) and the script (whose cache can be made). */
function load() {
  const { file, code, cache, state } = bundle();
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
  load().exports.run(process.argv.slice(2));
}

/** At build time: evaluates every module of the bundle, then writes V8's cache of all that was compiled to `out`. */
async function makeCodeCache(out) {
  const { exports, script } = load();
  await exports.warmUp();
  const code = fs.readFileSync(path.join(__dirname, BUNDLE), 'latin1');
  fs.writeFileSync(out, Buffer.concat([Buffer.from(code.slice(0, code.indexOf('\n') + 1), 'latin1'), script.createCachedData()]));
}

module.exports = { start, makeCodeCache, load };

if (seaModule()) start();
