// Issue 11: everything dockpit persists, behind small interfaces, so that one jump host keeps it in a folder
// and a team keeps it in etcd. Nothing else in src/ touches the state folder or etcd: callers get a
// StateStore from `openState(config)` (src/state/open-state.ts) and use only what is declared here.
//
// A third backend is one folder beside file/ and etcd/ implementing StateStore.

import type { ContainerInspect } from '../engine/container-inspect.js';
import { DockpitError } from '../engine/errors.js';
import type { ChainReport } from './audit-chain.js';

// --- who -------------------------------------------------------------------------------------------------

export interface Operator {
  /** The person: the user behind sudo when there is one. */
  user: string;
  /** The jump host dockpit runs on. */
  from: string;
}

// --- the IP ledger ---------------------------------------------------------------------------------------

export interface Reservation {
  /** The container name the address belongs to: the same name gets the same address back. */
  name: string;
  pool: string;
  ip: string;
  line: string | null;
  /** Where the container was placed when reserved (informational: a migration keeps the address). */
  host: string | null;
  /** ISO time of the reservation. */
  at: string;
  /** Operator as user@jump-host. */
  by: string;
}

export interface Ledger {
  /** Where it is, for messages and `dockpit ip --json`: a file or `etcd://…/ledger`. */
  readonly where: string;
  /** Every reservation now. */
  list(): Promise<Reservation[]>;
  /**
   * Reads the reservations, lets `change` decide, and writes what it returns, atomically across every
   * process that shares the state (file: one lock; etcd: a transaction comparing the ledger's revision,
   * retried). `change` may run more than once: keep it pure. Nothing is written when it throws. The
   * written set never holds one name or one address twice (a CONFLICT error otherwise).
   */
  update<T>(change: (current: readonly Reservation[]) => { next: Reservation[]; result: T }): Promise<T>;
}

// --- locks -----------------------------------------------------------------------------------------------

export interface LockOwner {
  runId: string;
  /** `user@jump-host`. */
  operator: string;
  since: string;
  pid: number;
  /** The jump host holding it (os.hostname()): a pid means something only there. */
  host: string;
}

export interface LockTarget {
  /** The container id: the lock's key (names can be reused, engine-facts.md). */
  id: string;
  /** `host/name`, for messages. */
  label: string;
}

export class LockBusyError extends DockpitError {
  constructor(readonly held: Array<{ target: LockTarget; owner: LockOwner | null }>) {
    const first = held[0]!;
    const who = (o: LockOwner | null) => (o ? `run ${o.runId} of ${o.operator} on ${o.host} (pid ${o.pid}) since ${o.since}` : 'another dockpit');
    super('CONFLICT', `${first.target.label} is locked by ${who(first.owner)}${held.length > 1 ? ` (and ${held.length - 1} more)` : ''}; nothing changed`);
    this.name = 'LockBusyError';
  }
}

export interface LockHold {
  /**
   * Set once the hold can no longer be trusted (etcd: the lease expired or could not be renewed in time;
   * file: the lock was taken over). The holder checks it before every engine call (fencing).
   */
  readonly lost: Error | null;
  release(): Promise<void>;
}

/** Every container a plan or migration run touches, held for the run. */
export interface ContainerLock {
  /**
   * Locks every target for the run, or none of them and throws LockBusyError. A run may take its own
   * locks again (resume) once their previous holder is dead (file: its pid is gone on this jump host;
   * etcd: its lease expired). Taking the locks also claims the run: from then on only this process may
   * append to the run's journal.
   */
  acquire(runId: string, operator: string, targets: readonly LockTarget[]): Promise<LockHold>;
  /** Who holds each locked container, by id (live holders only). */
  holders(): Promise<Map<string, LockOwner>>;
}

export class NameBusyError extends DockpitError {
  constructor(
    readonly container: string,
    readonly by: string | null,
    readonly since: string | null,
  ) {
    super('CONFLICT', `${container} is being placed by another dockpit${by ? ` (${by})` : ''}${since ? ` since ${since}` : ''}`);
    this.name = 'NameBusyError';
  }
}

