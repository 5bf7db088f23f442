import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `dockpit --version` (issue 16, item 3). Only node: builtins here: it runs before anything else is loaded,
// and must stay as fast as Node's own start.

/** Defined by the release build (esbuild `define`): the package's version and the commit it was built from. */
declare const __DOCKPIT_BUILD__: { version: string; commit: string } | undefined;

export interface BuildInfo {
  version: string;
  commit: string;
}

const UNKNOWN = 'unknown';

/** The build's own stamp; else (tsc build, tests) package.json's version and the checkout's commit, read now. */
export function buildInfo(): BuildInfo {
  if (typeof __DOCKPIT_BUILD__ !== 'undefined' && __DOCKPIT_BUILD__) return __DOCKPIT_BUILD__;
  const root = packageRoot();
  if (root === null) return { version: UNKNOWN, commit: UNKNOWN };
  return { version: root.version, commit: checkoutCommit(root.dir) };
}

export function versionLine(info: BuildInfo = buildInfo()): string {
  return `dockpit ${info.version} (${info.commit})`;
}

/** The folder above this module holding dockpit's package.json (dist/cli/ and src/cli/ are both two levels down). */
function packageRoot(): { dir: string; version: string } | null {
  // A CommonJS bundle has no import.meta.url, but it also has __DOCKPIT_BUILD__ and never gets here.
  const url: unknown = import.meta.url;
  if (typeof url !== 'string') return null;
  let dir = path.dirname(fileURLToPath(url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'dockpit' && typeof pkg.version === 'string') return { dir, version: pkg.version };
    } catch {
      // No (readable) package.json at this level: look one up.
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/**
 * The short commit of the git checkout that is `dir`, or "unknown": no git, not a checkout, or a checkout of
 * something else around an installed copy (the top level must be `dir` itself).
 */
function checkoutCommit(dir: string): string {
  try {
    const out = execFileSync('git', ['rev-parse', '--show-toplevel', '--short', 'HEAD'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    });
    const [top, commit] = out.trim().split('\n');
    if (!top || !commit || fs.realpathSync(top) !== fs.realpathSync(dir)) return UNKNOWN;
    return commit;
  } catch {
    return UNKNOWN;
  }
}
