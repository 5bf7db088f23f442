import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { DockpitError } from '../../engine/errors.js';
import { pidAlive } from '../owner-alive.js';
import { checkRunId } from '../run-id.js';
import { LockBusyError, StateError, type ContainerLock, type LockOwner, type LockTarget } from '../types.js';
import { lockFs, mkdirp, openForWrite, readdirIfExists, syncDir, writeRefused, type EnsureDir } from './durable-file.js';

// Issue 5, item 6: one plan per container at a time. Before a run touches anything, every container it
// will touch is locked; a container another live run holds refuses the whole run, naming who and since when.
//
// The file backend's ContainerLock (issue 11): one file per container id in `<stateDir>/locks/`, created
// with O_EXCL, holding its owner. A set is taken all or nothing under a short proper-lockfile lock of the
// folder, so two runs racing for overlapping sets never each get half. A lock whose pid is dead on this
// jump host is stale (dockpit was killed) and is taken over; that is how `resume` gets its killed run's
// containers back. A file lock of a live pid is never taken over, so a hold is never lost.
//
// Taking the set also claims the run (`<runId>.claim` beside the locks, the same owner): while a live
// process holds the claim, no other may append to the run's journal (see claimGuard).

/** How long to wait for another process taking or checking its set (they hold the folder briefly). */
const FOLDER_RETRIES = { retries: 200, factor: 1.3, minTimeout: 5, maxTimeout: 100, randomize: true };
const FOLDER_STALE_MS = 10_000;

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
  ensureDir?: EnsureDir;
}

const LOCKS_DIR = 'locks';
const claimOf = (dir: string, runId: string) => path.join(dir, `${checkRunId(runId)}.claim`);
/**
 * The claims this process holds now. A live process's file lock is never taken over, so while a claim is
 * here no other process can hold it: its journal appends need not read the claim file again.
 */
const heldHere = new Set<string>();

/** Who may act for whom: a holder on this jump host whose pid is gone is stale. */
function liveness(opts: FileLockOptions) {
  const hostname = opts.hostname ?? os.hostname();
  const pid = opts.pid ?? process.pid;
  const isAlive = opts.isAlive ?? pidAlive;
  return { hostname, pid, stale: (o: LockOwner) => o.host === hostname && !isAlive(o.pid), mine: (o: LockOwner) => o.pid === pid && o.host === hostname };
}

/**
 * Refuses (StateError) an append to a run's journal while another live process holds the run's claim: a
 * stale executor never appends after its run was taken over. No claim, or a dead holder's: allowed.
 */
export function claimGuard(stateDir: string, opts: FileLockOptions = {}): (runId: string) => Promise<void> {
  const dir = path.join(stateDir, LOCKS_DIR);
  const { stale, mine } = liveness(opts);
  return async (runId) => {
    const claim = claimOf(dir, runId);
    if (heldHere.has(claim)) return;
    const o = await readOwner(claim);
    if (o === null || o === 'torn' || mine(o) || stale(o)) return;
    throw new StateError(`run ${runId} is claimed by ${o.operator} on ${o.host} (pid ${o.pid}) since ${o.since}: this dockpit may not write its journal; nothing written`);
  };
}

export function fileContainerLock(stateDir: string, opts: FileLockOptions = {}): ContainerLock & { readonly dir: string } {
  const dir = path.join(stateDir, LOCKS_DIR);
  const now = opts.now ?? (() => new Date());
  const ensureDir = opts.ensureDir ?? mkdirp;
  const { hostname, pid, stale } = liveness(opts);
  const fileOf = (id: string) => {
    if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new DockpitError('PARSE', `container id ${JSON.stringify(id)}: not a file name`);
    return path.join(dir, `${id}.json`);
  };
  const ours = (o: LockOwner | null | 'torn', runId: string) => o !== null && o !== 'torn' && o.runId === runId && o.pid === pid;

  /** Runs `fn` holding the folder's lock: every writer of a lock file does so, so a torn file is a dead writer's. */
  const underFolderLock = async <T>(fn: () => Promise<T>): Promise<T> => {
    await ensureDir(dir);
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(dir, { fs: lockFs, stale: FOLDER_STALE_MS, retries: FOLDER_RETRIES, lockfilePath: path.join(dir, '.folder.lock') });
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
    const fh = await openForWrite(file, 'wx', false); // O_EXCL: exactly one creator
    try {
      await fh.writeFile(JSON.stringify(owner));
      await fh.sync();
    } catch (err) {
      throw writeRefused(err, file);
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
      const claim = claimOf(dir, runId);
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
          } else if (ours(current, runId)) {
            mine.push(id); // already ours (this process)
          } else held.push({ target: byId.get(id)!, owner: current });
        }
        // The run itself, when another live process is running it (a second resume of it).
        const claimed = await readOwner(claim);
        if (claimed !== null && claimed !== 'torn' && !stale(claimed) && !ours(claimed, runId)) held.push({ target: { id: runId, label: `run ${runId}` }, owner: claimed });
        if (held.length > 0) throw new LockBusyError(held);
        try {
          for (const id of toCreate) {
            await create(fileOf(id), owner);
            mine.push(id);
          }
          // Over none, a dead holder's or ours. Not fsynced: after a crash its holder is dead, so is the claim.
          const ch = await openForWrite(claim, 'w', fs.existsSync(claim));
          try {
            await ch.writeFile(JSON.stringify(owner));
          } finally {
            await ch.close();
          }
        } catch (err) {
          for (const file of [...mine.map(fileOf), claim]) await fs.promises.rm(file, { force: true });
          throw err;
        }
        await syncDir(dir);
      });
      if (pid === process.pid) heldHere.add(claim);
      let released = false;
      return {
        lost: null,
        async release() {
          if (released) return;
          released = true;
          heldHere.delete(claim);
          await underFolderLock(async () => {
            for (const file of [...mine.map(fileOf), claim]) {
              // Taken over meanwhile (we were thought dead): not ours to remove.
              if (ours(await readOwner(file), runId)) await fs.promises.rm(file, { force: true });
            }
            await syncDir(dir);
          });
        },
      };
    },
    async holders() {
      const out = new Map<string, LockOwner>();
      for (const n of (await readdirIfExists(dir)).filter((x) => x.endsWith('.json'))) {
        const o = await readOwner(path.join(dir, n));
        if (o && o !== 'torn' && !stale(o)) out.set(n.slice(0, -'.json'.length), o);
      }
      return out;
    },
  };
}
