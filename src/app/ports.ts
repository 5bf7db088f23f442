import type { ContainerInspect } from '../engine/container-inspect.js';
import type { HostState } from '../engine/types.js';
import type { EvacuationPlan } from '../migrate/evacuate-plan.js';
import type { PreflightResult } from '../migrate/preflight.js';
import type { Blocker } from '../migrate/types.js';
import type { PlanPreview, RunStatus } from '../plans/types.js';
import type { LockOwner, LockTarget } from '../state/types.js';
import type { MoveRun, PlanRun } from '../store/own-runs.js';

/** What views may ask of the engine. Views never call Docker; tests pass fakes. */
export interface CockpitActions {
  /** Full inspect of one container. */
  inspect(host: string, id: string): Promise<ContainerInspect>;
  /** Streams log lines (tail first, then follows); returns a function that stops it. */
  followLogs(host: string, id: string, tail: number, onLines: (lines: string[]) => void, onEnd: (error: string | null) => void): () => void;
  /** The containers on screen, sampled first by the stats sampler. */
  setVisible(containers: ReadonlyArray<{ host: string; id: string }>): void;
  /**
   * Plans (dryRun) or places a container for a business line, as `dockpit run` does; resolves to the
   * lines that describe the decision or the outcome. Absent where placing is not possible (read-only).
   */
  place?(request: RunRequest, dryRun: boolean): Promise<{ ok: boolean; lines: string[] }>;
  /** Degradation plans (issue 5). Absent when none are configured; apply/restore absent read-only. */
  plans?: PlanActions;
  /** Cross-host migration and evacuation (issue 6). Absent with --read-only: its keys are then not bound. */
  migrate?: MigrateActions;
  /**
   * Which of these containers a run holds now (issue 11: a run of this or any other process sharing the
   * state), and who: asked before a typed confirmation, so that a change that would be refused for a lock
   * says so at once. Absent: not checked (the run itself still refuses).
   */
  heldBy?(targets: readonly LockTarget[]): Promise<HeldContainer[]>;
  /** Issue 15: the alerts the cockpit evaluates (they are store data: FleetState.alerts). Absent read-only. */
  alerts?: AlertActions;
}

/** Issue 15: what the :alerts screen does to an alert. */
export interface AlertActions {
  /**
   * Acknowledges an alert: silenced for the configured time (`alerts.ackFor`), in this process and, with an
   * Alertmanager sink, there too; written to the audit log. `message` says what was done, for the bottom line.
   */
  ack(key: string): Promise<{ ok: boolean; message: string }>;
}

/** A container locked by a run, and its holder. */
export interface HeldContainer extends LockTarget {
  owner: LockOwner;
}

/** What the operator decides on the preview and the confirmation, beyond the target. */
export interface MoveChoices {
  /** "leave data behind": volumes and bind mounts stay on the source host. */
  leaveData: boolean;
  /** The operator typed the (unreachable) source host's name: it is fenced. */
  fenced: boolean;
}

/** One candidate host in the `m` picker. */
export interface MoveTarget {
  host: string;
  state: HostState;
  error: string | null;
  /** MemTotal − the memory limits of its running containers; null: the engine did not say. */
  freeBytes: number | null;
  containers: number;
  /** Containers of the moved container's business line there. */
  ofLine: number;
  /** Whether the line's `hosts:` lists it; null: no line, or a line without a host list. */
  lineAllows: boolean | null;
  /** What the preflight says about a move there (default choices: data not left behind, not fenced). */
  blockers: Blocker[];
}

export interface MoveTargets {
  name: string;
  from: string;
  fromState: HostState;
  line: string | null;
  /** The container's memory limit (0: none). */
  memoryBytes: number;
  /** The source cannot be planned from at all (not found, nothing recorded); targets are then empty. */
  refusal: string | null;
  targets: MoveTarget[];
}

export interface MigrateActions {
  /** The other hosts, each with its capacity and the preflight's verdict for this container. */
  targets(host: string, name: string): Promise<MoveTargets>;
  /** The preflight of moving NAME from HOST to TO (a pure plan from facts read now: the preview). */
  preview(host: string, name: string, to: string, choices: MoveChoices): Promise<PreflightResult>;
  /**
   * Plans the move again from the fleet as it is now and, when nothing blocks it, runs it. The run is store
   * data (`runs.move`, issue 14): a `run.move` event each time the journal's view changes. Resolves to the
   * run as it ended (refused ones included: nothing changed); one run at a time.
   */
  migrate(host: string, name: string, to: string, choices: MoveChoices): Promise<MoveRun>;
  /** Where each container of HOST would go (pure planner over facts read now). */
  evacuationPreview(host: string, choices: MoveChoices): Promise<EvacuationPlan>;
  /** Plans again and runs it if it still matches what was confirmed (same containers, same targets). */
  evacuate(confirmed: EvacuationPlan, choices: MoveChoices): Promise<MoveRun>;
  /** Skips the moves of the running evacuation not begun (those under way end done or rolled back); false: nothing to cancel. */
  cancel(): boolean;
  /** Moves of an evacuation in flight at once. */
  parallel: number;
}

export interface PlanActions {
  list(): Array<{ name: string; description: string; steps: number }>;
  /** The preview from the store as it is now (pure: changes nothing). */
  preview(name: string): PlanPreview;
  /**
   * Runs the plan. The run is store data (`runs.plan`, issue 14): a `run.plan` event each time a journal
   * record is written. Resolves to the run as it ended; rejects when it never started (also said in the store).
   */
  apply?(name: string): Promise<PlanRun>;
  /** Puts every container a run touched back as it was; the run goes to the store as apply's does. */
  restore?(runId: string): Promise<PlanRun>;
  /** Skips what the running apply has not started; false: nothing to cancel. */
  cancel?(): boolean;
  /** The newest run on this jump host, to restore with one key. */
  lastRun(): Promise<{ runId: string; plan: string; status: RunStatus } | null>;
}

export const NO_ACTIONS: CockpitActions = {
  inspect: () => Promise.reject(new Error('not connected')),
  followLogs: (_h, _i, _t, _l, onEnd) => {
    onEnd('not connected');
    return () => undefined;
  },
  setVisible: () => undefined,
};

/** What the form asks for, as `dockpit run` arguments take it. */
export interface RunRequest {
  name: string;
  line: string;
  host: string | null;
  image: string;
  command: string[];
  env: string[];
  cpus: string | null;
  memory: string | null;
  restart: string | null;
}
