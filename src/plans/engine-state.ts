import type { PlannedAction, PriorState } from './types.js';

// Pure pieces of the executor (issue 5): the prior state read from inspect, whether an action's target is
// already reached, and the update bodies for limit and restore. Kept apart so they are tested exactly.

/** The fields of `GET /containers/{id}/json` the plans read. */
export interface InspectLike {
  Id?: string;
  Name?: string;
  State?: { Status?: string; Running?: boolean; Paused?: boolean };
  HostConfig?: {
    NanoCpus?: number;
    CpuQuota?: number;
    CpuPeriod?: number;
    CpuShares?: number;
    Memory?: number;
    MemorySwap?: number;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  };
}

const STATES: ReadonlySet<PriorState['state']> = new Set(['running', 'paused', 'exited', 'created', 'restarting', 'removing', 'dead']);

export function priorOf(info: InspectLike): PriorState {
  const h = info.HostConfig ?? {};
  const s = info.State?.Status as PriorState['state'] | undefined;
  return {
    state: s && STATES.has(s) ? s : info.State?.Paused ? 'paused' : info.State?.Running ? 'running' : 'exited',
    nanoCpus: h.NanoCpus ?? 0,
    cpuQuota: h.CpuQuota ?? 0,
    cpuPeriod: h.CpuPeriod ?? 0,
    cpuShares: h.CpuShares ?? 0,
    memoryBytes: h.Memory ?? 0,
    memorySwapBytes: h.MemorySwap ?? 0,
    restartPolicy: { name: h.RestartPolicy?.Name ?? '', maximumRetryCount: h.RestartPolicy?.MaximumRetryCount ?? 0 },
  };
}

/** Docker's default CFS period (µs), used when a container's CPU is capped by quota rather than NanoCpus. */
const DEFAULT_CPU_PERIOD = 100_000;

/**
 * "No memory limit" as the engine can set it on a running container: the largest page-aligned value, what
 * the kernel itself reports for an unlimited cgroup (engine-facts.md: `Memory: 0` is ignored by an update,
 * -1 refused). Sent for MemorySwap too: measured on the fleet (20.10, cgroup v1 with swap accounting),
 * `MemorySwap: -1` with it fails from a 256m/512m container (memory is written before memsw, which is
 * still 512m: EINVAL), while both at this value succeed. 2^63 - 4096 is exactly a double, but
 * JSON.stringify rounds its digits: it is sent through container-update.ts.
 */
export const MEMORY_UNLIMITED = 9_223_372_036_854_771_712;

/** The engine's smallest memory limit ("Minimum memory limit allowed is 6MB"). */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

/** CPU shares of a container created without them: the kernel's default weight. */
const DEFAULT_CPU_SHARES = 1024;

/**
 * What a container's limits mean in effect, whatever fields express them (issue 12: restore puts back the
 * effective limits, not the raw fields, which the engine cannot always set back):
 * - cpu: NanoCpus when set, else CpuQuota/CpuPeriod (period 0 = the default 100 ms) when the quota is > 0,
 *   else null: no CPU limit (NanoCpus 0 with CpuQuota 0 or -1);
 * - memory: null for no limit (Memory 0 or MEMORY_UNLIMITED and above); memorySwap null when unlimited
 *   (MemorySwap 0, -1 or MEMORY_UNLIMITED and above) or when there is no memory limit (swap alone limits nothing);
 * - cpuShares: 0 (not set) is the default 1024.
 */
export interface EffectiveLimits {
  nanoCpus: number | null;
  memoryBytes: number | null;
  memorySwapBytes: number | null;
  cpuShares: number;
}

