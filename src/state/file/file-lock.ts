import lockfile from 'proper-lockfile';
import { DockpitError } from '../../engine/errors.js';
import { lockFs } from './durable-file.js';

// The short cross-process lock of one file (the ledger, the audit log while it is rewritten): proper-
// lockfile's atomic mkdir of `FILE.lock`, its mtime refreshed while held, taken over when older than
// STALE_MS (a dockpit killed while holding it blocks the others for at most that long).

/** A lock not refreshed for this long belongs to a dead process. */
const STALE_MS = 10_000;
/** How long to wait for another process's lock (polling with jitter), about 40 s in all. */
const LOCK_RETRIES = { retries: 400, factor: 1.3, minTimeout: 5, maxTimeout: 100, randomize: true };

/**
 * Runs `fn` holding `file`'s lock; `what` names it in errors. `lost()` says whether the lock was taken
 * over meanwhile (not refreshed in time): check it before writing.
 */
export async function withFileLock<T>(file: string, what: string, fn: (lost: () => Error | null) => Promise<T>): Promise<T> {
  let compromised: Error | null = null;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      fs: lockFs,
      realpath: false, // the file need not exist yet
      stale: STALE_MS,
      retries: LOCK_RETRIES,
      onCompromised: (err) => {
        compromised = err;
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new DockpitError('TIMEOUT', `${what} ${file}: still locked by another dockpit after about 40 s`);
    }
    throw err;
  }
  try {
    return await fn(() => compromised);
  } finally {
    await release().catch(() => undefined); // a lock taken over as stale is not ours to remove
  }
}
