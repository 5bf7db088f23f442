// Degradation plans (issue 5): the data that flows from the config through the pure planner (the
// preview) to the executor, the journal and restore. Plain data only.

export interface Selector {
  lines?: string[];
  tiers?: number[];
  minTier?: number;
  maxTier?: number;
  hosts?: string[];
  labels?: Record<string, string>;
  /** Glob patterns (* and ?) on the container name. */
  names?: string[];
}

export type PlanAction =
  | { kind: 'stop' }
  | { kind: 'pause' }
  | { kind: 'limit'; nanoCpus: number | null; memoryBytes: number | null; cpuShares: number | null }
  | { kind: 'scaleDown'; keep: number };

export interface Guards {
  protectTiers: number[];
  /** Share (0–1) of each line's running containers the whole plan may take down. */
  maxDownPerLine: number;
  parallelPerHost: number;
  parallel: number;
  /** Seconds the engine waits before it kills a stopping container. */
  stopTimeout: number;
  /** Seconds one action may take. */
  actionTimeout: number;
}

export const DEFAULT_GUARDS: Guards = {
  protectTiers: [0],
  maxDownPerLine: 0.5,
  parallelPerHost: 4,
  parallel: 16,
  stopTimeout: 10,
  actionTimeout: 30,
};

export interface Plan {
  name: string;
  description: string;
  guards: Guards;
  steps: Array<{ select: Selector; action: PlanAction }>;
  /** Where it was defined, for messages: `file:line`. */
  source: string;
}

/** What one container is before a plan touches it: what restore puts back. */
export interface PriorState {
  state: 'running' | 'paused' | 'exited' | 'created' | 'restarting' | 'removing' | 'dead';
  nanoCpus: number;
  cpuQuota: number;
  cpuPeriod: number;
  cpuShares: number;
  memoryBytes: number;
  memorySwapBytes: number;
  restartPolicy: { name: string; maximumRetryCount: number };
}

/**
 * Why the executor will not perform an action (issue 12: the preview is the run). The planner finds the
 * first four from the store; the executor checks the last two again live, and finds `gone` itself.
 * `unseen` (issue 13): its host did not answer; not performed by this run (which ends partial), performed
 * by a resume once the host answers. `host-down` is kept for journals written before it.
 */
export type RefusalCode = 'protected-tier' | 'host-down' | 'unseen' | 'gone' | 'limit-infeasible';

export interface Refusal {
  code: RefusalCode;
  reason: string;
}

/** One change the plan makes to one container: the preview's row and the executor's unit of work. */
export interface PlannedAction {
  /** Index of the plan step that chose it. */
  step: number;
  host: string;
  id: string;
  name: string;
  line: string | null;
  tier: number | null;
  /** stop, pause or limit: scaleDown resolves to stops of the containers it does not keep. */
  action: 'stop' | 'pause' | 'limit';
  limit?: { nanoCpus: number | null; memoryBytes: number | null; cpuShares: number | null };
  /** What the action frees now, from the latest stats sample (0 when none yet). */
  frees: { cpuPercent: number; memBytes: number };
  /** Set when the executor will not perform it: it is listed, journaled and reported as `refused`, never called. */
  refused?: Refusal;
  /** Something the operator should know but that does not stop it (a memory limit below what the container uses now). */
  warning?: string;
}

export interface PlanPreview {
  plan: string;
  /** Every action of the plan in run order (step, host, name), the refused ones included (with `refused`). */
  actions: PlannedAction[];
  /**
   * `feasible` + `refused` = actions.length; `unseen`: of the refused, those on hosts that did not answer;
   * `skipped` are selected containers the plan leaves alone by design.
   */
  counts: { feasible: number; refused: number; unseen: number; skipped: number };
  /**
   * Issue 13: hosts the plan may reach that did not answer (down, frozen, connecting): whatever they run is
   * unknown, the run cannot end `done`. `lastSeen`: how many containers they had when last seen (their
   * selected ones are the `unseen` actions), null when never seen.
   */
  unseen: Array<{ host: string; state: string; error: string | null; lastSeen: number | null }>;
  /** Containers a step selected but the plan leaves alone by design, and why (already in a step, kept running). */
  skipped: Array<{ step: number; host: string; name: string; reason: string }>;
  /** Feasible actions only: what the run can change. perLine also counts the unseen actions as down. */
  perHost: Record<string, { actions: number; cpuPercent: number; memBytes: number }>;
  perLine: Record<string, { running: number; down: number; cpuPercent: number; memBytes: number }>;
  /** Set when a guard forbids the plan: nothing may be changed. */
  refusal: string | null;
}

export type ActionOutcome = 'pending' | 'in-flight' | 'done' | 'failed' | 'skipped' | 'refused';

/** `abandoned`: ended by `plan abandon` where it stood (issue 13): its claim is released, it is never resumed. */
export type RunStatus = 'running' | 'done' | 'partial' | 'cancelled' | 'refused' | 'abandoned';

/** A run as it goes: what the TUI's progress screen and `plan status` show. */
export interface RunProgress {
  runId: string;
  plan: string;
  status: RunStatus;
  /** `restore` when this is a restore of the run. */
  kind: 'apply' | 'restore';
  startedAt: string;
  actions: Array<{ step: number; host: string; name: string; action: string; outcome: ActionOutcome; error?: string; ms?: number }>;
}
