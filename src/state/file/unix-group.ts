import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';

// The Unix group that shares a state folder (issue 11, item 5): looked up through NSS (`getent`, which
// knows LDAP and sssd groups too), else /etc/group; created with groupadd.

const run = promisify(execFile);

/** A group's entry: `name:x:gid:members`. */
function parseEntry(line: string): { name: string; gid: number } | null {
  const [name, , gid] = line.split(':');
  return name && gid && /^\d+$/.test(gid) ? { name, gid: Number(gid) } : null;
}

async function lookup(key: string): Promise<{ name: string; gid: number } | null> {
  try {
    const { stdout } = await run('getent', ['group', key]);
    return parseEntry(stdout.trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return null; // getent: 2 = no such group
  }
  const lines = fs.readFileSync('/etc/group', 'utf8').split('\n');
  return lines.map(parseEntry).find((e) => e !== null && (e.name === key || String(e.gid) === key)) ?? null;
}

export async function groupId(name: string): Promise<number | null> {
  return (await lookup(name))?.gid ?? null;
}

/** The group's name, or `gid N` when it has none. */
export async function groupName(gid: number): Promise<string> {
  return (await lookup(String(gid)))?.name ?? `gid ${gid}`;
}

/** Creates a group (root only); resolves to its gid. */
export async function addGroup(name: string): Promise<number> {
  await run('groupadd', [name]);
  const gid = await groupId(name);
  if (gid === null) throw new Error(`groupadd ${name} succeeded but the group cannot be found`);
  return gid;
}
