import type { IpPool, LineSpec } from '../config/types.js';
import type { Container, HostState } from '../engine/types.js';
import { allocate, type AddressInUse } from './allocate.js';
import type { Reservation } from '../state/types.js';
import { networkDifferences, type NetworkFacts } from './network-spec.js';
import { hostIsUp } from '../engine/host-up.js';

// Issue 4, item 5: where a new container of a business line goes, and with which address. A pure planner
// (style.md): a snapshot of the fleet, the config and the ledger in, a decision or a refusal out. The
// decision is the dry run's output; `dockpit run` computes it again inside the ledger's lock and executes it.

export interface HostFacts {
  name: string;
  state: HostState;
  error: string | null;
  /** Every container the host's engine listed (all states). */
  containers: readonly Container[];
  /**
   * The pool's network on this host as its engine reports it; null: there is none. Undefined: not looked
   * up (the planner then takes it on trust).
   */
  network?: NetworkFacts | null;
  /** Engine `/info` MemTotal. */
  memTotalBytes?: number | null;
  /** Sum of the memory limits of its running containers (0 for a container without one). */
  memLimitsBytes?: number | null;
}

export interface PlacementConfig {
  pools: readonly IpPool[];
  lines: Readonly<Record<string, LineSpec>>;
  labels: { bizline: string; tier: string };
  hosts: ReadonlyArray<{ name: string }>;
}

export interface PlacementSnapshot extends PlacementConfig {
  /** Every configured host, in config order. */
  facts: readonly HostFacts[];
  reservations: readonly Reservation[];
  /**
   * Issue 12, item 4: a reservation of the line whose container no host lists yet, made less than `windowMs`
   * before `now` (epoch ms), is a placement under way on its host and counts toward the host's load.
   */
  underWay: { now: number; windowMs: number };
}

export interface PlacementRequest {
  name: string;
  line: string;
  /** `--host`: place there or nowhere. */
  host?: string;
}

export interface PlacementDecision {
  name: string;
  line: string;
  tier: number;
  host: string;
  ip: string;
  pool: string;
  network: string;
  /** The bizline and tier labels, under the config's label keys. */
  labels: Record<string, string>;
  /** The name already had this address in the ledger. */
  reused: boolean;
  /** Why this host, for the operator. */
  why: string;
}

export type RefusalCode =
  | 'UNKNOWN_LINE'
  | 'NO_POOL'
  | 'UNKNOWN_HOST'
  | 'HOST_NOT_ALLOWED'
  | 'NAME_IN_USE'
  | 'NAME_ON_DOWN_HOST'
  | 'HOST_DOWN'
  | 'NO_HOST_UP'
  | 'NETWORK_MISSING'
  | 'NETWORK_MISMATCH'
  | 'POOL_FULL'
  | 'RESERVED_ELSEWHERE'
  | 'RESERVED_IP_TAKEN';

export interface Refusal {
  code: RefusalCode;
  message: string;
  /** A usage error: decided from the config alone, nothing needs contacting (exit 2). */
  usage: boolean;
}

export type Placement =
  | { ok: true; decision: PlacementDecision; warnings: string[] }
  | { ok: false; refusal: Refusal; warnings: string[] };

const usage = (code: RefusalCode, message: string): Refusal => ({ code, message, usage: true });
const refuse = (code: RefusalCode, message: string): Refusal => ({ code, message, usage: false });

/** The hosts a line may use: its `hosts:`, or every host when it lists none. */
export function allowedHosts(config: Pick<PlacementConfig, 'hosts'>, line: LineSpec): string[] {
  return line.hosts.length > 0 ? [...line.hosts] : config.hosts.map((h) => h.name);
}

/** Placement's order of candidate hosts: fewest of the line (`n`), then most free memory (unknown last), then config order (`i`). */
export function byPlacementRank(a: { n: number; free: number | null; i: number }, b: { n: number; free: number | null; i: number }): number {
  return a.n - b.n || (b.free ?? -Infinity) - (a.free ?? -Infinity) || a.i - b.i;
}

