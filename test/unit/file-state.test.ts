import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationJournal } from '../../src/migrate/journal.js';
import { planJournal } from '../../src/plans/journal.js';
import { fileContainerLock } from '../../src/state/file/container-lock.js';
import { SHARED_DIR_MODE, stateFolder } from '../../src/state/file/state-folder.js';
import { StateError, type AuditEntry, type InspectRecord, type StateChange, type StateStore } from '../../src/state/types.js';
import { fileStateAt } from '../support/file-state.js';
import { waitFor } from '../support/fleet.js';

// Issue 11: the file backend behind StateStore: watch, prune, import, ready, run claims, the shared folder.

const op = { user: 'ann', from: 'jump-1' };
const DAY = 86_400_000;
const NOW = new Date('2026-12-01T00:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

let dir: string;
let state: StateStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-filestate-'));
  state = fileStateAt(path.join(dir, 'state'), { operator: op, now: () => NOW });
});
afterEach(async () => {
  await state.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const entry = (at: string, action: string): AuditEntry => ({ at, user: 'bob', from: 'jump-2', action, targets: ['h1/x'], details: {}, outcome: 'ok' });

describe('fileState', () => {
  it('is where its folder is, and opening it creates nothing', () => {
    expect(state.kind).toBe('file');
    expect(state.where).toBe(path.join(dir, 'state'));
    expect(fs.existsSync(state.where)).toBe(false);
  });

  it('reads an absent folder as empty: read-only commands work where nothing was written', async () => {
    expect(await state.ledger.list()).toEqual([]);
    expect(await planJournal(state).runs()).toEqual([]);
    expect(await state.records.hosts()).toEqual([]);
    expect(await state.audit.read()).toEqual([]);
    expect((await state.locks.holders()).size).toBe(0);
    expect(await state.import.isEmpty()).toBe(true);
    expect(fs.existsSync(state.where)).toBe(false);
  });

  it('ready() creates the folder; a file in its place is a StateError naming it', async () => {
    await state.ready();
    expect(fs.statSync(state.where).isDirectory()).toBe(true);
    const blocked = fileStateAt(path.join(dir, 'file'));
    fs.writeFileSync(blocked.where, '');
    const err = await blocked.ready().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as StateError).toString()).toMatch(new RegExp(`^STATE: state folder ${blocked.where}: not a folder`));
    // The audit log's ready() is the state's: a change refused before any engine call.
    await expect(blocked.audit.ready()).rejects.toBeInstanceOf(StateError);
  });

  it('audit: read({since}) leaves older entries out', async () => {
    await state.import.audit([entry(ago(3 * DAY), 'a'), entry(ago(DAY), 'b')]);
    await state.audit.append({ action: 'c', targets: [], details: {}, outcome: 'ok' });
    expect((await state.audit.read()).map((e) => e.action)).toEqual(['a', 'b', 'c']);
    expect((await state.audit.read({ since: new Date(NOW.getTime() - 2 * DAY) })).map((e) => e.action)).toEqual(['b', 'c']);
  });

  it('prune: journals of runs that ended before the retention, and audit entries older than it; running runs stay', async () => {
    const runs = planJournal(state);
    const migrations = migrationJournal(state);
    const write = (journal: 'runs' | 'migrations', runId: string, records: Array<{ at: string; kind: string }>) =>
      state.import.journal(journal, runId, records.map((r) => ({ ...r, runId })));
    await write('runs', 'old-done', [{ at: ago(40 * DAY), kind: 'run.start' }, { at: ago(40 * DAY), kind: 'run.end' }]);
    await write('runs', 'old-running', [{ at: ago(40 * DAY), kind: 'run.start' }, { at: ago(40 * DAY), kind: 'intent' }]);
    await write('runs', 'recent-done', [{ at: ago(DAY), kind: 'run.start' }, { at: ago(DAY), kind: 'run.end' }]);
    await write('migrations', 'old-mig', [{ at: ago(40 * DAY), kind: 'mig.start' }, { at: ago(31 * DAY), kind: 'mig.end' }]);
    await write('migrations', 'resumed', [{ at: ago(40 * DAY), kind: 'mig.end' }, { at: ago(40 * DAY), kind: 'mig.resume' }]);
    await state.import.audit([entry(ago(200 * DAY), 'old'), entry(ago(100 * DAY), 'kept-1'), entry(ago(DAY), 'kept-2')]);

    expect(await state.prune({ journalsMs: 30 * DAY, auditMs: 180 * DAY })).toEqual({ journals: 2, auditEntries: 1 });
    expect(await runs.runs()).toEqual(['old-running', 'recent-done']);
    expect(await migrations.runs()).toEqual(['resumed']);
    expect((await state.audit.read()).map((e) => e.action)).toEqual(['kept-1', 'kept-2']);
    expect(await state.prune({ journalsMs: 30 * DAY, auditMs: 180 * DAY })).toEqual({ journals: 0, auditEntries: 0 });
  });

  it('import keeps times and owners: reservations, journals, audit entries (merged by time), records', async () => {
    const r = { name: 'web-1', pool: 'lan', ip: '10.88.1.1', line: 'news', host: 'h1', at: ago(9 * DAY), by: 'bob@jump-2' };
    await state.import.reservations([r]);
    await state.import.journal('runs', 'r1', [{ at: ago(5 * DAY), kind: 'run.start', runId: 'r1' }]);
    await state.audit.append({ action: 'late', targets: [], details: {}, outcome: 'ok' });
    await state.import.audit([entry(ago(2 * DAY), 'early')]);
    const record = { host: 'h1', name: 'web-1', id: 'abc', seenAt: ago(3 * DAY), inspect: { Id: 'abc', Name: '/web-1' } } as unknown as InspectRecord;
    await state.import.record(record);

    expect(await state.ledger.list()).toEqual([r]);
    expect(await planJournal(state).read('r1')).toEqual([{ at: ago(5 * DAY), kind: 'run.start', runId: 'r1' }]);
    expect((await state.audit.read()).map((e) => e.action)).toEqual(['early', 'late']);
    expect(await state.records.load('h1', 'web-1')).toEqual(record);
    expect(await state.records.hosts()).toEqual(['h1']);
    expect(await state.import.isEmpty()).toBe(false);
  });

  it('a run claimed by another live process refuses appends to its journal; its own, or a dead one’s, do not', async () => {
    const journal = planJournal(state);
    await journal.append({ kind: 'run.start', runId: 'r1', plan: 'p', operator: op, actions: [] });
    const other = await fileContainerLock(state.where, { pid: process.ppid }).acquire('r1', 'bob@jump-1', [{ id: 'c1', label: 'h1/c1' }]);
    const refused = await journal.append({ kind: 'run.end', runId: 'r1', status: 'done' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StateError);
    expect((refused as Error).message).toMatch(/^run r1 is claimed by bob@jump-1 on \S+ \(pid \d+\) since .*; nothing written$/);
    expect(await journal.read('r1')).toHaveLength(1);
    await other.release();
    // A dead holder's claim is taken over with its locks; then the run is this process's.
    await fileContainerLock(state.where, { pid: 999_999_9, isAlive: () => false }).acquire('r1', 'dead@jump-1', [{ id: 'c1', label: 'h1/c1' }]);
    const mine = await state.locks.acquire('r1', 'ann@jump-1', [{ id: 'c1', label: 'h1/c1' }]);
    expect(mine.lost).toBeNull();
    await journal.append({ kind: 'run.end', runId: 'r1', status: 'done' });
    await mine.release();
    expect(fs.readdirSync(path.join(state.where, 'locks')).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it('watch: the ledger, the locks and each journal, also in folders made after it started', async () => {
    const seen: StateChange[] = [];
    const stop = state.watch((c) => seen.push(c));
    // Nothing exists yet: the first write makes the folder (the watch picks it up on its retry).
    await state.ready();
    await waitFor(async () => {
      await state.ledger.update((cur) => ({ next: cur.length > 0 ? [...cur] : [{ name: 'a', pool: 'lan', ip: '10.88.1.1', line: null, host: null, at: NOW.toISOString(), by: 'x' }], result: undefined }));
      return seen.some((c) => c.kind === 'ledger');
    }, 5000);
    await planJournal(state).append({ kind: 'run.start', runId: 'r7', plan: 'p', operator: op, actions: [] });
    await waitFor(async () => {
      await planJournal(state).append({ kind: 'run.resume', runId: 'r7', operator: op });
      return seen.some((c) => c.kind === 'journal' && c.journal === 'runs' && c.runId === 'r7');
    }, 5000);
    await waitFor(async () => {
      await (await state.locks.acquire('r8', 'ann@jump-1', [{ id: 'c9', label: 'h1/c9' }])).release();
      return seen.some((c) => c.kind === 'locks');
    }, 5000);
    stop();
    const n = seen.length;
    await state.ledger.update((cur) => ({ next: [...cur], result: undefined }));
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.length).toBe(n);
  });
});

describe('the state folder (issue 11, item 5)', () => {
  let umask: number;
  beforeEach(() => {
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
  });

  it('the system-wide folder missing: not root, a StateError saying what to run; root, made 2770', async () => {
    const sys = path.join(dir, 'var-lib-dockpit');
    const err = await stateFolder(sys, { systemWide: true, root: false }).ready().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toContain('sudo dockpit state init --group dockpit');
    expect((err as Error).message).toContain('`state:`');
    expect(fs.existsSync(sys)).toBe(false);
    await stateFolder(sys, { systemWide: true, root: true }).ready();
    expect(fs.statSync(sys).mode & 0o7777).toBe(SHARED_DIR_MODE);
  });

  it('in a group-shared (setgid) folder, files are 0660 and folders 2770; elsewhere never world-readable', async () => {
    const shared = path.join(dir, 'shared');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, SHARED_DIR_MODE);
    const s = fileStateAt(shared, { operator: op });
    await s.ledger.update(() => ({ next: [], result: undefined }));
    await s.audit.append({ action: 'x', targets: [], details: {}, outcome: 'ok' });
    await (await s.locks.acquire('r1', 'ann@jump-1', [{ id: 'c1', label: 'h1/c1' }])).release();
    const mode = (p: string) => fs.statSync(path.join(shared, p)).mode & 0o7777;
    expect([mode('ledger.json'), mode('audit.log')]).toEqual([0o660, 0o660]);
    expect(mode('locks')).toBe(0o2770);

    process.umask(0o022);
    await state.ledger.update(() => ({ next: [], result: undefined }));
    expect(fs.statSync(path.join(state.where, 'ledger.json')).mode & 0o007).toBe(0);
    expect(fs.statSync(state.where).mode & 0o007).toBe(0);
  });
});
