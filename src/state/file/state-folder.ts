import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_STATE_DIR, type FleetConfig } from '../../config/types.js';
import { StateError } from '../types.js';
import { DIR_MODE, makeDirs, PRIVATE_DIR_MODE, SETGID, SHARED_DIR_MODE, type EnsureDir } from './durable-file.js';
import { groupName } from './unix-group.js';

// Issue 11, item 5: with no `state:` configured, the operators of one jump host (different Unix users)
// share one ledger and one set of locks in the system-wide folder /var/lib/dockpit, owned root:GROUP, mode
// 2770 (`dockpit state init`). A folder with the setgid bit is group-shared: its files and folders are
// then created group-readable and -writable (umask 007; the setgid bit and the group are inherited by the
// folders created in it), so another member can read them, rename over them and take over stale locks.

export { SHARED_DIR_MODE };

const isRoot = () => process.getuid?.() === 0;

/** Files and folders created from now on are the group's too (FILE_MODE and DIR_MODE, less nothing). */
function shareWithGroup(): void {
  try {
    process.umask(0o007);
  } catch {
    // A worker thread cannot set it (tests); the process that runs commands can.
  }
}

const who = () => {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
};

/** What to run when the system-wide folder is missing (it can only be made by root). */
function missingDefaultMessage(dir: string): string {
  return (
    `state folder ${dir} does not exist, and only root can create it: run \`sudo dockpit state init --group dockpit\` once on this jump host, ` +
    'then add each operator to that group (`sudo usermod -aG dockpit USER`, in effect at their next login); ' +
    'or set `state:` in the config to a folder of your own'
  );
}

export interface StateFolder {
  readonly dir: string;
  /** Makes sure the state folder exists, as the rules above say, and `sub` (a folder in it) too. Throws StateError. */
  ensure: EnsureDir;
  /** The folder exists (or was created) and this user may write in it; otherwise a StateError saying what to do. */
  ready(): Promise<void>;
}

export interface StateFolderOptions {
  /** The system-wide folder (only root makes it); default: `dir` is DEFAULT_STATE_DIR. */
  systemWide?: boolean;
  /** Whether this process is root (tests). */
  root?: boolean;
}

export function stateFolder(dir: string, opts: StateFolderOptions = {}): StateFolder {
  const systemWide = opts.systemWide ?? path.resolve(dir) === DEFAULT_STATE_DIR;
  const root = opts.root ?? isRoot();
  let made: Promise<void> | null = null;

  const unusable = (err: unknown): StateError => {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    if (code === 'EACCES' || code === 'EPERM') {
      return new StateError(`state folder ${dir}: ${who()} may not write there (${code}): ask to be added to its group, or set \`state:\` in the config to a folder of your own`);
    }
    return new StateError(`state folder ${dir}: cannot create it (${code}): make it a writable folder, or set \`state:\` in the config to another one`);
  };

  const make = async (): Promise<void> => {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw unusable(err);
      if (systemWide) {
        if (!root) throw new StateError(missingDefaultMessage(dir));
        // Root on a fresh jump host: the shared folder, group root until `state init` names the operators' group.
        await fs.promises.mkdir(dir, { recursive: true, mode: DIR_MODE });
        await fs.promises.chmod(dir, SHARED_DIR_MODE);
      } else {
        try {
          await makeDirs(dir); // 0700 (issue 17, item 3), whatever the umask
        } catch (e) {
          throw unusable(e);
        }
      }
      st = await fs.promises.stat(dir);
    }
    if (!st.isDirectory()) throw new StateError(`state folder ${dir}: not a folder: move what is there, or set \`state:\` in the config to a folder`);
    if (st.mode & SETGID) shareWithGroup();
  };

  const ensureRoot = (): Promise<void> => {
    made ??= make().catch((err: unknown) => {
      made = null; // tried again at the next write: the operator may fix it meanwhile
      throw err;
    });
    return made;
  };

  return {
    dir,
    async ensure(sub) {
      await ensureRoot();
      // Again each time: cheap, and a folder removed while dockpit runs comes back.
      await makeDirs(sub).catch((err: unknown) => {
        throw unusable(err);
      });
    },
    async ready() {
      await ensureRoot();
      try {
        await fs.promises.access(dir, fs.constants.W_OK | fs.constants.X_OK);
      } catch (err) {
        const st = await fs.promises.stat(dir).catch(() => null);
        if (st && (err as NodeJS.ErrnoException).code === 'EACCES') {
          const group = await groupName(st.gid);
          throw new StateError(
            `state folder ${dir} is not writable by ${who()}: ask for \`sudo usermod -aG ${group} ${who()}\` (in effect at your next login), ` +
              'or set `state:` in the config to a folder of your own',
          );
        }
        throw unusable(err);
      }
    },
  };
}

/** `dockpit state init`: the shared folder, owned root:`group`, mode 2770; what it holds becomes the group's too. */
export async function initSharedFolder(dir: string, gid: number): Promise<{ created: boolean; adjusted: number }> {
  let created = false;
  try {
    await fs.promises.mkdir(dir, { mode: DIR_MODE });
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      await fs.promises.mkdir(dir, { recursive: true, mode: DIR_MODE });
      created = true;
    } else if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = await fs.promises.stat(dir);
  if (!st.isDirectory()) throw new StateError(`state folder ${dir}: not a folder: move what is there first`);
  await fs.promises.chown(dir, 0, gid);
  await fs.promises.chmod(dir, SHARED_DIR_MODE);
  // A folder a dockpit used before (one operator's files): the group's now, still never the world's.
  let adjusted = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.promises.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) continue;
      await fs.promises.lchown(p, -1, gid);
      if (e.isDirectory()) {
        await fs.promises.chmod(p, SHARED_DIR_MODE);
        await walk(p);
      } else {
        const mode = (await fs.promises.stat(p)).mode & 0o777;
        await fs.promises.chmod(p, (mode | 0o660) & ~0o007);
      }
      adjusted++;
    }
  };
  await walk(dir);
  return { created, adjusted };
}

/**
 * Issue 17, item 3: why dockpit may not start on the state folder `dir`, or null when it may. A folder that
 * others may read, write or enter (an older dockpit made it 0755) shows every operator of the jump host the
 * records, passwords included: the message names the folder, its mode and the fix. Nothing is changed here:
 * the files in it may be someone else's. A folder that does not exist yet is fine (dockpit makes it 0700).
 */
export function unsafeStateFolder(dir: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return null; // missing (made private on the first write) or unreadable (the first use says why)
  }
  if (!st.isDirectory() || (st.mode & 0o007) === 0) return null;
  const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
  return (
    `state folder ${dir} is open to other users (mode ${mode}): its records hold the containers' environments, passwords included; ` +
    `run \`chmod ${(st.mode & SETGID ? SHARED_DIR_MODE : PRIVATE_DIR_MODE).toString(8)} ${dir}\` (or \`sudo dockpit state init --group G\` to share it with a Unix group)`
  );
}

/** unsafeStateFolder of a config's state (etcd: null). Light on purpose: the CLI calls it before loading anything else. */
export function unsafeState(config: Pick<FleetConfig, 'state' | 'stateDir'>): string | null {
  const s = config.state;
  if (s && s.kind !== 'file') return null;
  return unsafeStateFolder(s?.dir ?? config.stateDir);
}
