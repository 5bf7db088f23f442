import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, nextLink, sha256, verifyChain } from '../../src/state/audit-chain.js';
import { AUDIT_FILE, AUDIT_START_FILE, fileAuditLog } from '../../src/state/file/audit-log.js';

// Issue 17, item 4: each audit entry links to the one before (sha256 of its stored text); verify names
// the first changed, removed or reordered entry.

const OPS = { user: 'alice', from: 'jump-1' };

/** A chained log of n entries as stored texts, one second apart. */
function chain(n: number, from: string | null = null): string[] {
  const out: string[] = [];
  let last = from;
  for (let i = 0; i < n; i++) {
    const at = new Date(Date.UTC(2026, 2, 1, 10, 0, i)).toISOString();
    const text = JSON.stringify({ at, user: 'alice', from: 'jump-1', action: `a${i + 1}`, targets: [], details: {}, outcome: 'ok', ...nextLink(last) });
    out.push(text);
    last = text;
  }
  return out;
}

describe('verifyChain', () => {
  it('a clean log is intact; an empty one too', () => {
    expect(verifyChain(chain(5))).toMatchObject({ ok: true, entries: 5, chained: 5, startsAt: { line: 1, seq: 1 }, unlinkedBefore: 0, break: null });
    expect(verifyChain([])).toMatchObject({ ok: true, entries: 0, chained: 0, startsAt: null, break: null });
    expect(JSON.parse(chain(1)[0]!).prev).toBe(GENESIS_HASH);
  });

  it('an edited entry: the next one no longer links to it (its line, seq and time named)', () => {
    const log = chain(5);
    log[2] = log[2]!.replace('"outcome":"ok"', '"outcome":"failed"');
    expect(verifyChain(log).break).toEqual({
      kind: 'changed',
      line: 3,
      seq: 3,
      at: '2026-03-01T10:00:02.000Z',
      message: 'line 3 (seq 3, 2026-03-01T10:00:02.000Z) was changed: line 4 (seq 4, 2026-03-01T10:00:03.000Z) does not link to it',
    });
  });

  it('a deleted entry: a gap in seq, named', () => {
    const log = chain(5);
    log.splice(1, 1);
    expect(verifyChain(log).break).toMatchObject({ kind: 'removed', line: 2, seq: 3, message: expect.stringContaining('the entry seq 2 was removed between line 1 (seq 1') });
    const two = chain(6);
    two.splice(2, 2);
    expect(verifyChain(two).break).toMatchObject({ kind: 'removed', message: expect.stringContaining('the entries seq 3–4 were removed') });
  });

  it('two swapped entries, adjacent or not: reordered, naming both', () => {
    const log = chain(5);
    [log[1], log[2]] = [log[2]!, log[1]!];
    expect(verifyChain(log).break).toMatchObject({ kind: 'reordered', line: 2, seq: 3, message: 'line 2 (seq 3, 2026-03-01T10:00:02.000Z) comes before line 3 (seq 2, 2026-03-01T10:00:01.000Z): entries were reordered' });
    const far = chain(6);
    [far[0], far[4]] = [far[4]!, far[0]!];
    expect(verifyChain(far).break).toMatchObject({ kind: 'removed', line: 1, seq: 5 }); // the log's first entry does not start it
    const late = chain(6);
    [late[2], late[5]] = [late[5]!, late[2]!];
    expect(verifyChain(late).break).toMatchObject({ kind: 'reordered', line: 3, seq: 6 });
  });

  it('the first entries removed: the chain does not start at the genesis', () => {
    expect(verifyChain(chain(5).slice(2)).break).toMatchObject({ kind: 'removed', line: 1, seq: 3, message: expect.stringContaining('entries before line 1 (seq 3') });
  });

  it('a line added by hand, or not JSON, is a break', () => {
    const log = chain(3);
    log.splice(1, 0, JSON.stringify({ at: 'x', action: 'forged', targets: [], outcome: 'ok' }));
    expect(verifyChain(log).break).toMatchObject({ kind: 'unlinked', line: 2 });
    const torn = chain(3);
    torn[1] = torn[1]!.slice(0, 20);
    expect(verifyChain(torn).break).toMatchObject({ kind: 'unreadable', line: 2 });
  });

  it('an older dockpit\'s unlinked entries first: the chain starts at the first linked one, and verify says so', () => {
    const old = [JSON.stringify({ at: 'a', action: 'old1', targets: [], outcome: 'ok' }), JSON.stringify({ at: 'b', action: 'old2', targets: [], outcome: 'ok' })];
    const log = [...old, ...chain(3, old[1]!)];
    expect(verifyChain(log)).toMatchObject({ ok: true, unlinkedBefore: 2, startsAt: { line: 3, seq: 1 }, chained: 3 });
    const edited = [...log];
    edited[1] = edited[1]!.replace('old2', 'old3'); // the last unlinked entry is vouched for by the first linked one
    expect(verifyChain(edited).break).toMatchObject({ kind: 'changed', line: 2 });
  });
});

