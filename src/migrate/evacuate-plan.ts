import type { IpPool, LineSpec } from '../config/types.js';
import { allowedHosts, byPlacementRank, freeMemory, type HostFacts } from '../pool/place.js';
import { nameOf, type SourceInspect } from './container-spec.js';
import type { NetworkFacts } from '../pool/network-spec.js';
import { poolOf, preflight } from './preflight.js';
import type { Blocker, ImageOnTarget, MoveOptions, MovePlan, SourceFacts, TargetFacts } from './types.js';
import { hostIsUp } from '../engine/host-up.js';

// Issue 6, item 5: where each container of a host being evacuated goes. A pure planner: every container
// of the host (live inspect, or recorded when the host is down), the fleet, the lines' allowed hosts in;
// one move each (a preflight against its chosen target) or why none fits out. Choice per container, in
// order: the hosts its line may use (and `--to`, when given), up, with room for its memory limit; then
// fewest containers of its line (spreading the line, counting what this evacuation already sent there),
// most free memory left, config order.

export interface EvacuateInput {
  host: string;
  source: Omit<SourceFacts, 'inspect'>;
  /** Every container of the host: its inspect. */
  containers: readonly SourceInspect[];
  /** Every configured host, in config order (the source included). */
  fleet: readonly HostFacts[];
  /** Per candidate host: whether each image (by ID) is there. */
  images: ReadonlyMap<string, ReadonlyMap<string, ImageOnTarget>>;
  /** Per candidate host: each pool network as the engine has it (null: missing). */
  networks: ReadonlyMap<string, ReadonlyMap<string, NetworkFacts | null>>;
  lines: Readonly<Record<string, LineSpec>>;
  labels: { bizline: string };
  pools: readonly IpPool[];
  /** `--to`: only these hosts; empty: any the line allows. */
  only: readonly string[];
  options: MoveOptions;
}

export interface Unplaced {
  name: string;
  blocker: Blocker;
}

export interface EvacuationPlan {
  host: string;
  moves: MovePlan[];
  /** Containers no host can take, and why. */
  unplaced: Unplaced[];
  /** Per target host: how many containers it receives. */
  load: Record<string, number>;
}

const memoryOf = (i: SourceInspect) => (typeof i.HostConfig['Memory'] === 'number' ? (i.HostConfig['Memory'] as number) : 0);

export function planEvacuation(input: EvacuateInput): EvacuationPlan {
  const hostNames = input.fleet.map((h) => h.name);
  // What this evacuation has sent to each host so far: line counts and memory claimed.
  const sentLine = new Map<string, Map<string, number>>();
  const sentMemory = new Map<string, number>();
  const load: Record<string, number> = {};
  const moves: MovePlan[] = [];
  const unplaced: Unplaced[] = [];
  // Biggest memory first: they are the hardest to fit.
  const order = [...input.containers].sort((a, b) => memoryOf(b) - memoryOf(a) || nameOf(a).localeCompare(nameOf(b)));
  for (const inspect of order) {
    const name = nameOf(inspect);
    const line = inspect.Config.Labels?.[input.labels.bizline] ?? null;
    const spec = line === null ? undefined : input.lines[line];
    const allowed = spec ? allowedHosts({ hosts: input.fleet }, spec) : hostNames;
    const need = memoryOf(inspect);
    const candidates = input.fleet
      .filter((h) => h.name !== input.host && allowed.includes(h.name) && (input.only.length === 0 || input.only.includes(h.name)))
      .filter((h) => hostIsUp(h.state));
    const ranked = candidates
      .map((h, i) => {
        const n = line === null ? 0 : h.containers.filter((c) => c.bizline === line).length + (sentLine.get(h.name)?.get(line) ?? 0);
        const known = freeMemory(h);
        const free = known === null ? null : known - (sentMemory.get(h.name) ?? 0);
        return { h, i, n, free };
      })
      .filter((r) => need === 0 || r.free === null || r.free >= need)
      // Placement's own order, counting what this evacuation has already sent to each host.
      .sort(byPlacementRank);
    const best = ranked[0];
    if (!best) {
      const why = candidates.length === 0
        ? `no host ${line ? `of line ${line} ` : ''}is up besides ${input.host}${input.only.length > 0 ? ` among --to ${input.only.join(',')}` : ''}`
        : `no host ${line ? `of line ${line} ` : ''}has ${Math.round(need / 2 ** 20)} MiB free`;
      unplaced.push({ name, blocker: { code: 'TARGET_DOWN', message: `${name}: ${why}` } });
      continue;
    }
    const pool = poolOf(input.pools, inspect);
    const network = pool ? input.networks.get(best.h.name)?.get(pool.network) : undefined;
    const target: TargetFacts = { ...best.h, ...(network !== undefined && { network }), image: input.images.get(best.h.name)?.get(inspect.Image) ?? 'unknown' };
    const pf = preflight({ name, source: { ...input.source, inspect }, target, fleet: input.fleet }, input.pools, input.options);
    if (!pf.ok) {
      unplaced.push({ name, blocker: pf.blocker });
      continue;
    }
    moves.push(pf.plan);
    load[best.h.name] = (load[best.h.name] ?? 0) + 1;
    sentMemory.set(best.h.name, (sentMemory.get(best.h.name) ?? 0) + need);
    if (line !== null) {
      const m = sentLine.get(best.h.name) ?? new Map<string, number>();
      m.set(line, (m.get(line) ?? 0) + 1);
      sentLine.set(best.h.name, m);
    }
  }
  return { host: input.host, moves, unplaced, load };
}

/** Everything that stops an evacuation as planned, one line each: blocked moves, then containers no host takes. */
export function evacuationProblems(ev: EvacuationPlan): string[] {
  return [...ev.moves.flatMap((m) => m.blockers.map((b) => `${m.name}: ${b.message}`)), ...ev.unplaced.map((u) => u.blocker.message)];
}