/** One placement per container name at a time, across every process that shares the state. */
export interface NameLocks {
  /** Takes the placement lock of `name` at once, or throws NameBusyError naming who holds it. */
  hold(name: string, by: string): Promise<LockHold>;
}

// --- journals --------------------------------------------------------------------------------------------

/** The journals dockpit keeps: plan runs and migrations (each its own run ids). */
export type JournalName = 'runs' | 'migrations';

/** What every journal record has; the rest is the journal's own (src/plans/journal.ts, src/migrate/journal.ts). */
export interface JournalEntry {
  at: string;
  kind: string;
  runId: string;
}

export interface RunJournal<R extends JournalEntry, In extends { runId: string }> {
  /**
   * Appends one record, durable before it resolves: call it before the engine call it describes. Refused
   * (StateError, nothing written) when another process holds the run's claim (see ContainerLock.acquire),
   * or this process's claim was lost: a stale executor never appends after a takeover.
   */
  append(record: In): Promise<R>;
  /** The run's records, oldest first ([] for an unknown run); a torn record is left out. */
  read(runId: string): Promise<R[]>;
  /** Every run id the journal knows, oldest first (run ids sort by start time). */
  runs(): Promise<string[]>;
}

// --- audit log -------------------------------------------------------------------------------------------

export type AuditOutcome = 'ok' | 'failed' | 'refused';

export interface AuditEntry {
  /** ISO time the entry was written (the outcome is known by then). */
  at: string;
  /** The operator: the user behind sudo when there is one. */
  user: string;
  /** The jump host dockpit ran on. */
  from: string;
  /** What was done, dotted: `container.run`, `network.create` … */
  action: string;
  /** What it touched, as `host/name` (or a pool, a line …). */
  targets: string[];
  details: Record<string, unknown>;
  outcome: AuditOutcome;
  /** `CODE: message` when the outcome is not ok. */
  error?: string;
  /** Issue 17, item 4 (audit-chain.ts): the entry's place in the log, 1, 2, 3 … (absent: an older dockpit's). */
  seq?: number;
  /** The sha256 (hex) of the stored text of the entry before it (the first: of the log's genesis). */
  prev?: string;
}

export type AuditRecord = Omit<AuditEntry, 'at' | 'user' | 'from'>;

export interface AuditLog {
  /** Where it is, for messages: a file or `etcd://…/audit/`. */
  readonly where: string;
  readonly operator: Operator;
  /**
   * Checks the log can be appended to now: call before a change, so that a log that cannot be written
   * stops the change instead of leaving it unrecorded.
   */
  ready(): Promise<void>;
  /** Appends one entry, durable before it resolves; returns the entry as written. */
  append(record: AuditRecord): Promise<AuditEntry>;
  /** Entries oldest first, from every jump host that shares the state; `since` leaves older ones out. */
  read(opts?: { since?: Date }): Promise<AuditEntry[]>;
  /** Walks the whole log's hash chain (issue 17, item 4): the first broken link, or none. */
  verify(): Promise<ChainReport>;
}

// --- inspect records -------------------------------------------------------------------------------------

export interface InspectRecord {
  host: string;
  /** The container's name, without the engine's leading "/". */
  name: string;
  id: string;
  /** When this configuration was recorded (ISO); an unchanged one is not written again. */
  seenAt: string;
  /** The engine's `GET /containers/{id}/json` body, whole (ContainerInspect types the part dockpit reads). */
  inspect: ContainerInspect;
}

export interface InspectRecords {
  /** Records a container's inspect; resolves true when written, false when the record held the same. */
  save(host: string, inspect: ContainerInspect): Promise<boolean>;
  /** The record, or null when there is none or it is unreadable as a record (torn, hand-edited). */
  load(host: string, name: string): Promise<InspectRecord | null>;
  /** Every readable record of a host, sorted by name. */
  list(host: string): Promise<InspectRecord[]>;
  /** Every host that has records. */
  hosts(): Promise<string[]>;
  remove(host: string, name: string): Promise<void>;
}

