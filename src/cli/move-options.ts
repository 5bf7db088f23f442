import { createInterface } from 'node:readline/promises';
import { UsageError } from '../config/config-error.js';
import type { FleetConfig } from '../config/types.js';
import { toDockpitError } from '../engine/errors.js';
import type { MigrationResult } from '../migrate/execute.js';
import type { MigrationStatus, MoveStatus } from '../migrate/journal.js';
import { DEFAULT_MOVE_OPTIONS, type MoveOptions } from '../migrate/types.js';
import { LockBusyError, StateError } from '../state/types.js';
import type { MoveArgs } from './args.js';
import { RunClaimedError } from '../app/run-claims.js';
import { textTable } from '../render/text-table.js';

// What `migrate` and `evacuate` share: option checks (usage errors, exit 2, nothing contacted), the typed
// confirmation, and how a result is printed and turned into an exit code.

export const MOVE_EXIT: Record<MigrationStatus | MoveStatus, number> = {
  done: 0,
  partial: 5,
  failed: 5,
  'rolled-back': 5,
  refused: 6,
  // A resume of an abandoned run is refused: it ended where it stood (issue 13).
  abandoned: 6,
  // 7 is EXIT_STATE_UNAVAILABLE (src/state/types.ts).
  cancelled: 8,
  skipped: 8,
  running: 1,
  pending: 1,
  'rolling-back': 1,
};

function knownHost(config: FleetConfig, host: string, flag: string): string {
  if (!config.hosts.some((h) => h.name === host)) throw new UsageError(`${flag} ${host}: no such host (hosts: ${config.hosts.map((h) => h.name).join(', ')})`);
  return host;
}

function positiveInt(text: string | undefined, flag: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max) throw new UsageError(`${flag} ${text}: expected a whole number from 1 to ${max}`);
  return n;
}

/** The move options of `migrate` / `evacuate`, checked against the config. */
export function moveOptions(config: FleetConfig, m: MoveArgs): MoveOptions {
  for (const h of m.to) knownHost(config, h, '--to');
  if (m.from !== undefined) knownHost(config, m.from, '--from');
  if (m.fenced !== undefined) knownHost(config, m.fenced, '--fenced');
  const gate = positiveInt(m.gateSeconds, '--gate-seconds', 3600);
  return {
    ...DEFAULT_MOVE_OPTIONS,
    leaveData: m.leaveData,
    keepSource: m.keepSource,
    fenced: false, // set per source host by the caller: --fenced names the host it confirms
    ...(gate !== undefined && { gateSeconds: gate }),
    registry: config.registry ?? null,
  };
}

export function parallelOf(m: MoveArgs): number {
  return positiveInt(m.parallel, '--parallel', 64) ?? 4;
}

/**
 * Typing the name is the confirmation (a destructive action); --yes is for scripts. `blast` (what it will
 * change) is shown first, on a terminal only.
 */
export async function confirmByName(what: string, name: string, err: (s: string) => void, ask: { blast?: string; question?: string } = {}): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError(`${what} changes the fleet: pass --yes, or run it on a terminal to confirm`);
  if (ask.blast !== undefined) err(ask.blast);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(ask.question ?? `type ${name} to confirm: `)).trim() === name;
  } finally {
    rl.close();
  }
}

/**
 * The end of every moving command: the run as JSON (`json`, what the command's script output holds) or as
 * a table, its error on stderr, and the exit code its status maps to (`status`: a single move's own).
 */
export function reportMoves(r: MigrationResult, json: object | null, out: (s: string) => void, err: (s: string) => void, status: MigrationStatus | MoveStatus = r.status): number {
  if (json) out(JSON.stringify(json, null, 2));
  else printMoves(r, out);
  if (r.error) err(`dockpit: ${r.error}`);
  return MOVE_EXIT[status];
}

export function printMoves(r: MigrationResult, out: (s: string) => void): void {
  out(textTable(
    ['NAME', 'FROM', 'TO', 'IP', 'STATUS', 'DOWNTIME', 'NOTE'],
    r.moves.map((m) => [m.name, m.from, m.to, m.ip ?? '-', m.status, m.downtimeMs === null ? '-' : `${(m.downtimeMs / 1000).toFixed(2)} s`, m.error ?? '']),
  ));
  out(`run ${r.runId}: ${endedAs(r)}`);
}

/**
 * How a run ended, in words (issue 13, item 6): a run whose every move was undone is `failed` in the
 * journal (nothing moved) but, for the operator, rolled back: every source runs where it was.
 */
export function endedAs(r: Pick<MigrationResult, 'status' | 'moves'>): string {
  if (r.status === 'failed' && r.moves.length > 0 && r.moves.every((m) => m.status === 'rolled-back')) return 'rolled back (nothing moved: each source runs where it was)';
  if (r.status === 'cancelled') {
    const notBegun = r.moves.filter((m) => m.status === 'skipped').length;
    return `cancelled (${notBegun} move${notBegun === 1 ? '' : 's'} not begun: migration resume runs them, migration abandon ends the run)`;
  }
  return r.status;
}

/** Runs a migration with Ctrl-C cancelling the moves not yet begun (moves under way finish or roll back). */
export async function withCtrlC<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * A command's failure that is not a usage error or the state's: printed, exit 1 (usage errors go up: exit
 * 2; a StateError too: exit 7).
 */
export function failed(e: unknown, err: (s: string) => void): number {
  if (e instanceof UsageError || e instanceof StateError) throw e;
  err(`dockpit: ${toDockpitError(e).toString()}`);
  // Another run (on this or another jump host) holds a container: refused, nothing changed.
  return e instanceof LockBusyError || e instanceof RunClaimedError ? MOVE_EXIT.refused : 1;
}

/**
 * Issue 17, item 6: `--fenced` confirms that a host which cannot be reached is cut off. Said of a host
 * whose engine answers, it is a mistake (the wrong host, or a stale note): refused, so that a later move
 * off a host that really is down still needs the operator's word for that host.
 */
export function fencedButUp(host: string): string {
  return `--fenced ${host}: ${host} is up (its engine answers); --fenced is only for a host that is down: leave it out`;
}
