import type { ContainerInspect } from '../engine/container-inspect.js';
import type { PlanPreview, RunProgress, RunStatus } from '../plans/types.js';
import type { RunRequest } from './run-form.js';

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
}

export interface PlanActions {
  list(): Array<{ name: string; description: string; steps: number }>;
  /** The preview from the store as it is now (pure: changes nothing). */
  preview(name: string): PlanPreview;
  /** Runs the plan; progress as it goes; the signal cancels what has not started. */
  apply?(name: string, onProgress: (p: RunProgress) => void, signal: AbortSignal): Promise<RunProgress>;
  /** Puts every container a run touched back as it was. */
  restore?(runId: string, onProgress: (p: RunProgress) => void): Promise<RunProgress>;
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
