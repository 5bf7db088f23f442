import type { HostState } from '../engine/types.js';
import type { HostFacts } from '../pool/place.js';
import type { LocalData, SourceInspect } from './container-spec.js';

// Issue 6: the shapes of a migration, shared by the pure planner (preflight), the executor and the views.

/** The steps of one move, in order; the preview lists the ones that will run. */
export type StepName = 'network' | 'image' | 'create' | 'stop-source' | 'park-source' | 'start-target' | 'gate' | 'remove-source';

/** The steps that undo a move that failed before its gate passed, in order. */
export type RollbackStep = 'remove-target' | 'unpark-source' | 'start-source';

export interface MoveOptions {
  /** Accept that volumes and bind mounts stay behind on the source host. */
  leaveData: boolean;
  /** Leave the parked source in place after the gate passes. */
  keepSource: boolean;
  /** The operator confirmed that the (unreachable) source host is fenced. */
  fenced: boolean;
  /** Without a healthcheck: how long the target must run without restarting. */
  gateSeconds: number;
  /** The longest a gate may wait (a healthcheck that stays `starting`). */
  gateTimeoutSeconds: number;
  /** A registry to pull the image from before streaming it engine to engine. */
  registry: string | null;
}

export const DEFAULT_MOVE_OPTIONS: MoveOptions = {
  leaveData: false,
  keepSource: false,
  fenced: false,
  gateSeconds: 5,
  gateTimeoutSeconds: 60,
  registry: null,
};

/** Whether the image is on the target: present by ID; absent; or its tag there names another image. */
export type ImageOnTarget = 'present' | 'absent' | 'other-id' | 'unknown';

export interface SourceFacts {
  host: string;
  state: HostState;
  error: string | null;
  liveRestore: boolean | null;
  /** The live inspect, or the last recorded one when the host cannot be reached; null: neither. */
  inspect: SourceInspect | null;
  /** When the recorded inspect was taken; null when it is live. */
  recordedAt: string | null;
  /** Why there is no inspect, when the lookup knows better than "not on the host". */
  missing?: string;
  /** Why the live inspect could not be recorded (issue 14, item 5): the move can go on; a later one from the dead host has no record. */
  recordError?: string;
}

export interface TargetFacts extends HostFacts {
  image: ImageOnTarget;
}

export interface MoveFacts {
  name: string;
  source: SourceFacts;
  target: TargetFacts;
  /** Every configured host: the addresses in use across the fleet. */
  fleet: readonly HostFacts[];
}

export type BlockerCode =
  | 'SAME_HOST'
  | 'NO_SOURCE'
  | 'NOT_FENCED'
  | 'TARGET_DOWN'
  | 'NAME_TAKEN'
  | 'IP_TAKEN'
  | 'LOCAL_DATA'
  | 'NETWORK_MISMATCH'
  | 'IMAGE_UNAVAILABLE'
  | 'IMAGE_TAG_CONFLICT';

export interface Blocker {
  code: BlockerCode;
  message: string;
}

export interface MovePlan {
  name: string;
  from: string;
  to: string;
  /** The source container's ID (on `from`). */
  sourceId: string;
  sourceState: string;
  /** `live`: read from the engine now; `recorded`: the source host is unreachable. */
  sourceMode: 'live' | 'recorded';
  recordedAt: string | null;
  pool: string | null;
  network: string | null;
  ip: string | null;
  /** `conflict`: the target's tag names another image; the move is blocked (IMAGE_TAG_CONFLICT), never "present". */
  image: { id: string; ref: string; action: 'present' | 'stream' | 'pull' | 'conflict' };
  networkAction: 'present' | 'create' | 'none';
  localData: LocalData[];
  /** Networks besides the pool's that the target will not be attached to. */
  droppedNetworks: string[];
  gate: { kind: 'healthcheck' | 'running'; seconds: number; timeoutSeconds: number };
  /** The memory limit the target will claim (0: none). */
  memoryBytes: number;
  steps: StepName[];
  /** The target's `POST /containers/create` body. */
  body: Record<string, unknown>;
  /** The inspect it was planned from: what the created target is checked against. */
  source: SourceInspect;
  /** Why it cannot run now: empty when it can. */
  blockers: Blocker[];
  warnings: string[];
  options: MoveOptions;
}