/** What the config alone can refuse: checked before anything is contacted. */
export function checkRequest(config: PlacementConfig, req: PlacementRequest): Refusal | null {
  const line = config.lines[req.line];
  if (!line) {
    const known = Object.keys(config.lines);
    return usage('UNKNOWN_LINE', `--line ${req.line}: no such line in lines: (${known.length > 0 ? known.join(', ') : 'none configured'})`);
  }
  if (line.pool === null) return usage('NO_POOL', `--line ${req.line}: the line has no pool: (set lines.${req.line}.pool to one of ipPools:)`);
  if (!config.pools.some((p) => p.name === line.pool)) return usage('NO_POOL', `--line ${req.line}: unknown pool ${line.pool}`);
  if (req.host !== undefined) {
    if (!config.hosts.some((h) => h.name === req.host)) {
      return usage('UNKNOWN_HOST', `--host ${req.host}: no such host (hosts: ${config.hosts.map((h) => h.name).join(', ')})`);
    }
    const allowed = allowedHosts(config, line);
    if (!allowed.includes(req.host)) return usage('HOST_NOT_ALLOWED', `--host ${req.host}: line ${req.line} may only use ${allowed.join(', ')}`);
  }
  return null;
}

const isUp = (h: HostFacts) => hostIsUp(h.state);

/** MemTotal less the memory limits of the running containers; null when MemTotal is unknown. */
export function freeMemory(h: Pick<HostFacts, 'memTotalBytes' | 'memLimitsBytes'>): number | null {
  return h.memTotalBytes == null ? null : h.memTotalBytes - (h.memLimitsBytes ?? 0);
}

function gib(bytes: number | null): string {
  return bytes === null ? 'memory unknown' : `${(bytes / 2 ** 30).toFixed(1)} GiB free`;
}

/** The network check for one host: null when it fits (or was not looked up). */
function networkRefusal(pool: IpPool, h: HostFacts): Refusal | null {
  if (h.network === undefined) return null;
  if (h.network === null) {
    return refuse('NETWORK_MISSING', `${h.name} has no network ${pool.network} for pool ${pool.name} (dockpit network ensure --host ${h.name} --pool ${pool.name})`);
  }
  const diff = networkDifferences(pool, h.network);
  return diff.length === 0 ? null : refuse('NETWORK_MISMATCH', `${h.name}'s network ${pool.network} differs from pool ${pool.name}: ${diff.join(', ')}`);
}

