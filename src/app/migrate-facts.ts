import { UsageError } from '../config/config-error.js';
import type { FleetConfig } from '../config/types.js';
import { withDeadline } from '../engine/deadline.js';
import { toDockpitError } from '../engine/errors.js';
import { hostIsUp } from '../engine/host-up.js';
import { mapLimited } from '../engine/map-limited.js';
import type { NetworkFacts } from '../pool/network-spec.js';
import type { HostFacts } from '../pool/place.js';
import { isIdReference, type SourceInspect } from '../migrate/container-spec.js';
import type { MigrateHost } from '../migrate/engine-port.js';
import { poolOf } from '../migrate/preflight.js';
import { planEvacuation, type EvacuationPlan } from '../migrate/evacuate-plan.js';
import type { ImageOnTarget, MoveFacts, MoveOptions, SourceFacts, TargetFacts } from '../migrate/types.js';
import { inspectAsRecord, recordAsInspect } from '../migrate/dockerode-engine.js';
import type { InspectRecord, InspectRecords } from '../state/types.js';
import { containerRows } from '../store/selectors.js';
import { fleetFacts, type FleetSource } from './fleet-source.js';

// The engine lookups a migration's preflight needs (issue 6, item 2), gathered once from a connected
// fleet; the planner itself is pure (src/migrate/preflight.ts).

const recordedSource = (r: InspectRecord): SourceInspect => recordAsInspect(r.inspect);

/**
 * Records a live inspect, as the cockpit's recorder would: a later migration from a dead host starts from it.
 * A write that fails is not the move's failure, but it is said (issue 14, item 5): null when written.
 */
async function saveRecord(records: InspectRecords, host: string, inspect: SourceInspect): Promise<string | null> {
  try {
    await records.save(host, inspectAsRecord(inspect));
    return null;
  } catch (err) {
    return toDockpitError(err, 'record').toString();
  }
}

/**
 * Where NAME lives: the up host that lists it (`from` must agree when given), else a host that is not up and
 * has a recorded configuration of it. A name on several hosts needs `--from`.
 */
export async function locateSource(config: FleetConfig, records: InspectRecords, fleet: FleetSource, name: string, from?: string): Promise<SourceFacts> {
  const liveOn = config.hosts.map((h) => h.name).filter((h) => hostIsUp(fleet.state.hosts[h]?.state) && containerRows(fleet.state, { host: h }).some((c) => c.name === name));
  const hosts = from !== undefined ? [from] : liveOn;
  if (hosts.length > 1) throw new UsageError(`${name} is on ${hosts.join(' and ')}: say which with --from HOST`);
  const sourceFacts = (host: string): Omit<SourceFacts, 'inspect' | 'recordedAt'> => {
    const h = fleet.state.hosts[host];
    return { host, state: h?.state ?? 'down', error: h?.error ?? null, liveRestore: h?.liveRestore ?? null };
  };
  const host = hosts[0];
  if (host !== undefined && hostIsUp(fleet.state.hosts[host]?.state)) {
    const docker = fleet.host(host);
    const c = containerRows(fleet.state, { host }).find((x) => x.name === name);
    if (docker && c) {
      const inspect = await withDeadline(config.engine.callTimeoutMs, (s) => docker.inspect(c.id, s));
      if (!inspect) return { ...sourceFacts(host), inspect: null, recordedAt: null, missing: `${name} was removed from ${host} since it was listed` };
      // What the cockpit's recorder would keep: a later migration from a dead host starts from here.
      const recordError = await saveRecord(records, host, inspect);
      return { ...sourceFacts(host), inspect, recordedAt: null, ...(recordError !== null && { recordError }) };
    }
    return { ...sourceFacts(host), inspect: null, recordedAt: null };
  }
  // Not listed by any up host: the last recorded configuration on a host that is not up.
  const down = from !== undefined ? [from] : config.hosts.map((h) => h.name).filter((h) => !hostIsUp(fleet.state.hosts[h]?.state));
  const found: Array<{ host: string; inspect: SourceInspect; at: string }> = [];
  for (const h of down) {
    const r = await records.load(h, name);
    if (r) found.push({ host: h, inspect: recordedSource(r), at: r.seenAt });
  }
  if (found.length > 1) throw new UsageError(`${name} was recorded on ${found.map((f) => f.host).join(' and ')}: say which with --from HOST`);
  const f = found[0];
  if (!f) {
    const missing = down.length === 0
      ? `${name}: no such container on any host (${config.hosts.map((h) => h.name).join(', ')})`
      : `${name} is on no host that is up, and dockpit has no recorded configuration of it on ${down.join(', ')} (dockpit record, or the cockpit, records containers while their host is up)`;
    return { ...sourceFacts(from ?? down[0] ?? ''), inspect: null, recordedAt: null, missing };
  }
  return { ...sourceFacts(f.host), inspect: f.inspect, recordedAt: f.at };
}

/** Whether the image is on the target by ID, and whether its tag there names the same image. */
export async function imageOnTarget(docker: MigrateHost, inspect: SourceInspect, signal: AbortSignal): Promise<ImageOnTarget> {
  const ref = inspect.Config.Image;
  if (typeof ref === 'string' && !isIdReference(ref, inspect.Image)) {
    // A load would move the tag to our image under the target's other containers: refuse instead.
    const id = await docker.imageIdOf(ref, signal);
    if (id !== null) return id === inspect.Image ? 'present' : 'other-id';
  }
  return (await docker.imagePresent(inspect.Image, signal)) ? 'present' : 'absent';
}