export function effectiveLimits(p: PriorState): EffectiveLimits {
  const quotaCpus = p.cpuQuota > 0 ? Math.round((p.cpuQuota * 1e9) / (p.cpuPeriod > 0 ? p.cpuPeriod : DEFAULT_CPU_PERIOD)) : null;
  const memoryBytes = p.memoryBytes > 0 && p.memoryBytes < MEMORY_UNLIMITED ? p.memoryBytes : null;
  return {
    nanoCpus: p.nanoCpus > 0 ? p.nanoCpus : quotaCpus,
    memoryBytes,
    memorySwapBytes: memoryBytes !== null && p.memorySwapBytes > 0 && p.memorySwapBytes < MEMORY_UNLIMITED ? p.memorySwapBytes : null,
    cpuShares: p.cpuShares > 0 ? p.cpuShares : DEFAULT_CPU_SHARES,
  };
}

/**
 * The `POST /containers/{id}/update` body for a limit. A container capped by NanoCpus keeps NanoCpus (the
 * engine refuses to mix it with CpuQuota); every other one is capped by CpuPeriod/CpuQuota, which restore
 * can lift again (`CpuQuota: -1`), unlike NanoCpus. Memory above the current MemorySwap is refused ("update
 * the memoryswap at the same time"): MemorySwap is always sent, still unlimited if it was on a limited
 * container, else at least twice the new memory (what `docker run -m` gives; so also on a container that
 * had no memory limit).
 */
export function limitBody(limit: NonNullable<PlannedAction['limit']>, now: PriorState): Record<string, number> {
  const body: Record<string, number> = {};
  if (limit.nanoCpus !== null) {
    if (now.nanoCpus > 0) body.NanoCpus = limit.nanoCpus;
    else {
      const period = now.cpuPeriod > 0 ? now.cpuPeriod : DEFAULT_CPU_PERIOD;
      body.CpuPeriod = period;
      body.CpuQuota = Math.max(1000, Math.round((limit.nanoCpus / 1e9) * period));
    }
  }
  if (limit.memoryBytes !== null) {
    body.Memory = limit.memoryBytes;
    const e = effectiveLimits(now);
    if (e.memoryBytes === null) body.MemorySwap = limit.memoryBytes * 2;
    else body.MemorySwap = e.memorySwapBytes === null ? MEMORY_UNLIMITED : Math.max(e.memorySwapBytes, limit.memoryBytes * 2);
  }
  if (limit.cpuShares !== null) body.CpuShares = limit.cpuShares;
  return body;
}

/** True when the container already shows what the action would make of it: no call needed. */
export function reached(action: PlannedAction, now: PriorState): boolean {
  switch (action.action) {
    case 'stop':
      return now.state !== 'running' && now.state !== 'paused' && now.state !== 'restarting';
    case 'pause':
      return now.state === 'paused';
    case 'limit': {
      const l = action.limit;
      if (!l) return true;
      const e = effectiveLimits(now);
      const cpuOk =
        l.nanoCpus === null ||
        (now.nanoCpus > 0 ? now.nanoCpus === l.nanoCpus : now.cpuQuota > 0 && now.cpuQuota === limitBody({ nanoCpus: l.nanoCpus, memoryBytes: null, cpuShares: null }, now).CpuQuota);
      return cpuOk && (l.memoryBytes === null || e.memoryBytes === l.memoryBytes) && (l.cpuShares === null || e.cpuShares === l.cpuShares);
    }
  }
}

const cpusText = (n: number | null) => (n === null ? 'no CPU limit' : `${n / 1e9} CPUs`);
const bytesText = (n: number | null) => (n === null ? 'no limit' : `${n} bytes`);

