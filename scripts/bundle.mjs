// `npm run build` after tsc: dist/dockpit.cjs, one CommonJS bundle of everything (no package resolution at run
// time), dist/dockpit-lite.cjs, the small one that answers shell completion, --help and --version, and V8's
// code cache for each (dist/*.cache), made after evaluating the modules a start needs (scripts/launch.cjs
// says why). dist/cli.cjs is the launcher's entry (CommonJS: an ES module entry costs Node's ES module loader and
// its CommonJS lexer 10–15 ms a start; the tsc output beside it in dist/ stays ES modules). The single executable (`npm run package`) carries the same
// bundles and caches. Every dynamic import() in src/ stays lazy in a bundle: the cockpit's modules (Ink,
// React, src/views) are evaluated only by `dockpit` with no command. dist/bundle-meta.json is esbuild's
// metafile of dist/dockpit.cjs (test/support/bundle-modules.ts reads it). dist/dockpit-lists.cjs is the
// first-list worker's code (src/engine/first-lists.ts), evaluated on a worker thread: no cache, no build id.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { BUILD_ID_PLACEHOLDER, BUNDLES, WORKER_BUNDLES, bundleOptions, root } from './build-options.mjs';

const dist = path.join(root, 'dist');

/**
 * A bundle made ASCII, read at run time as Latin-1 into a one-byte string (4 MB of UTF-8 decoding less on every
 * start). esbuild escapes every non-ASCII character of strings, regular expressions and names (charset ascii):
 * those left are in comments it keeps inside expressions, each made one `?` (one UTF-16 unit for one, the source
 * map's columns stay right).
 */
const ascii = (text) => text.replace(/[^\x00-\x7f]/g, '?');
const started = Date.now();
// A cache never outlives the bundle it was made for (a failed build leaves none rather than a stale one).
for (const name of Object.keys(BUNDLES)) fs.rmSync(path.join(dist, `${name}.cache`), { force: true });
// The ESM chunks (and entry's map) of builds before the CommonJS bundles.
for (const old of ['chunks', 'cli.js.map', 'cli.js']) fs.rmSync(path.join(dist, old), { recursive: true, force: true });
fs.copyFileSync(path.join(root, 'scripts/launch.cjs'), path.join(dist, 'launch.cjs'));
fs.writeFileSync(path.join(dist, 'cli.cjs'), "#!/usr/bin/env node\nrequire('./launch.cjs').start();\n");
fs.chmodSync(path.join(dist, 'cli.cjs'), 0o755);

await Promise.all(
  Object.entries(BUNDLES).map(async ([name, entry]) => {
    const bundle = path.join(dist, `${name}.cjs`);
    const result = await esbuild.build({
      ...bundleOptions(entry),
      outfile: bundle,
      // A separate map, never read at start (no --enable-source-maps cost).
      sourcemap: 'linked',
      metafile: name === 'dockpit',
    });
    if (result.metafile) fs.writeFileSync(path.join(dist, 'bundle-meta.json'), JSON.stringify(result.metafile));
    // The build id, in place of the placeholder of the same length (the source map's columns stay right).
    const text = fs.readFileSync(bundle, 'utf8');
    if (!text.includes(BUILD_ID_PLACEHOLDER)) throw new Error(`${bundle}: no build id placeholder in its first line`);
    fs.writeFileSync(bundle, ascii(text.replace(BUILD_ID_PLACEHOLDER, crypto.randomUUID())));
  }),
);
await Promise.all(
  Object.entries(WORKER_BUNDLES).map(async ([name, entry]) => {
    const bundle = path.join(dist, `${name}.cjs`);
    // No banner: the worker's code is evaluated from a string, with no file of its own to name.
    await esbuild.build({ ...bundleOptions(entry), banner: {}, outfile: bundle, sourcemap: 'linked' });
    fs.writeFileSync(bundle, ascii(fs.readFileSync(bundle, 'utf8')));
  }),
);
// Each cache is made by a node like the one that runs dockpit (V8 refuses one made under other flags), one
// bundle at a time. Their output is dropped: the offscreen cockpit's exit shows a cursor that is not there
// (errors still throw, with stderr).
for (const name of Object.keys(BUNDLES)) {
  execFileSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(dist, 'launch.cjs'))}).makeCodeCache(${JSON.stringify(name)})`], { stdio: 'pipe' });
}
const mib = (f) => (fs.statSync(path.join(dist, f)).size / 1048576).toFixed(1);
const sizes = Object.keys(BUNDLES).map((n) => `dist/${n}.cjs ${mib(`${n}.cjs`)} MiB (cache ${mib(`${n}.cache`)} MiB)`);
console.log(`bundle: ${sizes.join(', ')}, in ${Date.now() - started} ms`);
