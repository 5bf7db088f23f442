import os from 'node:os';
import type { LockOwner } from './types.js';

// Whether a lock's owner is still alive, as far as this jump host can tell. A pid means something only on
// the jump host that wrote it (LockOwner.host); elsewhere only the backend can say (file: nothing;
// etcd: the owner's lease).

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/**
 * True when the owner ran on this jump host and its process is gone. On etcd a killed dockpit's lease
 * outlives it by up to its TTL (15 s by default); on its own jump host the pid says so at once (issue 13:
 * a killed run shows `interrupted` within one probe interval).
 */
export function deadHere(owner: Pick<LockOwner, 'host' | 'pid'>): boolean {
  return owner.host === os.hostname() && !pidAlive(owner.pid);
}
