import { followLogs, inspectContainer } from '../engine/container-actions.js';
import { withDeadline } from '../engine/deadline.js';
import { toDockpitError } from '../engine/errors.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import type { StatsSampler } from '../engine/stats-sampler.js';
import type { CockpitActions } from './ports.js';

/**
 * The engine-backed actions the views may call. Each call takes the host's current client: after a reconnect it
 * is a new one; a host not connected yet (the cockpit's first second) is waited for (FleetEngine.clientSoon);
 * while the host is down there is none, which the screen shows as an error.
 */
export function engineActions(engine: FleetEngine, sampler: StatsSampler, callTimeoutMs: number): CockpitActions {
  return {
    inspect: async (host, id) => {
      const client = await engine.clientSoon(host, callTimeoutMs);
      return withDeadline(callTimeoutMs, (signal) => inspectContainer(client, id, signal));
    },
    followLogs: (host, id, tail, onLines, onEnd) => {
      let stopped = false;
      let stop: (() => void) | null = null;
      engine.clientSoon(host, callTimeoutMs).then(
        (client) => {
          if (!stopped) stop = followLogs(client, id, tail, onLines, onEnd, callTimeoutMs);
        },
        // Not after the caller has stopped it.
        (err) => stopped || onEnd(toDockpitError(err).toString()),
      );
      return () => {
        stopped = true;
        stop?.();
      };
    },
    setVisible: (containers) => sampler.setVisible(containers),
  };
}
