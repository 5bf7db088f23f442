import os from 'node:os';
import path from 'node:path';

/** Expands `~/` and makes a path absolute relative to the config file's folder. */
export function expandPath(p: string, baseDir: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return path.resolve(baseDir, p);
}
