import type Docker from 'dockerode';
import { followLogs, inspectContainer } from '../engine/container-actions.js';
import { withDeadline } from '../engine/deadline.js';
import { DockpitError } from '../engine/errors.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import type { StatsSampler } from '../engine/stats-sampler.js';
import type { CockpitActions } from './ports.js';

/**
 * The engine-backed actions the views may call. Each call takes the host's current client: after a
 * reconnect it is a new one, and while the host is down there is none, which the screen shows as an error.
 */
export function engineActions(engine: FleetEngine, sampler: StatsSampler, callTimeoutMs: number): CockpitActions {
  const clientOf = (host: string): Docker => {
    const client = engine.connections.get(host)?.client;
    if (!client) throw new DockpitError('UNREACHABLE', `host ${host} is not connected`);
    return client;
  };
  return {
    inspect: async (host, id) => {
      const client = clientOf(host);
      return withDeadline(callTimeoutMs, (signal) => inspectContainer(client, id, signal));
    },
    followLogs: (host, id, tail, onLines, onEnd) => {
      let client: Docker;
      try {
        client = clientOf(host);
      } catch (err) {
        // Asynchronously, as a stream's end would be, and not after the caller has stopped it.
        let stopped = false;
        queueMicrotask(() => stopped || onEnd((err as DockpitError).toString()));
        return () => void (stopped = true);
      }
      return followLogs(client, id, tail, onLines, onEnd, callTimeoutMs);
    },
    setVisible: (containers) => sampler.setVisible(containers),
  };
}
