import fs from 'node:fs';
import path from 'node:path';
import { StateError } from '../types.js';

// Crash-safe file helpers shared by the audit log, the ledger, the placement lock and the journals.

// Issue 17, item 3: the records hold every container's environment, passwords included, and the ledger
// every address. A private state folder is 0700 and what it holds 0600; a group-shared one (setgid, made by
// `dockpit state init`: issue 11, item 5) is 2770 and its files 0660, so another operator of the group can
// read them, rename over them and take over stale locks. Never the world's. The modes are set explicitly
// (fchmod/chmod after the create), whatever the umask of the process.

/** The setgid bit: a folder with it is group-shared, and the folders created in it get its group. */
export const SETGID = 0o2000;
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;
export const SHARED_FILE_MODE = 0o660;
/** The shared folder's mode: the group may do everything, others nothing; subfolders inherit the group. */
export const SHARED_DIR_MODE = 0o2770;
/** The mode passed to open/mkdir (the umask only takes bits away; the exact mode is set right after). */
export const FILE_MODE = SHARED_FILE_MODE;
export const DIR_MODE = 0o770;

/** The modes of what is created in a folder whose mode is `folderMode`. */
export function modesUnder(folderMode: number): { file: number; dir: number } {
  return folderMode & SETGID ? { file: SHARED_FILE_MODE, dir: SHARED_DIR_MODE } : { file: PRIVATE_FILE_MODE, dir: PRIVATE_DIR_MODE };
}

/** The mode a new file in `dir` gets (see modesUnder). */
export async function fileModeIn(dir: string): Promise<number> {
  return modesUnder((await fs.promises.stat(dir)).mode).file;
}

/**
 * Opens `file` with `flags`; when the file was created by this call (`existed` false), sets its mode for
 * the folder it is in. A file that was there is left as it is: an older dockpit's file is the operator's to
 * fix (the start refuses an open state folder and says how), never silently changed.
 */
export async function openForWrite(file: string, flags: string, existed: boolean): Promise<fs.promises.FileHandle> {
  const fh = await fs.promises.open(file, flags, FILE_MODE);
  if (!existed) {
    try {
      const st = await fh.stat();
      const mode = await fileModeIn(path.dirname(file));
      // Another dockpit may have made it between our check and the open: then it is theirs (and right).
      if (st.uid === process.getuid?.() && (st.mode & 0o7777) !== mode) await fh.chmod(mode);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }
  return fh;
}

/**
 * Makes `dir` and its missing parents, each with the mode its parent calls for (modesUnder): 0700, or 2770
 * in a group-shared folder. Folders that exist are left as they are.
 */
export async function makeDirs(dir: string): Promise<void> {
  const first = await fs.promises.mkdir(dir, { recursive: true, mode: DIR_MODE });
  if (first === undefined) return;
  const { dir: mode } = modesUnder((await fs.promises.stat(path.dirname(first))).mode);
  const rel = path.relative(first, dir);
  let p = first;
  await fs.promises.chmod(p, mode);
  for (const part of rel === '' ? [] : rel.split(path.sep)) {
    p = path.join(p, part);
    await fs.promises.chmod(p, mode);
  }
}

/** Puts a folder's entries on disk: a new or renamed file is only durable once its folder is synced. */
export async function syncDir(dir: string): Promise<void> {
  const dh = await fs.promises.open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

const REFUSALS: Record<string, string> = {
  ENOSPC: 'no space left on its device',
  EDQUOT: 'over its disk quota',
  EROFS: 'its file system is read-only',
};

/**
 * A write the device refused (full, over quota, read-only) as a StateError naming the file: Node's errors
 * from a file handle carry no path, and "unexpected error: ENOSPC: … write" left the operator to guess which
 * disk (chaos F13). Any other error is returned as it is.
 */
export function writeRefused(err: unknown, file: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const why = code === undefined ? undefined : REFUSALS[code];
  return why === undefined ? err : new StateError(`state ${file}: cannot write: ${why} (${code}); make room there, then run the command again`);
}

/** Writes `text` to `file` so that a crash at any point leaves the old or the new content. */
export async function writeFileDurably(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  const fh = await openForWrite(tmp, 'wx', false);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } catch (err) {
    // A full disk (ENOSPC, chaos F13) fails the write: the empty temporary file must not stay behind.
    await fh.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw writeRefused(err, file);
  }
  await fh.close();
  try {
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  // The rename is only durable once the folder's entry is on disk.
  await syncDir(dir);
}

/** A file's text, or null when it does not exist (any other error is thrown). */
export async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** A folder's entries, or [] when it does not exist (any other error is thrown). */
export async function readdirIfExists(dir: string): Promise<string[]> {
  try {
    return await fs.promises.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** How the backend makes the folder a write goes to: the state folder's rules (state-folder.ts), or plain mkdir. */
export type EnsureDir = (dir: string) => Promise<void>;

export const mkdirp: EnsureDir = makeDirs;

/**
 * The `fs` proper-lockfile uses for the lock folders it makes (`FILE.lock`): theirs are 0700 whatever the
 * umask (issue 17, item 3), empty, and removed on release; another operator of a shared folder can still
 * take a stale one over (removing an empty folder needs only the parent's permission).
 */
export const lockFs: typeof fs = {
  ...fs,
  mkdir: ((p: fs.PathLike, cb: (err: NodeJS.ErrnoException | null) => void) => fs.mkdir(p, { mode: PRIVATE_DIR_MODE }, (err) => cb(err))) as typeof fs.mkdir,
  // proper-lockfile stamps a lock's mtime with this process's clock and judges another's stale against it:
  // a dockpit whose clock is minutes off (chaos F12) took a live lock over as stale, or had its own taken
  // (two runs then reserved one address). Lock times are kept in the file system's clock on disk and shown
  // to proper-lockfile in this process's clock, so that every process judges a lock's age alike.
  stat: ((p: fs.PathLike, cb: (err: NodeJS.ErrnoException | null, st?: fs.Stats) => void) =>
    fs.stat(p, (err, st) => {
      const off = err ? 0 : clockOffsetMs(path.dirname(String(p)));
      if (err || off === 0) return cb(err, st);
      const shifted = Object.assign(Object.create(Object.getPrototypeOf(st) as object) as fs.Stats, st);
      shifted.mtime = new Date(st.mtime.getTime() + off);
      shifted.mtimeMs = shifted.mtime.getTime();
      cb(null, shifted);
    })) as typeof fs.stat,
  utimes: ((p: fs.PathLike, atime: Date, mtime: Date, cb: (err: NodeJS.ErrnoException | null) => void) => {
    const off = clockOffsetMs(path.dirname(String(p)));
    fs.utimes(p, new Date(atime.getTime() - off), new Date(mtime.getTime() - off), cb);
  }) as typeof fs.utimes,
};

let offsetMs: number | null = null;

/**
 * This process's clock minus the file system's (what it stamps a new file with), measured once with a file
 * made in `dir`; 0 unless over a second (a stamp is a few ms coarse), or when it cannot be measured.
 */
function clockOffsetMs(dir: string): number {
  if (offsetMs !== null) return offsetMs;
  const probe = path.join(dir, `.clock.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  try {
    const before = Date.now();
    fs.writeFileSync(probe, '', { mode: 0o600 });
    const after = Date.now();
    const off = Math.round((before + after) / 2 - fs.statSync(probe).mtimeMs);
    offsetMs = Math.abs(off) > 1000 ? off : 0;
  } catch {
    return 0; // a full disk (F13) or a read-only folder: judged by this clock, as before; measured next time
  } finally {
    fs.rmSync(probe, { force: true });
  }
  return offsetMs;
}
