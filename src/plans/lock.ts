import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { syncDir } from '../engine/durable-file.js';
import { DockpitError } from '../engine/errors.js';

// Issue 5, item 6: one plan per container at a time. Before a run touches anything, every container it
// will touch is locked; a container another live run holds refuses the whole run, naming who and since when.
//
// An interface (etcd later, for several jump hosts); the default is files on this jump host: one file per
// container id in `<stateDir>/locks/`, created with O_EXCL, holding its owner. A set is taken all or
// nothing under a short proper-lockfile lock of the folder (the same lock the ledger uses), so two runs
// racing for overlapping sets never each get half. A lock whose pid is dead on this jump host is stale
// (dockpit was killed) and is taken over; that is how `resume` gets its killed run's containers back.

export interface LockOwner {
  runId: string;
  /** `user@jump-host`. */
  operator: string;
  since: string;
  pid: number;
  /** The jump host holding it (os.hostname()): a pid means something only there. */
  host: string;
}

export interface LockTarget {
  /** The container id: the lock's key (names can be reused, engine-facts.md). */
  id: string;
  /** `host/name`, for messages. */
  label: string;
}

export class LockBusyError extends DockpitError {
  constructor(readonly held: Array<{ target: LockTarget; owner: LockOwner | null }>) {
    const first = held[0]!;
    const who = (o: LockOwner | null) => (o ? `run ${o.runId} of ${o.operator} since ${o.since}` : 'another dockpit');
    super('CONFLICT', `${first.target.label} is locked by ${who(first.owner)}${held.length > 1 ? ` (and ${held.length - 1} more)` : ''}; nothing changed`);
    this.name = 'LockBusyError';
  }
}

export interface LockHold {
  release(): Promise<void>;
}

export interface ContainerLock {
  /** Locks every target for the run, or none of them and throws LockBusyError. */
  acquire(runId: string, operator: string, targets: readonly LockTarget[]): Promise<LockHold>;
  /** Who holds each locked container, by id. */
  holders(): Promise<Map<string, LockOwner>>;
}

/** How long to wait for another process taking or checking its set (they hold the folder briefly). */
const FOLDER_RETRIES = { retries: 200, factor: 1.3, minTimeout: 5, maxTimeout: 100, randomize: true };
const FOLDER_STALE_MS = 10_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

async function readOwner(file: string): Promise<LockOwner | null | 'torn'> {
  try {
    const o = JSON.parse(await fs.promises.readFile(file, 'utf8')) as LockOwner;
    return typeof o.runId === 'string' && typeof o.pid === 'number' ? o : 'torn';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return 'torn';
  }
}

export interface FileLockOptions {
  now?: () => Date;
  /** Overridable in tests. */
  hostname?: string;
  pid?: number;
  isAlive?: (pid: number) => boolean;
}

export function fileContainerLock(stateDir: string, opts: FileLockOptions = {}): ContainerLock & { readonly dir: string } {
  const dir = path.join(stateDir, 'locks');
  const now = opts.now ?? (() => new Date());
  const hostname = opts.hostname ?? os.hostname();
  const pid = opts.pid ?? process.pid;
  const isAlive = opts.isAlive ?? pidAlive;
  const fileOf = (id: string) => {
    if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new DockpitError('PARSE', `container id ${JSON.stringify(id)}: not a file name`);
    return path.join(dir, `${id}.json`);
  };
  const stale = (o: LockOwner) => o.host === hostname && !isAlive(o.pid);

  /** Runs `fn` holding the folder's lock: every writer of a lock file does so, so a torn file is a dead writer's. */
  const underFolderLock = async <T>(fn: () => Promise<T>): Promise<T> => {
    await fs.promises.mkdir(dir, { recursive: true });
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(dir, { stale: FOLDER_STALE_MS, retries: FOLDER_RETRIES, lockfilePath: path.join(dir, '.folder.lock') });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw new DockpitError('TIMEOUT', `locks ${dir}: still busy after about 20 s`);
      throw err;
    }
    try {
      return await fn();
    } finally {
      await release().catch(() => undefined);
    }
  };

  const create = async (file: string, owner: LockOwner) => {
    const fh = await fs.promises.open(file, 'wx', 0o644); // O_EXCL: exactly one creator
    try {
      await fh.writeFile(JSON.stringify(owner));
      await fh.sync();
    } finally {
      await fh.close();
    }
  };

  return {
    dir,
    async acquire(runId, operator, targets) {
      const owner: LockOwner = { runId, operator, since: now().toISOString(), pid, host: hostname };
      const ids = [...new Set(targets.map((t) => t.id))];
      const byId = new Map(targets.map((t) => [t.id, t]));
      const mine: string[] = [];
      await underFolderLock(async () => {
        const held: Array<{ target: LockTarget; owner: LockOwner | null }> = [];
        const toCreate: string[] = [];
        for (const id of ids) {
          const current = await readOwner(fileOf(id));
          if (current === null) toCreate.push(id);
          else if (current === 'torn' || stale(current)) {
            await fs.promises.rm(fileOf(id), { force: true }); // a dead holder's: take it over
            toCreate.push(id);
          } else if (current.runId === runId && current.pid === pid) {
            mine.push(id); // already ours (this process)
          } else held.push({ target: byId.get(id)!, owner: current });
        }
        if (held.length > 0) throw new LockBusyError(held);
        try {
          for (const id of toCreate) {
            await create(fileOf(id), owner);
            mine.push(id);
          }
        } catch (err) {
          for (const id of mine) await fs.promises.rm(fileOf(id), { force: true });
          throw err;
        }
        await syncDir(dir);
      });
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await underFolderLock(async () => {
            for (const id of mine) {
              const current = await readOwner(fileOf(id));
              // Taken over meanwhile (we were thought dead): not ours to remove.
              if (current && current !== 'torn' && current.runId === runId && current.pid === pid) await fs.promises.rm(fileOf(id), { force: true });
            }
            await syncDir(dir);
          });
        },
      };
    },
    async holders() {
      const out = new Map<string, LockOwner>();
      let names: string[];
      try {
        names = await fs.promises.readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
        throw err;
      }
      for (const n of names.filter((x) => x.endsWith('.json'))) {
        const o = await readOwner(path.join(dir, n));
        if (o && o !== 'torn' && !stale(o)) out.set(n.slice(0, -'.json'.length), o);
      }
      return out;
    },
  };
}