/** How `now`'s effective limits and restart policy differ from `prior`'s, one phrase each; empty when the same. */
export function configDiff(prior: PriorState, now: PriorState): string[] {
  const p = effectiveLimits(prior);
  const n = effectiveLimits(now);
  const out: string[] = [];
  if (p.nanoCpus !== n.nanoCpus) out.push(`cpu ${cpusText(n.nanoCpus)}, was ${cpusText(p.nanoCpus)}`);
  if (p.memoryBytes !== n.memoryBytes) out.push(`memory ${bytesText(n.memoryBytes)}, was ${bytesText(p.memoryBytes)}`);
  if (p.memorySwapBytes !== n.memorySwapBytes) out.push(`memory+swap ${bytesText(n.memorySwapBytes)}, was ${bytesText(p.memorySwapBytes)}`);
  if (p.cpuShares !== n.cpuShares) out.push(`cpu shares ${n.cpuShares}, was ${p.cpuShares}`);
  if (prior.restartPolicy.name !== now.restartPolicy.name || prior.restartPolicy.maximumRetryCount !== now.restartPolicy.maximumRetryCount) {
    out.push(`restart policy ${now.restartPolicy.name || 'no'}:${now.restartPolicy.maximumRetryCount}, was ${prior.restartPolicy.name || 'no'}:${prior.restartPolicy.maximumRetryCount}`);
  }
  return out;
}

/** The effective limits and the restart policy of `a` and `b` are the same (see effectiveLimits). */
export function sameConfig(a: PriorState, b: PriorState): boolean {
  return configDiff(a, b).length === 0;
}

/**
 * The update body that puts `prior`'s effective limits and restart policy back, only what differs. In an
 * update 0 means "leave as is", so "no limit" is sent as what the engine accepts and enforces as none
 * (engine-facts.md, measured on 20.10): `CpuQuota: -1` for the CPU, MEMORY_UNLIMITED for memory and swap,
 * 1024 for the default CPU shares. A NanoCpus limit cannot be lifted at all; limitBody never
 * sets one on a container that had none, and restoreRun's check after the call reports it if someone did.
 */
export function restoreBody(prior: PriorState, now: PriorState): Record<string, unknown> {
  const p = effectiveLimits(prior);
  const n = effectiveLimits(now);
  const body: Record<string, unknown> = {};
  if (p.nanoCpus !== n.nanoCpus) {
    if (prior.nanoCpus > 0) body.NanoCpus = prior.nanoCpus;
    else if (prior.cpuQuota > 0) {
      body.CpuQuota = prior.cpuQuota;
      if (prior.cpuPeriod > 0) body.CpuPeriod = prior.cpuPeriod;
    } else body.CpuQuota = -1;
  }
  if (p.memoryBytes !== n.memoryBytes || p.memorySwapBytes !== n.memorySwapBytes) {
    // Sent together: the engine checks Memory against MemorySwap.
    body.Memory = p.memoryBytes ?? MEMORY_UNLIMITED;
    body.MemorySwap = p.memorySwapBytes ?? MEMORY_UNLIMITED;
  }
  if (p.cpuShares !== n.cpuShares) body.CpuShares = p.cpuShares;
  if (prior.restartPolicy.name !== now.restartPolicy.name || prior.restartPolicy.maximumRetryCount !== now.restartPolicy.maximumRetryCount) {
    body.RestartPolicy = { Name: prior.restartPolicy.name, MaximumRetryCount: prior.restartPolicy.maximumRetryCount };
  }
  return body;
}

/**
 * Why the engine would refuse this limit on `host`, or null. Pure, and the same check for the planner
 * (from the store) and the executor (live): memory under the engine's minimum, and more CPUs than the host
 * has (`/info` NCPU; the engine refuses NanoCpus above it, and a quota above it would cap nothing). An
 * unknown CPU count (null) refuses nothing.
 */
export function limitRefusal(limit: NonNullable<PlannedAction['limit']>, host: string, hostCpus: number | null): string | null {
  if (limit.memoryBytes !== null && limit.memoryBytes < MIN_MEMORY_BYTES) {
    return `memory ${limit.memoryBytes} bytes is below the engine's minimum of 6 MiB`;
  }
  if (limit.nanoCpus !== null && hostCpus !== null && hostCpus > 0 && limit.nanoCpus > hostCpus * 1e9) {
    return `cpus ${limit.nanoCpus / 1e9} is more than the ${hostCpus} CPUs of ${host}: the engine refuses such a limit`;
  }
  return null;
}