export function place(s: PlacementSnapshot, req: PlacementRequest): Placement {
  const warnings: string[] = [];
  const no = (refusal: Refusal): Placement => ({ ok: false, refusal, warnings });
  const bad = checkRequest(s, req);
  if (bad) return no(bad);
  const line = s.lines[req.line]!;
  const pool = s.pools.find((p) => p.name === line.pool)!;

  // A name is unique across the fleet, in any state (a Dead or exited container still holds it).
  const holders = s.facts.filter((h) => h.containers.some((c) => c.name === req.name));
  if (holders.length > 0) {
    const where = holders.map((h) => `${h.name} (${h.containers.find((c) => c.name === req.name)!.state})`).join(', ');
    return no(refuse('NAME_IN_USE', `${req.name} already exists on ${where}`));
  }
  const down = s.facts.filter((h) => !isUp(h));
  const own = s.reservations.find((r) => r.name === req.name);
  const ownDown = own?.host ? down.find((h) => h.name === own.host) : undefined;
  if (ownDown) {
    return no(refuse('NAME_ON_DOWN_HOST', `${req.name} is reserved on ${ownDown.name} (${own!.ip}), which is ${ownDown.state}: it may still run there`));
  }
  for (const h of down) {
    warnings.push(`${h.name} is ${h.state}${h.error ? ` (${h.error})` : ''}: its containers' names and addresses were not checked`);
  }

  // Every address on the pool's network, whichever host reports it: the hosts share one LAN.
  const inUse: AddressInUse[] = [];
  for (const h of s.facts) {
    for (const c of h.containers) {
      const ip = c.ips[pool.network];
      if (ip) inUse.push({ ip, host: h.name, name: c.name });
    }
  }

  let host: string;
  let why: string;
  if (req.host !== undefined) {
    const h = s.facts.find((f) => f.name === req.host);
    if (!h || !isUp(h)) return no(refuse('HOST_DOWN', `--host ${req.host} is ${h?.state ?? 'unknown'}${h?.error ? ` (${h.error})` : ''}`));
    const net = networkRefusal(pool, h);
    if (net) return no(net);
    host = h.name;
    why = 'asked for with --host';
  } else {
    const allowed = allowedHosts(s, line);
    const candidates = s.facts.filter((h) => allowed.includes(h.name));
    const up = candidates.filter(isUp);
    if (up.length === 0) {
      return no(refuse('NO_HOST_UP', `none of line ${req.line}'s hosts is up (${candidates.map((h) => `${h.name} ${h.state}`).join(', ')})`));
    }
    const fit = up.filter((h) => networkRefusal(pool, h) === null);
    if (fit.length === 0) {
      const why = up.map((h) => networkRefusal(pool, h)!);
      return no(refuse(why[0]!.code, `no host of line ${req.line} has pool ${pool.name}'s network as it should be: ${why.map((r) => r.message).join('; ')}`));
    }
    const ofLine = (h: HostFacts) => h.containers.filter((c) => c.bizline === req.line).length;
    const coming = placementsUnderWay(s, req);
    // Fewest containers of the line first, those being placed included (spread it, also when racing), then
    // most free memory (MemTotal minus the limits of running containers; unknown last), then config order.
    const ranked = fit
      .map((h, i) => ({ h, i, listed: ofLine(h), coming: coming.get(h.name) ?? 0, free: freeMemory(h) }))
      .map((r) => ({ ...r, n: r.listed + r.coming }))
      .sort(byPlacementRank);
    host = ranked[0]!.h.name;
    const count = (r: (typeof ranked)[number]) => (r.coming > 0 ? `${r.n} (${r.coming} being placed)` : String(r.n));
    why = `fewest ${req.line} containers, then most free memory: ${ranked.map((r) => `${r.h.name} ${count(r)}, ${gib(r.free)}`).join('; ')}`;
    const skipped = up.filter((h) => !fit.includes(h));
    if (skipped.length > 0) warnings.push(...skipped.map((h) => `${networkRefusal(pool, h)!.message}: not a candidate`));
  }

  const a = allocate({ pool, line: req.line, name: req.name, reservations: s.reservations, inUse });
  if (!a.ok) return no(refuse(a.code, a.message));
  return {
    ok: true,
    warnings,
    decision: {
      name: req.name,
      line: req.line,
      tier: line.tier,
      host,
      ip: a.ip,
      pool: pool.name,
      network: pool.network,
      labels: { [s.labels.bizline]: req.line, [s.labels.tier]: String(line.tier) },
      reused: a.reused,
      why,
    },
  };
}

/**
 * Placements of the request's line under way, per host: reservations of the line (other names) made within
 * the window whose container no host lists yet. Once a host lists the container, it counts there as a
 * container and its reservation no more (never twice); a reservation older than the window whose container
 * never appeared (a failed create, a container removed by hand) no longer counts.
 */
export function placementsUnderWay(s: Pick<PlacementSnapshot, 'facts' | 'reservations' | 'underWay'>, req: Pick<PlacementRequest, 'name' | 'line'>): Map<string, number> {
  const listed = new Set<string>();
  for (const h of s.facts) for (const c of h.containers) listed.add(c.name);
  const out = new Map<string, number>();
  for (const r of s.reservations) {
    if (r.line !== req.line || r.host === null || r.name === req.name || listed.has(r.name)) continue;
    const at = Date.parse(r.at);
    if (!Number.isFinite(at) || s.underWay.now - at > s.underWay.windowMs) continue;
    out.set(r.host, (out.get(r.host) ?? 0) + 1);
  }
  return out;
}

/** The ledger after a decision: the name's reservation, kept (with its new host) or added. */
export function reserve(current: readonly Reservation[], d: PlacementDecision, by: string, at: string): Reservation[] {
  const own = current.find((r) => r.name === d.name);
  const rest = current.filter((r) => r.name !== d.name);
  return [...rest, own ? { ...own, host: d.host, line: d.line } : { name: d.name, pool: d.pool, ip: d.ip, line: d.line, host: d.host, at, by }];
}
