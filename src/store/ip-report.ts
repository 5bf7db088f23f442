import { detect, quadToInt, reservationsByName, type IpReport } from '../pool/detect.js';
import type { Reservation } from '../state/types.js';
import { containerRows } from './selectors.js';
import type { FleetState, HostContainers } from './state.js';

// Issue 4's detection over the store. The status line asks on every commit of a fleet of up to 10,000
// containers, where a full scan costs milliseconds: its counts are kept per host and updated only for the
// hosts whose containers changed (the store copies only a changed host's map). The IP view's full report
// is memoized on its inputs.

interface Inputs {
  containers: FleetState['containers'];
  hostOrder: FleetState['hostOrder'];
  /** Host states only: `hosts` changes with every probe's latency, which detection doesn't read. */
  hostStates: string;
  pools: FleetState['pools'];
  reservations: FleetState['reservations']['list'];
}

function inputsOf(state: FleetState): Inputs {
  let hostStates = '';
  for (const h of state.hostOrder) hostStates += `${state.hosts[h]?.state ?? 'connecting'},`;
  return { containers: state.containers, hostOrder: state.hostOrder, hostStates, pools: state.pools, reservations: state.reservations.list };
}

function sameInputs(a: Inputs, b: Inputs): boolean {
  return a.containers === b.containers && a.hostOrder === b.hostOrder && a.hostStates === b.hostStates && a.pools === b.pools && a.reservations === b.reservations;
}

/** A memoized full report: the same object while its inputs are the same objects. */
export function createIpReportSelector(): (state: FleetState) => IpReport {
  let last: { inputs: Inputs; report: IpReport } | null = null;
  return (state) => {
    const inputs = inputsOf(state);
    if (last && sameInputs(last.inputs, inputs)) return last.report;
    const report = detect({
      hosts: state.hostOrder.map((name) => ({ name, state: state.hosts[name]?.state ?? 'connecting' })),
      containers: containerRows(state),
      pools: state.pools,
      reservations: state.reservations.list,
    });
    last = { inputs, report };
    return report;
  };
}

export interface IpAlerts {
  /** Addresses held by two or more containers on a pool's network. */
  conflicts: number;
  /** Containers whose address differs from their name's reservation. */
  drift: number;
}

const NO_ALERTS: IpAlerts = Object.freeze({ conflicts: 0, drift: 0 });

/** One host's share: the pool addresses it holds (as numeric keys, one per holder) and its drift. */
interface HostIndex {
  of: HostContainers;
  keys: number[];
  drift: number;
}

/**
 * Conflict and drift counts, equal to `detect`'s `conflicts.length` and `drift.length`, kept incrementally.
 * Returns the same object while the counts stay the same: safe as a zustand selector (v5 loops on new objects).
 */
export function createIpAlertsSelector(): (state: FleetState) => IpAlerts {
  let pools: FleetState['pools'] | null = null;
  let reservations: readonly Reservation[] | null = null;
  let reserved = new Map<string, Reservation[]>();
  let perHost = new Map<string, HostIndex>();
  /** Holders per pool address; key = pool index × 2³² + address. */
  let holders = new Map<number, number>();
  let conflicts = 0;
  let drift = 0;
  let alerts = NO_ALERTS;

  const index = (hc: HostContainers): HostIndex => {
    const keys: number[] = [];
    let hostDrift = 0;
    for (const id of hc.order) {
      const c = hc.byId[id]!;
      pools!.forEach((pool, p) => {
        const ip = c.ips[pool.network];
        const n = ip ? quadToInt(ip) : null;
        if (n === null) return;
        keys.push(p * 2 ** 32 + n);
        for (const r of reserved.get(c.name) ?? []) if (r.pool === pool.name && r.ip !== ip) hostDrift++;
      });
    }
    return { of: hc, keys, drift: hostDrift };
  };
  const add = (ix: HostIndex, sign: 1 | -1) => {
    for (const k of ix.keys) {
      const before = holders.get(k) ?? 0;
      const after = before + sign;
      if (after === 0) holders.delete(k);
      else holders.set(k, after);
      if (before < 2 && after >= 2) conflicts++;
      if (before >= 2 && after < 2) conflicts--;
    }
    drift += sign * ix.drift;
  };

  return (state) => {
    if (state.pools.length === 0) return (alerts = NO_ALERTS);
    if (state.pools !== pools || state.reservations.list !== reservations) {
      pools = state.pools;
      reservations = state.reservations.list;
      reserved = reservationsByName(pools, reservations);
      perHost = new Map();
      holders = new Map();
      conflicts = 0;
      drift = 0;
    }
    const seen = new Set<string>();
    for (const host of state.hostOrder) {
      seen.add(host);
      const hc = state.containers[host];
      const prev = perHost.get(host);
      if (prev?.of === hc) continue;
      if (prev) add(prev, -1);
      if (hc) {
        const next = index(hc);
        add(next, 1);
        perHost.set(host, next);
      } else perHost.delete(host);
    }
    if (perHost.size > seen.size) {
      for (const [host, ix] of perHost) {
        if (seen.has(host)) continue;
        add(ix, -1);
        perHost.delete(host);
      }
    }
    if (conflicts !== alerts.conflicts || drift !== alerts.drift) alerts = { conflicts, drift };
    return alerts;
  };
}

/** The fleet's IP report (conflicts, drift, outside, stale, pool usage), memoized. */
export const selectIpReport = createIpReportSelector();

/** Conflict and drift counts for the status line: incremental, referentially stable. */
export const selectIpAlerts = createIpAlertsSelector();
