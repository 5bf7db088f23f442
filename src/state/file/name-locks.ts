import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { NameBusyError, type LockHold, type NameLocks } from '../types.js';
import { lockFs, mkdirp, writeFileDurably, type EnsureDir } from './durable-file.js';

// One placement per container name at a time, across dockpit processes on this jump host (issue 4:
// "for the same name one wins and the other fails with a clear message"). Without it, two `dockpit run`
// for one name would both find no container, both get the name's reservation (same name → same address)
// and could create it on two hosts with one IP. The lock is held from before the fleet is looked at until
// the container is started, so a second placement either sees the lock or sees the container.
//
// proper-lockfile: an atomic mkdir of `<stateDir>/placing/NAME.lock`, refreshed while held, taken over once
// older than STALE_MS (a dockpit killed mid-placement). Who holds it is in `NAME.owner.json` beside it.

const STALE_MS = 10_000;
/** The holder writes its owner file just after taking the lock: how long a loser waits to read it. */
const OWNER_WAIT_MS = 500;

interface Owner {
  by: string;
  since: string;
  pid: number;
}

async function readOwner(file: string): Promise<Owner | null> {
  const until = Date.now() + OWNER_WAIT_MS;
  for (;;) {
    try {
      return JSON.parse(await fs.promises.readFile(file, 'utf8')) as Owner;
    } catch {
      if (Date.now() > until) return null;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/**
 * Takes the placement lock of `name` at once, or throws NameBusyError naming who holds it. Its `lost` is
 * set when the lock was not refreshed in time and taken over (proper-lockfile's "compromised").
 */
export async function holdName(stateDir: string, name: string, by: string, now: () => Date = () => new Date(), ensureDir: EnsureDir = mkdirp): Promise<LockHold> {
  const dir = path.join(stateDir, 'placing');
  await ensureDir(dir);
  const target = path.join(dir, name);
  const ownerFile = `${target}.owner.json`;
  let compromised: Error | null = null;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      fs: lockFs,
      realpath: false,
      stale: STALE_MS,
      retries: 0,
      onCompromised: (err) => {
        compromised = err;
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    const owner = await readOwner(ownerFile);
    throw new NameBusyError(name, owner?.by ?? null, owner?.since ?? null);
  }
  const mine: Owner = { by, since: now().toISOString(), pid: process.pid };
  try {
    await writeFileDurably(ownerFile, JSON.stringify(mine));
  } catch (err) {
    await release();
    throw err;
  }
  return {
    get lost() {
      return compromised;
    },
    async release() {
      // After a stale takeover the owner file is the new holder's: leave it.
      const owner = await fs.promises.readFile(ownerFile, 'utf8').then((t) => JSON.parse(t) as Owner, () => null);
      if (owner?.pid === mine.pid && owner.since === mine.since) await fs.promises.rm(ownerFile, { force: true });
      await release().catch(() => undefined); // taken over as stale: not ours to remove any more
    },
  };
}

/** The placement locks of a state folder (the file backend's NameLocks). */
export function fileNameLocks(stateDir: string, now: () => Date = () => new Date(), ensureDir: EnsureDir = mkdirp): NameLocks {
  return { hold: (name, by) => holdName(stateDir, name, by, now, ensureDir) };
}
