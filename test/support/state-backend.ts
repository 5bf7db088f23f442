import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../src/config/load-config.js';
import type { FleetConfig } from '../../src/config/types.js';
import { JOURNAL_KINDS as MIGRATION_KINDS } from '../../src/migrate/journal.js';
import { JOURNAL_KINDS as RUN_KINDS } from '../../src/plans/journal.js';
import { openState } from '../../src/state/open-state.js';
import type { AuditEntry, InspectRecord, JournalEntry, JournalName, Reservation, StateStore } from '../../src/state/types.js';
import { etcdctl, readFleet, waitFor } from './fleet.js';
import { etcdStateYaml, freshPrefix } from './team.js';

// Issue 11: every earlier test that touches the state runs on both backends. The backend under test comes
// from DOCKPIT_TEST_STATE: `file` (the default) or `etcd`. A test file writes its config's `state:` with
// stateYaml(dir) and reads what dockpit left there through the state layer (testState), as dockpit itself
// would open it; only tests about the file layout look at files.
//
// test/integration/on-etcd/*.etcd.test.ts run a suite again on etcd: they import use-etcd-state.ts first
// (it sets DOCKPIT_TEST_STATE=etcd), then the suite (vitest runs each test file in a process of its own,
// so the setting never leaks into another file), then call checkRanOnEtcd().

export type StateBackend = 'file' | 'etcd';

function chosenBackend(): StateBackend {
  const v = process.env.DOCKPIT_TEST_STATE ?? 'file';
  if (v !== 'file' && v !== 'etcd') throw new Error(`DOCKPIT_TEST_STATE must be "file" or "etcd", got "${v}"`);
  return v;
}

/** The backend this test file's state is on. */
export const backend: StateBackend = chosenBackend();

type Where = { kind: 'file'; dir: string } | { kind: 'etcd'; prefix: string; yaml: string };

/** What stateYaml handed out, by state folder. */
const byDir = new Map<string, Where>();
/** Stores opened by testState, by the config file or folder they were opened for, with the state's id. */
const stores = new Map<string, { store: StateStore; id: string }>();
/** For checkRanOnEtcd: the kind of every store opened, and what each disposed etcd state held. */
const opened: Array<StateStore['kind']> = [];
const disposed: Array<{ prefix: string; keys: string[]; folderMade: boolean }> = [];

/**
 * The `state:` of a test config. File: `state: DIR` (the folder is not made: dockpit makes it on its first
 * write). Etcd: the fleet's etcd as dockpit's user, under a prefix of its own (remembered for `dir`, so that
 * testState(dir) opens the same state; nothing is ever made at `dir`).
 */
export function stateYaml(dir: string, tag = 'state'): string {
  const abs = path.resolve(dir);
  if (backend === 'file') {
    byDir.set(abs, { kind: 'file', dir: abs });
    return `state: ${abs}`;
  }
  const prefix = freshPrefix(tag);
  const yaml = etcdStateYaml(prefix);
  byDir.set(abs, { kind: 'etcd', prefix, yaml });
  return yaml;
}

/** The fleet config's state of a config file or of a folder given to stateYaml (else: a state folder). */
function stateConfigOf(ref: string): Pick<FleetConfig, 'state' | 'stateDir'> {
  const abs = path.resolve(ref);
  const known = byDir.get(abs);
  if (known?.kind === 'etcd') {
    // Parsed as dockpit parses a config's `state:` (a host is needed for a config to be one).
    return parseConfig(`hosts:\n  - { name: h0, url: "unix:///nowhere.sock" }\n${known.yaml}\n`, path.join(abs, 'dockpit.yaml'));
  }
  if (!known && fs.existsSync(abs) && fs.statSync(abs).isFile()) return loadConfigFile(abs);
  if (backend === 'etcd' && !known) throw new Error(`${ref}: not a config file, nor a folder given to stateYaml(): which etcd prefix is it?`);
  return { stateDir: abs };
}

/** One state, whichever ref names it: `file:DIR` or `etcd:PREFIX`. */
const idOf = (w: Where) => (w.kind === 'file' ? `file:${w.dir}` : `etcd:${w.prefix}`);

function whereOf(ref: string): Where {
  const sc = stateConfigOf(ref);
  const s = sc.state;
  if (s?.kind === 'etcd') return { kind: 'etcd', prefix: s.prefix, yaml: '' };
  return { kind: 'file', dir: s?.kind === 'file' ? s.dir : sc.stateDir };
}

/**
 * The state of a config file (or of a folder given to stateYaml), opened exactly as dockpit opens it
 * (loadConfigFile + openState); one store per ref, closed by disposeState.
 */
