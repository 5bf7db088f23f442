import type Docker from 'dockerode';
import type { FleetConfig } from '../config/types.js';
import { inspectContainer } from '../engine/container-actions.js';
import { withDeadline } from '../engine/deadline.js';
import { toDockpitError } from '../engine/errors.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import { hostIsUp } from '../engine/host-up.js';
import { mapLimited } from '../engine/map-limited.js';
import type { InspectRecords } from '../state/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import { hostNotUpText } from '../render/host-down.js';
import { containerRows, hostRows } from '../store/selectors.js';

// `dockpit record`'s service: inspects every container of every up host (or one) and saves it as its
// inspect record (the state's InspectRecords), the configuration a migration recreates when that host's
// engine is dead. The cockpit keeps the records fresh on its own (inspect-recorder.ts); this is the pass
// on demand, for cron and before a peak.

export interface RecordResult {
  host: string;
  state: 'up' | 'down';
  /** Containers whose record now matches the engine (written or already the same). */
  recorded: number;
  /** Of those, records written because the configuration changed (or was new). */
  changed: number;
  failed: number;
  /** Records of containers the host no longer has (removed while dockpit was not watching): deleted. */
  pruned: number;
  /** Why the host or each failed container was not recorded (`CODE: message`). */
  errors: string[];
}

/** Inspects in flight per host: a quick pass without loading one engine with a burst. */
const PER_HOST = 4;

async function recordHost(
  docker: Docker,
  host: string,
  ids: Array<{ id: string; name: string }>,
  records: InspectRecords,
  callTimeoutMs: number,
): Promise<RecordResult> {
  const result: RecordResult = { host, state: 'up', recorded: 0, changed: 0, failed: 0, pruned: 0, errors: [] };
  await mapLimited(ids, PER_HOST, async (c) => {
    try {
      const inspect = await withDeadline(callTimeoutMs, (signal) => inspectContainer(docker, c.id, signal));
      if (await records.save(host, inspect)) result.changed++;
      result.recorded++;
    } catch (err) {
      const coded = toDockpitError(err);
      if (coded.code === 'NOT_FOUND') return; // removed since the list: nothing to record
      result.failed++;
      result.errors.push(`${c.name}: ${coded.toString()}`);
    }
  });
  // The host listed everything it has: a record of anything else would bring back, on a migration off this
  // host once it is dead, a container someone removed on purpose.
  const listed = new Set(ids.map((c) => c.name));
  for (const r of await records.list(host)) {
    if (listed.has(r.name)) continue;
    await records.remove(host, r.name);
    result.pruned++;
  }
  return result;
}

/** Records every container of every up host (or `only`) of a connected fleet; a host down is said so. */
export async function recordFleet(config: FleetConfig, fleet: { store: FleetStore; engine: FleetEngine }, records: InspectRecords, only: string | undefined): Promise<RecordResult[]> {
  const state = fleet.store.getState();
  const status = new Map(hostRows(state).map((h) => [h.name, h]));
  const hosts = config.hosts.map((h) => h.name).filter((h) => only === undefined || h === only);
  return Promise.all(
    hosts.map(async (host): Promise<RecordResult> => {
      const docker = fleet.engine.connections.get(host)?.client ?? null;
      const up = hostIsUp(status.get(host)?.state);
      if (!docker || !up) {
        const h = status.get(host);
        const why = hostNotUpText(h);
        return { host, state: 'down', recorded: 0, changed: 0, failed: 0, pruned: 0, errors: [why] };
      }
      const ids = containerRows(state, { host }).map((c) => ({ id: c.id, name: c.name }));
      return recordHost(docker, host, ids, records, config.engine.callTimeoutMs);
    }),
  );
}
