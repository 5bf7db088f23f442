import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { docker, FLEET_DIR, FLEET_SCRIPT } from '../support/fleet.js';

const run = promisify(execFile);

// The faults of F9, F10, F12 and F13 that are not an engine's: the fleet's registry stopped, a Dead container
// made at will, dockpit's clock shifted (libfaketime), a small state disk. Each has its undo, for a finally.

/** fleet.sh registry-stop / registry-start (asynchronous: fleetCommand blocks the event loop). */
export async function registry(cmd: 'registry-stop' | 'registry-start'): Promise<void> {
  await run('bash', [FLEET_SCRIPT, cmd], { env: process.env });
}

/** A file of a container's folder in its engine's data root (fleet.sh: `--data-root $DIR/hN/data`). */
const containerFile = (host: string, id: string, file: string): string => path.join(FLEET_DIR, host, 'data', 'containers', id, file);

/**
 * A Dead container holding `name` on `host` (engine-facts.md: a name can be held by one). Measured on the
 * 20.10 engines: with a file of the container's folder immutable (`chattr +i`), `rm -f` stops it, fails at
 * "unable to remove filesystem … operation not permitted" and the engine marks it Dead (inspect: `dead`),
 * keeping its name: a create of that name then answers 409. Returns its id; undo with removeDead.
 */
export async function makeDead(host: string, name: string, image: string, extra: string[] = []): Promise<string> {
  const id = await docker(host, 'run', '-d', '--stop-timeout', '1', '--name', name, ...extra, image, 'sleep', '86400');
  await run('chattr', ['+i', containerFile(host, id, 'hostname')]);
  await docker(host, 'rm', '-f', id).catch(() => ''); // fails, as it must
  const status = await docker(host, 'inspect', '-f', '{{.State.Status}}', id);
  if (status !== 'dead') throw new Error(`makeDead: ${host}/${name} is ${status} after the failed removal, not dead`);
  return id;
}

/** Lets the engine finish removing a Dead container of makeDead. */
export async function removeDead(host: string, id: string): Promise<void> {
  await run('chattr', ['-i', containerFile(host, id, 'hostname')]).catch(() => undefined);
  await docker(host, 'rm', '-f', id).catch(() => '');
}

/** Debian's libfaketime (package faketime), preloaded into a dockpit process. */
export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/**
 * The env that runs a dockpit with its wall clock `minutes` off. Only the wall clock: Node's timers run on
 * the monotonic clock, which stays real (a faked one would stretch every timeout).
 */
export function skewedClock(minutes: number): NodeJS.ProcessEnv {
  if (!fs.existsSync(LIBFAKETIME)) throw new Error(`${LIBFAKETIME} missing: apt-get install faketime (.ci/run installs it)`);
  return { LD_PRELOAD: LIBFAKETIME, FAKETIME: `${minutes >= 0 ? '+' : ''}${minutes}m`, FAKETIME_DONT_FAKE_MONOTONIC: '1', FAKETIME_NO_CACHE: '1' };
}

/** The env of a process with the real clock (overrides a skewedClock env inherited from process.env). */
export const realClock: NodeJS.ProcessEnv = { LD_PRELOAD: '', FAKETIME: '' };

/** A tmpfs of `kib` KiB mounted at `dir` (mode 0700, as dockpit wants its state folder); undo with unmount. */
export async function mountSmall(dir: string, kib: number): Promise<void> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  await run('mount', ['-t', 'tmpfs', '-o', `size=${kib}k,mode=0700`, 'dpf-chaos-state', dir]);
}

export async function unmount(dir: string): Promise<void> {
  await run('umount', [dir]).catch(() => run('umount', ['-l', dir]).catch(() => undefined));
}

/** Fills the file system of `dir` to its last block with a filler file; returns the filler's path. */
export function fill(dir: string): string {
  const filler = path.join(dir, '.filler');
  const st = fs.statfsSync(dir);
  const fd = fs.openSync(filler, 'a', 0o600);
  try {
    const chunk = Buffer.alloc(st.bsize);
    // Block by block to the end: a single write of the free size can leave a partial block free.
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}