/** The target's facts: containers, the pool's network, image, memory. A host that cannot answer is down. */
export async function targetFacts(config: FleetConfig, fleet: FleetSource, to: string, inspect: SourceInspect | null): Promise<TargetFacts> {
  const base = fleetFacts(config, fleet.state).find((h) => h.name === to) ?? { name: to, state: 'down' as const, error: 'not in the config', containers: [] };
  const docker = fleet.host(to);
  if (!hostIsUp(base.state) || !docker) return { ...base, image: 'unknown' };
  try {
    return await withDeadline(config.engine.callTimeoutMs, async (signal) => {
      const pool = inspect ? poolOf(config.pools, inspect) : null;
      const network = pool ? await docker.findNetwork(pool.network, signal) : undefined;
      const running = base.containers.filter((c) => c.state === 'running').map((c) => c.id);
      const mem = await docker.memory(running, signal);
      const image = inspect ? await imageOnTarget(docker, inspect, signal) : 'unknown';
      return { ...base, ...(network !== undefined && { network }), ...mem, image };
    });
  } catch (err) {
    return { ...base, state: 'down', error: toDockpitError(err).toString(), image: 'unknown' };
  }
}

export async function moveFacts(config: FleetConfig, records: InspectRecords, fleet: FleetSource, name: string, to: string, from?: string): Promise<MoveFacts> {
  const source = await locateSource(config, records, fleet, name, from);
  const target = await targetFacts(config, fleet, to, source.inspect);
  return { name, source, target, fleet: fleetFacts(config, fleet.state) };
}

/** Inspects in flight per host while reading an evacuated host's containers. */
const INSPECT_CONCURRENCY = 8;

export interface EvacuationFacts {
  source: Omit<SourceFacts, 'inspect'>;
  containers: SourceInspect[];
  fleet: HostFacts[];
  images: Map<string, Map<string, ImageOnTarget>>;
  networks: Map<string, Map<string, NetworkFacts | null>>;
}

/**
 * An evacuation's facts: every container of `host` (inspected live, or as recorded when the host is down),
 * and for each other up host (of `only`, when given) its memory, pool networks and which images it has.
 */
export async function evacuationFacts(config: FleetConfig, records: InspectRecords, fleet: FleetSource, host: string, only: readonly string[]): Promise<EvacuationFacts> {
  const h = fleet.state.hosts[host];
  const source: Omit<SourceFacts, 'inspect'> = { host, state: h?.state ?? 'down', error: h?.error ?? null, liveRestore: h?.liveRestore ?? null, recordedAt: null };
  let containers: SourceInspect[];
  const docker = fleet.host(host);
  if (hostIsUp(h?.state) && docker) {
    const listed = containerRows(fleet.state, { host });
    const recordErrors: string[] = [];
    containers = (
      await mapLimited(listed, INSPECT_CONCURRENCY, async (c) => {
        const i = await withDeadline(config.engine.callTimeoutMs, (s) => docker.inspect(c.id, s));
        if (!i) return null; // removed since the list
        const e = await saveRecord(records, host, i);
        if (e !== null) recordErrors.push(`${c.name}: ${e}`);
        return i;
      })
    ).filter((i): i is SourceInspect => i !== null);
    if (recordErrors.length > 0) source.recordError = recordErrors.length === 1 ? recordErrors[0]! : `${recordErrors[0]!} (and ${recordErrors.length - 1} more)`;
  } else {
    // A record of a container that runs on an up host now (moved since) is history, not something to bring back.
    const live = new Set(config.hosts.filter((x) => x.name !== host && hostIsUp(fleet.state.hosts[x.name]?.state)).flatMap((x) => containerRows(fleet.state, { host: x.name }).map((c) => c.name)));
    const recs = (await records.list(host)).filter((r) => !live.has(r.name));
    containers = recs.map(recordedSource);
    source.recordedAt = recs.map((r) => r.seenAt).sort()[0] ?? null;
  }
  const all = fleetFacts(config, fleet.state);
  const imageIds = [...new Set(containers.map((c) => c.Image))];
  const images = new Map<string, Map<string, ImageOnTarget>>();
  const networks = new Map<string, Map<string, NetworkFacts | null>>();
  const facts = await Promise.all(
    all.map(async (f): Promise<HostFacts> => {
      const d = fleet.host(f.name);
      if (f.name === host || !hostIsUp(f.state) || !d || (only.length > 0 && !only.includes(f.name))) return f;
      try {
        return await withDeadline(config.engine.callTimeoutMs * 4, async (signal) => {
          const nets = new Map<string, NetworkFacts | null>();
          for (const p of config.pools) nets.set(p.network, await d.findNetwork(p.network, signal));
          networks.set(f.name, nets);
          const imgs = new Map<string, ImageOnTarget>();
          for (const id of imageIds) imgs.set(id, await imageOnTarget(d, containers.find((c) => c.Image === id)!, signal));
          images.set(f.name, imgs);
          const running = f.containers.filter((c) => c.state === 'running').map((c) => c.id);
          return { ...f, ...(await d.memory(running, signal)) };
        });
      } catch (err) {
        return { ...f, state: 'down', error: toDockpitError(err).toString() };
      }
    }),
  );
  return { source, containers, fleet: facts, images, networks };
}

/** Gathers an evacuation's facts and plans it: `dockpit evacuate` and the cockpit's E alike. */
export async function planEvacuationOn(config: FleetConfig, records: InspectRecords, fleet: FleetSource, host: string, only: readonly string[], options: MoveOptions): Promise<EvacuationPlan> {
  const facts = await evacuationFacts(config, records, fleet, host, only);
  return planEvacuation({ ...facts, host, lines: config.lines, labels: config.labels, pools: config.pools, only, options });
}
