// What the ESM bundle (dist/, `npm run build`) and the executable's CJS bundle (`npm run package`) share.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { etcdProtos, modemLazyDebug, nativeStubs, noBuildkit, reactProduction, yogaSync } from './esbuild-plugins.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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

export function commonOptions() {
  return {
    absWorkingDir: root,
    entryPoints: { cli: 'src/cli.ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    // `dockpit --version` (src/cli) reads it; the tsc build and vitest leave it undefined.
    define: { __DOCKPIT_BUILD__: JSON.stringify(buildInfo()) },
    // Ink imports react-devtools-core only when DEV=true; it is not installed and never shipped.
    external: ['react-devtools-core'],
    plugins: [nativeStubs, yogaSync, etcdProtos, noBuildkit, reactProduction, modemLazyDebug],
    logLevel: 'warning',
    legalComments: 'none',
  };
}
