import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDirs, writeFileDurably } from '../../src/state/file/durable-file.js';
import { SHARED_DIR_MODE, unsafeState, unsafeStateFolder } from '../../src/state/file/state-folder.js';

// Issue 17, item 3: a private state is 0700/0600 whatever the umask, a group-shared one 2770/0660, and a
// state folder open to others is refused with its path, its mode and the fix.

let dir: string;
let umask: number;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-modes-'));
  umask = process.umask(0);
});
afterEach(() => {
  process.umask(umask);
  fs.rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string) => fs.statSync(p).mode & 0o7777;

describe('state modes', () => {
  it('umask 000: folders made 0700 and files 0600; under a setgid folder 2770 and 0660', async () => {
    const priv = path.join(dir, 'state', 'records', 'h1');
    await makeDirs(priv);
    await writeFileDurably(path.join(priv, 'web.json'), '{}');
    expect([mode(path.join(dir, 'state')), mode(priv), mode(path.join(priv, 'web.json'))]).toEqual([0o700, 0o700, 0o600]);

    const shared = path.join(dir, 'shared');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, SHARED_DIR_MODE);
    await makeDirs(path.join(shared, 'runs'));
    await writeFileDurably(path.join(shared, 'runs', 'r.jsonl'), '');
    expect([mode(path.join(shared, 'runs')), mode(path.join(shared, 'runs', 'r.jsonl'))]).toEqual([SHARED_DIR_MODE, 0o660]);
  });

  it('a folder open to others is refused with the fix; a private, a shared or a missing one is not; etcd is not checked', () => {
    const state = path.join(dir, 'state');
    expect(unsafeStateFolder(state)).toBeNull(); // missing: dockpit makes it 0700
    fs.mkdirSync(state, { mode: 0o755 });
    expect(unsafeStateFolder(state)).toBe(
      `state folder ${state} is open to other users (mode 0755): its records hold the containers' environments, passwords included; ` +
        `run \`chmod 700 ${state}\` (or \`sudo dockpit state init --group G\` to share it with a Unix group)`,
    );
    fs.chmodSync(state, 0o701); // enter only: still names the mode
    expect(unsafeStateFolder(state)).toContain('(mode 0701)');
    fs.chmodSync(state, 0o2775);
    expect(unsafeStateFolder(state)).toContain('`chmod 2770 ');
    fs.chmodSync(state, 0o700);
    expect(unsafeStateFolder(state)).toBeNull();
    fs.chmodSync(state, SHARED_DIR_MODE);
    expect(unsafeStateFolder(state)).toBeNull();
    fs.chmodSync(state, 0o755);
    expect(unsafeState({ stateDir: state })).not.toBeNull();
    expect(unsafeState({ stateDir: state, state: { kind: 'etcd' } as never })).toBeNull();
  });
});
