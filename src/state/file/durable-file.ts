import fs from 'node:fs';
import path from 'node:path';

// Crash-safe file helpers shared by the audit log, the ledger, the placement lock and the journals.

/**
 * Every file the file backend creates: never readable by others than the owner and the group (the ledger
 * and the inspect records hold addresses and environments); in a group-shared folder the umask leaves the
 * group's bits, so another operator of the group can read it and rename over it (issue 11, item 5).
 */
export const FILE_MODE = 0o660;
/** Every folder the file backend creates (see FILE_MODE). */
export const DIR_MODE = 0o770;

/** Puts a folder's entries on disk: a new or renamed file is only durable once its folder is synced. */
export async function syncDir(dir: string): Promise<void> {
  const dh = await fs.promises.open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** Writes `text` to `file` so that a crash at any point leaves the old or the new content. */
export async function writeFileDurably(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  const fh = await fs.promises.open(tmp, 'wx', FILE_MODE);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
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

export const mkdirp: EnsureDir = async (dir) => {
  await fs.promises.mkdir(dir, { recursive: true, mode: DIR_MODE });
};
