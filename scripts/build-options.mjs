// What the bundle (dist/, `npm run build`) and the single executable (`npm run package`, which carries that bundle) build from.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { etcdProtos, inkWithoutDevtools, modemLazyDebug, nativeStubs, noBuildkit, reactProduction, terminalTextFastPaths, yogaSync } from './esbuild-plugins.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The bundle's first line holds its build id (scripts/launch.cjs): this, until the build writes the id over it. */
export const BUILD_ID_PLACEHOLDER = '00000000-0000-0000-0000-000000000000';

export function buildInfo() {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || 'unknown';
  } catch {
    // a tarball of the source, not a checkout: the version alone says what this is
  }
  return { version, commit };
}

/** The bundles, by name: dockpit's, and the small one for completion, --help and --version (src/cli-lite.ts). */
export const BUNDLES = { dockpit: 'src/cli.ts', 'dockpit-lite': 'src/cli-lite.ts' };

/** Worker threads' bundles, by name: no code cache, no build id (first-lists.ts evaluates it on a worker). */
export const WORKER_BUNDLES = { 'dockpit-lists': 'src/engine/first-lists-worker.ts' };

/**
 * One CommonJS file from `entry`: the launcher compiles it with its code cache; esbuild turns the lazy
 * import()s into require()s still run only when reached.
 */
export function bundleOptions(entry) {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // `dockpit --version` (src/cli) reads it; the tsc build and vitest leave it undefined. `import.meta.url`
    // (yoga's loader, createRequire calls) is the bundle's own file, or the executable.
    define: { __DOCKPIT_BUILD__: JSON.stringify(buildInfo()), 'import.meta.url': '__dockpitMetaUrl' },
    banner: { js: `// dockpit build ${BUILD_ID_PLACEHOLDER}\nvar __dockpitMetaUrl = require('node:url').pathToFileURL(__filename).href;` },
    logOverride: { 'empty-import-meta': 'silent' },
    // Ink imports react-devtools-core only when DEV=true; it is not installed and never shipped.
    external: ['react-devtools-core'],
    plugins: [nativeStubs, yogaSync, etcdProtos, noBuildkit, reactProduction, modemLazyDebug, inkWithoutDevtools, terminalTextFastPaths],
    logLevel: 'warning',
    legalComments: 'none',
    // Whitespace and comments out, names kept (stack traces still name functions): each start reads and
    // decodes a third less text (4.4 to 2.9 MiB), about 10 ms of it on the jump host's main thread.
    minifyWhitespace: true,
    minifySyntax: true,
  };
}