export function testState(ref: string): StateStore {
  const abs = path.resolve(ref);
  let s = stores.get(abs)?.store;
  if (!s) {
    s = openState(stateConfigOf(abs));
    opened.push(s.kind);
    stores.set(abs, { store: s, id: idOf(whereOf(abs)) });
  }
  return s;
}

export interface StateContents {
  ledger: Reservation[];
  audit: AuditEntry[];
  journals: Record<JournalName, Record<string, JournalEntry[]>>;
  /** Every host's inspect records. */
  records: Record<string, InspectRecord[]>;
}

/** Everything dockpit keeps in the state, read through the state layer: the same on every backend. */
export async function stateSnapshot(ref: string): Promise<StateContents> {
  const s = testState(ref);
  const journal = async (name: JournalName, kinds: ReadonlySet<string>) => {
    const j = s.journal<JournalEntry, JournalEntry>(name, kinds);
    const out: Record<string, JournalEntry[]> = {};
    for (const id of await j.runs()) out[id] = await j.read(id);
    return out;
  };
  const records: Record<string, InspectRecord[]> = {};
  for (const h of await s.records.hosts()) records[h] = await s.records.list(h);
  return {
    ledger: await s.ledger.list(),
    audit: await s.audit.read(),
    journals: { runs: await journal('runs', RUN_KINDS), migrations: await journal('migrations', MIGRATION_KINDS) },
    records,
  };
}

/** The run ids of one journal of the state, oldest first (runs: plan runs; migrations: migrate and evacuate). */
export async function journalRuns(ref: string, name: JournalName): Promise<string[]> {
  return testState(ref).journal(name, name === 'runs' ? RUN_KINDS : MIGRATION_KINDS).runs();
}

/** One run's records in a journal of the state, oldest first. */
export async function journalRecords<R extends JournalEntry = JournalEntry>(ref: string, name: JournalName, runId: string): Promise<R[]> {
  return testState(ref).journal<R, R>(name, name === 'runs' ? RUN_KINDS : MIGRATION_KINDS).read(runId);
}

/**
 * After the dockpit running `runId` was killed: resolves once another dockpit may take the run's locks
 * (to resume it). Files: at once (a lock whose holder's pid is gone on this jump host is taken over).
 * Etcd: once the dead process's lease has expired (leaseTtl, 15 s by default) and its locks went with it:
 * etcd knows no pids (src/state/etcd/locks.ts), a resume before then is refused.
 */
export async function runLocksFreed(ref: string, runId: string): Promise<void> {
  if (backend === 'file') return;
  const s = testState(ref);
  await waitFor(async () => ![...(await s.locks.holders()).values()].some((o) => o.runId === runId), 30_000, 250);
}

// --- below the state layer: what the backend itself holds ---------------------------------------------

/** Every file under a folder with its content: to show that something changed nothing. */
export function folderSnapshot(dir: string): Record<string, string> {
  if (!fs.existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(e.parentPath, e.name);
    out[path.relative(dir, p)] = e.isFile() ? fs.readFileSync(p, 'utf8') : '(dir)';
  }
  return out;
}

export interface EtcdKv {
  key: string;
  value: string;
  modRevision: string;
}