describe('the file audit log chain', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-chain-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('appends link to the last line; prune keeps a prefix out and notes where the chain starts', async () => {
    let t = Date.UTC(2026, 0, 1);
    const log = fileAuditLog(dir, OPS, () => new Date((t += 86_400_000)));
    for (let i = 0; i < 6; i++) await log.append({ action: `a${i}`, targets: [], details: {}, outcome: 'ok' });
    expect(await log.verify()).toMatchObject({ ok: true, chained: 6 });
    expect(await log.prune(new Date(Date.UTC(2026, 0, 4, 12)))).toBe(3);
    const after = await log.verify();
    expect(after).toMatchObject({ ok: true, chained: 3, startsAt: { line: 1, seq: 4 }, pruned: { removed: 3, prunedBy: 'alice@jump-1' } });
    // Deleting the first kept entry by hand is not a prune.
    const lines = fs.readFileSync(path.join(dir, AUDIT_FILE), 'utf8').split('\n').filter(Boolean);
    fs.writeFileSync(path.join(dir, AUDIT_FILE), lines.slice(1).map((l) => `${l}\n`).join(''));
    expect((await log.verify()).break).toMatchObject({ kind: 'removed', line: 1, seq: 5 });
    // Everything pruned: the next entry continues the chain from the start file.
    fs.writeFileSync(path.join(dir, AUDIT_FILE), lines.map((l) => `${l}\n`).join(''));
    expect(await log.prune(new Date(Date.UTC(2027, 0, 1)))).toBe(3);
    expect(JSON.parse(fs.readFileSync(path.join(dir, AUDIT_START_FILE), 'utf8'))).toMatchObject({ seq: 7, prev: sha256(lines[2]!) });
    await log.append({ action: 'after', targets: [], details: {}, outcome: 'ok' });
    expect(await log.verify()).toMatchObject({ ok: true, startsAt: { line: 1, seq: 7 }, pruned: { removed: 3 } });
  });

  it('a torn last line (a crash mid-write) does not swallow the next entry', async () => {
    const log = fileAuditLog(dir, OPS);
    await log.append({ action: 'a', targets: [], details: {}, outcome: 'ok' });
    fs.appendFileSync(path.join(dir, AUDIT_FILE), '{"at":"2026');
    await log.append({ action: 'b', targets: [], details: {}, outcome: 'ok' });
    const lines = fs.readFileSync(path.join(dir, AUDIT_FILE), 'utf8').split('\n');
    expect(JSON.parse(lines[2]!)).toMatchObject({ action: 'b' });
    expect((await log.verify()).break).toMatchObject({ kind: 'unreadable', line: 2 });
  });

  it('files are 0600 in a private folder whatever the umask, and env secrets are masked in entries', async () => {
    const old = process.umask(0);
    try {
      const state = path.join(dir, 'state');
      const log = fileAuditLog(state, OPS);
      const e = await log.append({ action: 'container.run', targets: ['h1/db'], details: { env: ['DB_PASSWORD=hunter2', 'MODE=x'], body: { Env: ['API_TOKEN=t0k'] } }, outcome: 'ok' });
      expect(e.details).toEqual({ env: ['DB_PASSWORD=••••••', 'MODE=x'], body: { Env: ['API_TOKEN=••••••'] } });
      const text = fs.readFileSync(path.join(state, AUDIT_FILE), 'utf8');
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('t0k');
      expect(fs.statSync(path.join(state, AUDIT_FILE)).mode & 0o7777).toBe(0o600);
      expect(fs.statSync(state).mode & 0o7777).toBe(0o700);
    } finally {
      process.umask(old);
    }
  });
});
