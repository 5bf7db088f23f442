import type { ContainerInspect } from '../engine/container-inspect.js';
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
}

export const NO_ACTIONS: CockpitActions = {
  inspect: () => Promise.reject(new Error('not connected')),
  followLogs: (_h, _i, _t, _l, onEnd) => {
    onEnd('not connected');
    return () => undefined;
  },
  setVisible: () => undefined,
};