// --- leases (issue 15: one alerts sender per team) ---------------------------------------------------------

/** This process's campaign for a role only one process of the team plays at a time. */
export interface RoleHold {
  /** Whether this process holds the role now: false as soon as its lease may have run out (fencing). */
  readonly held: boolean;
  /** Who holds the role as last seen (the `id` its holder campaigned with); null when nobody or unknown. */
  readonly holder: string | null;
  /** Stops campaigning and gives the role up if held. */
  resign(): Promise<void>;
}

export interface Leases {
  /**
   * Campaigns for `role` until resigned: taken when free, held while this process is alive (a lease of
   * `ttlMs`, kept alive), retried while another holds it. `onChange` is told of each gain and loss.
   * etcd: one holder in the team; files: one per jump host.
   */
  campaign(role: string, id: string, ttlMs: number, onChange: (held: boolean) => void): RoleHold;
}

// --- the store -------------------------------------------------------------------------------------------

/** What changed in the shared state, for watchers (the cockpit): they re-read what they show. */
export type StateChange = { kind: 'ledger' } | { kind: 'locks' } | { kind: 'journal'; journal: JournalName; runId: string };

/** Retention of what only grows (issue 11: etcd's space quota must never be reached). */
export interface Retention {
  /** Journals of runs that ended longer ago than this are deleted, ms. */
  journalsMs: number;
  /** Audit entries older than this are deleted, ms. */
  auditMs: number;
}

export interface PruneResult {
  journals: number;
  auditEntries: number;
}

/** Writes that keep what they are given (times, owners), for `dockpit state copy`. */
export interface StateImport {
  /** True when the state holds nothing dockpit wrote. */
  isEmpty(): Promise<boolean>;
  reservations(all: readonly Reservation[]): Promise<void>;
  journal(journal: JournalName, runId: string, records: readonly JournalEntry[]): Promise<void>;
  audit(entries: readonly AuditEntry[]): Promise<void>;
  record(record: InspectRecord): Promise<void>;
}

export interface StateStore {
  readonly kind: 'file' | 'etcd';
  /** Where the state is, for `dockpit hosts` and the cockpit's header: a folder, or `etcd://endpoints/prefix`. */
  readonly where: string;
  readonly ledger: Ledger;
  readonly names: NameLocks;
  readonly locks: ContainerLock;
  readonly audit: AuditLog;
  readonly records: InspectRecords;
  /** Issue 15: roles one process of the team plays (the alerts' sender). */
  readonly leases: Leases;
  /** A journal of records whose `kind` is one of `kinds` (anything else read back is damage). */
  journal<R extends JournalEntry, In extends { runId: string }>(name: JournalName, kinds: ReadonlySet<string>): RunJournal<R, In>;
  /**
   * Resolves once changes can be made (etcd: a member answers and this process's lease is granted);
   * otherwise throws StateError naming where. Call before the first engine call of a change.
   */
  ready(): Promise<void>;
  /** Calls `listener` on every change made by any process sharing the state; returns the unsubscribe. */
  watch(listener: (change: StateChange) => void): () => void;
  /** Deletes ended runs' journals and audit entries older than the retention. */
  prune(retention: Retention, now?: Date): Promise<PruneResult>;
  readonly import: StateImport;
  /** Releases what this process holds (locks, its lease) and closes connections. */
  close(): Promise<void>;
}

/**
 * The state cannot be read or written now (etcd unreachable, this process's lease lost, a folder that
 * cannot be written): every change is refused before it touches an engine. Exit code 7.
 */
export class StateError extends DockpitError {
  constructor(message: string) {
    super('STATE', message);
    this.name = 'StateError';
  }
}

export const EXIT_STATE_UNAVAILABLE = 7;
