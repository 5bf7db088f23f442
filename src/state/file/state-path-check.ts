import fs from 'node:fs';
import path from 'node:path';
import type { FleetConfig } from '../../config/types.js';

/**
 * Issue 17, item 6: a `state:` that is a file (or lies under one) is named before a command starts.
 * Otherwise each reader stumbles on it its own way (`ENOTDIR … scandir`, or the audit log's EEXIST).
 * Synchronous and light: the CLI calls it before loading anything else. Null for etcd and for a folder
 * that exists or can be made.
 */
export function stateNotAFolder(config: Pick<FleetConfig, 'state' | 'stateDir'>): string | null {
  const s = config.state;
  if (s && s.kind !== 'file') return null;
  const dir = path.resolve(s?.dir ?? config.stateDir);
  // The nearest part of the path that exists: a file there means no folder can be made below it.
  for (let p = dir; ; p = path.dirname(p)) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(p);
    } catch {
      st = undefined; // missing (made on the first write) or unreadable (the first use says why)
    }
    if (st) {
      if (st.isDirectory()) return null;
      const what = p === dir ? 'is a file, not a folder' : `lies under ${p}, a file`;
      return `state folder ${dir} ${what}: move what is there, or set \`state:\` in the config to a folder`;
    }
    if (path.dirname(p) === p) return null;
  }
}
