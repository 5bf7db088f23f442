import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, sha256 } from '../../src/state/audit-chain.js';
import { AUDIT_FILE, fileAuditLog } from '../../src/state/file/audit-log.js';
import { currentOperator, operatorLabel } from '../../src/state/operator.js';

// Issue 4: every change dockpit makes is one JSON line in <stateDir>/audit.log.

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-audit-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const OPS = { user: 'alice', from: 'jump-1' };
const readAuditLog = (stateDir: string) => fileAuditLog(stateDir, OPS).read();
const at = (iso: string) => () => new Date(iso);

describe('fileAuditLog', () => {
  it('appends one JSON line per entry, in the documented field order, error only when there is one', async () => {
    const state = path.join(dir, 'state');
    const log = fileAuditLog(state, OPS, at('2026-03-01T10:00:00.000Z'));
    const first = await log.append({ action: 'network.create', targets: ['h1/biz'], details: { pool: 'lan' }, outcome: 'ok' });
    // Issue 17, item 4: the link last, seq 1 to the genesis, seq 2 to the first line's text.
    const line1 = `{"at":"2026-03-01T10:00:00.000Z","user":"alice","from":"jump-1","action":"network.create","targets":["h1/biz"],"details":{"pool":"lan"},"outcome":"ok","seq":1,"prev":"${GENESIS_HASH}"}`;
    expect(first).toEqual({ at: '2026-03-01T10:00:00.000Z', user: 'alice', from: 'jump-1', action: 'network.create', targets: ['h1/biz'], details: { pool: 'lan' }, outcome: 'ok', seq: 1, prev: GENESIS_HASH });
    await log.append({ action: 'container.run', targets: ['h2/web-1'], details: {}, outcome: 'failed', error: 'CONFLICT: address in use' });
    expect(fs.readFileSync(path.join(state, AUDIT_FILE), 'utf8')).toBe(
      `${line1}\n` +
        `{"at":"2026-03-01T10:00:00.000Z","user":"alice","from":"jump-1","action":"container.run","targets":["h2/web-1"],"details":{},"outcome":"failed","error":"CONFLICT: address in use","seq":2,"prev":"${sha256(line1)}"}\n`,
    );
    expect((await readAuditLog(state)).map((e) => e.action)).toEqual(['network.create', 'container.run']);
  });

  it('appends, never rewrites: entries of several writers at once are whole lines', async () => {
    const a = fileAuditLog(dir, OPS);
    const b = fileAuditLog(dir, { user: 'bob', from: 'jump-2' });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append({ action: 'x', targets: [`t${i}`], details: { pad: 'y'.repeat(500) }, outcome: 'ok' })));
    const entries = await readAuditLog(dir);
    expect(entries).toHaveLength(40);
    expect(new Set(entries.map((e) => e.targets[0])).size).toBe(40);
    expect(entries.filter((e) => e.user === 'bob')).toHaveLength(20);
    // Issue 17, item 4: two writers at once, one chain.
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await a.verify()).ok).toBe(true);
  });

  it('ready() fails when the log cannot be written (before any change is made)', async () => {
    const blocked = path.join(dir, 'file');
    fs.writeFileSync(blocked, '');
    // A file where the state folder should be: mkdir says EEXIST.
    await expect(fileAuditLog(blocked, OPS).ready()).rejects.toThrow(`audit log ${path.join(blocked, AUDIT_FILE)}: cannot append (EEXIST); nothing changed`);
    await fileAuditLog(path.join(dir, 'ok'), OPS).ready();
    expect(fs.readFileSync(path.join(dir, 'ok', AUDIT_FILE), 'utf8')).toBe('');
  });

  it('an absent log reads as empty; a damaged line is an error with its line number', async () => {
    expect(await readAuditLog(dir)).toEqual([]);
    fs.writeFileSync(path.join(dir, AUDIT_FILE), '{"action":"x","targets":[],"outcome":"ok"}\nnot json\n');
    await expect(readAuditLog(dir)).rejects.toThrow(/audit\.log:2: /);
  });

  it('the operator is the user behind sudo when there is one, on this jump host', () => {
    expect(currentOperator({ SUDO_USER: 'carol' })).toEqual({ user: 'carol', from: os.hostname() });
    expect(currentOperator({}).user).toBe(os.userInfo().username);
    expect(operatorLabel(OPS)).toBe('alice@jump-1');
  });
});