/** Every key under `prefix` (relative to it), as dockpit's etcd user reads it with etcdctl. */
async function etcdRange(prefix: string): Promise<EtcdKv[]> {
  const r = await etcdctl(['get', prefix, '--prefix', '-w', 'json'], { as: 'dockpit' });
  if (r.code !== 0) throw new Error(`etcdctl get ${prefix} --prefix: exit ${r.code}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { kvs?: Array<{ key: string; value: string; mod_revision: number | string }> };
  return (out.kvs ?? []).map((kv) => ({
    key: Buffer.from(kv.key, 'base64').toString().slice(prefix.length),
    value: Buffer.from(kv.value ?? '', 'base64').toString(),
    modRevision: String(kv.mod_revision),
  }));
}

/**
 * Everything the backend holds, as it holds it. File: every file and folder under the state folder with
 * its content (locks and temp files too). Etcd: every key under the prefix with its value (lease-bound
 * locks and placements too).
 */
export async function rawSnapshot(ref: string): Promise<Record<string, string>> {
  const w = whereOf(ref);
  if (w.kind === 'file') return folderSnapshot(w.dir);
  return Object.fromEntries((await etcdRange(w.prefix)).map((kv) => [kv.key, kv.value]));
}

/** Whether anything was ever written: file: the state folder exists; etcd: a key exists under the prefix. */
export async function stateWritten(ref: string): Promise<boolean> {
  const w = whereOf(ref);
  if (w.kind === 'file') return fs.existsSync(w.dir);
  return (await etcdRange(w.prefix)).length > 0;
}

/** One key under an etcd state's prefix (relative), or null. */
export async function etcdKey(ref: string, rel: string): Promise<EtcdKv | null> {
  const w = whereOf(ref);
  if (w.kind !== 'etcd') throw new Error(`${ref}: not an etcd state`);
  return (await etcdRange(w.prefix)).find((kv) => kv.key === rel) ?? null;
}

/** Writes one key under an etcd state's prefix by hand (as an operator with etcdctl would). */
export async function putEtcdKey(ref: string, rel: string, value: string): Promise<void> {
  const w = whereOf(ref);
  if (w.kind !== 'etcd') throw new Error(`${ref}: not an etcd state`);
  const r = await etcdctl(['put', `${w.prefix}${rel}`, value], { as: 'dockpit' });
  if (r.code !== 0) throw new Error(`etcdctl put ${w.prefix}${rel}: exit ${r.code}: ${r.stderr}`);
}

/** What dockpit says the ledger is (`dockpit ip --json`'s ledger.file, error messages): spelled out here. */
export function ledgerWhere(ref: string): string {
  const w = whereOf(ref);
  if (w.kind === 'file') return path.join(w.dir, 'ledger.json');
  const endpoints = readFleet().etcd.endpoints.map((e) => e.replace(/^https?:\/\//, '').replace(/\/$/, ''));
  return `etcd://${endpoints.join(',')}${w.prefix}ledger`;
}

/**
 * Closes the stores opened on the state `ref` names (by any ref); on etcd, deletes every key under its
 * prefix (noting first what was there, for checkRanOnEtcd). A state folder is left to its owner
 * (poolConfig's dispose removes it).
 */
export async function disposeState(ref: string): Promise<void> {
  const where = byDir.get(path.resolve(ref)) ?? whereOf(ref);
  const id = idOf(where);
  const mine = [...stores].filter(([, v]) => v.id === id);
  for (const [k] of mine) stores.delete(k);
  await Promise.all(mine.map(([, v]) => v.store.close()));
  if (where.kind === 'etcd' && !disposed.some((d) => d.prefix === where.prefix)) {
    disposed.push({ prefix: where.prefix, keys: (await etcdRange(where.prefix)).map((kv) => kv.key), folderMade: folderMadeFor(where.prefix) });
    const r = await etcdctl(['del', where.prefix, '--prefix'], { as: 'dockpit' });
    if (r.code !== 0) throw new Error(`etcdctl del ${where.prefix} --prefix: exit ${r.code}: ${r.stderr}`);
  }
}

/** Whether something made the folder that stateYaml was given for an etcd prefix (nothing should). */
function folderMadeFor(prefix: string): boolean {
  return [...byDir].some(([dir, w]) => w.kind === 'etcd' && w.prefix === prefix && fs.existsSync(dir));
}

/** Closes every store still open (a file's afterAll). */
export async function closeTestStates(): Promise<void> {
  const all = [...stores.values()];
  stores.clear();
  await Promise.all(all.map((v) => v.store.close()));
}

/**
 * For the on-etcd wrappers, after the suite they import: the suite really ran on etcd. Every state it
 * configured was an etcd prefix, every store it opened was etcd, no state folder was made, and some prefix
 * holds a key starting with `holding` (default `audit/`: dockpit wrote its audit log into etcd).
 */
export function checkRanOnEtcd(holding = 'audit/'): void {
  describe('state backend', () => {
    it('the suite above ran with its state on etcd', async () => {
      expect(backend).toBe('etcd');
      const given = [...byDir.values()];
      expect(given.length, 'stateYaml() was never called').toBeGreaterThan(0);
      expect(given.every((w) => w.kind === 'etcd')).toBe(true);
      expect(opened.every((k) => k === 'etcd')).toBe(true);
      // Prefixes not disposed yet (a file-level afterAll runs after this test) are read now.
      const seen = new Map(disposed.map((d) => [d.prefix, d]));
      for (const w of byDir.values()) {
        if (w.kind !== 'etcd' || seen.has(w.prefix)) continue;
        seen.set(w.prefix, { prefix: w.prefix, keys: (await etcdRange(w.prefix)).map((kv) => kv.key), folderMade: folderMadeFor(w.prefix) });
      }
      expect([...seen.values()].filter((d) => d.folderMade).map((d) => d.prefix), 'a state folder was made on etcd').toEqual([]);
      const holders = [...seen.values()].filter((d) => d.keys.some((k) => k.startsWith(holding)));
      expect(holders.length, `no prefix holds a key ${holding}…: the suite never wrote to etcd`).toBeGreaterThan(0);
    });
  });
}
