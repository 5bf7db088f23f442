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
 * The `POST /containers/{id}/update` body for a limit. The engine refuses NanoCpus on a container capped
 * by CpuQuota/CpuPeriod (and the reverse), so such a container gets the same cap as a quota. Memory above
 * the current MemorySwap is refused ("update the memoryswap at the same time"): MemorySwap is always sent,
 * unlimited (-1) if it was, else at least twice the new memory (what `docker run -m` gives).
 */
export function limitBody(limit: NonNullable<PlannedAction['limit']>, now: PriorState): Record<string, number> {
  const body: Record<string, number> = {};
  if (limit.nanoCpus !== null) {
    if (now.cpuQuota > 0 || now.cpuPeriod > 0) {
      const period = now.cpuPeriod > 0 ? now.cpuPeriod : DEFAULT_CPU_PERIOD;
      body.CpuPeriod = period;
      body.CpuQuota = Math.max(1000, Math.round((limit.nanoCpus / 1e9) * period));
    } else body.NanoCpus = limit.nanoCpus;
  }
  if (limit.memoryBytes !== null) {
    body.Memory = limit.memoryBytes;
    body.MemorySwap = now.memorySwapBytes === -1 ? -1 : Math.max(now.memorySwapBytes, limit.memoryBytes * 2);
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
      const cpuOk =
        l.nanoCpus === null ||
        now.nanoCpus === l.nanoCpus ||
        (now.cpuQuota > 0 && now.cpuQuota === limitBody({ nanoCpus: l.nanoCpus, memoryBytes: null, cpuShares: null }, now).CpuQuota);
      return cpuOk && (l.memoryBytes === null || now.memoryBytes === l.memoryBytes) && (l.cpuShares === null || now.cpuShares === l.cpuShares);
    }
  }
}

/** The limits and restart policy of `a` and `b` are the same. */
export function sameConfig(a: PriorState, b: PriorState): boolean {
  return (
    a.nanoCpus === b.nanoCpus &&
    a.cpuQuota === b.cpuQuota &&
    a.cpuPeriod === b.cpuPeriod &&
    a.cpuShares === b.cpuShares &&
    a.memoryBytes === b.memoryBytes &&
    a.memorySwapBytes === b.memorySwapBytes &&
    a.restartPolicy.name === b.restartPolicy.name &&
    a.restartPolicy.maximumRetryCount === b.restartPolicy.maximumRetryCount
  );
}

/**
 * The update body that puts `prior`'s limits and restart policy back, only the fields that differ. In an
 * update 0 means "leave as is", so "no limit" is sent as the engine's unlimited value: -1 for Memory,
 * MemorySwap and CpuQuota. NanoCpus cannot be set back to 0 by an update (the engine refuses negatives),
 * nor CpuShares/CpuPeriod: those stay, and the restore then reports the container as not equal to its prior.
 * TO VERIFY on the real fleet (issue 5 "restore equality").
 */
export function restoreBody(prior: PriorState, now: PriorState): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const unset = (v: number) => (v === 0 ? -1 : v);
  if (prior.nanoCpus !== now.nanoCpus && prior.nanoCpus !== 0) body.NanoCpus = prior.nanoCpus;
  if (prior.cpuQuota !== now.cpuQuota) body.CpuQuota = unset(prior.cpuQuota);
  if (prior.cpuPeriod !== now.cpuPeriod && prior.cpuPeriod !== 0) body.CpuPeriod = prior.cpuPeriod;
  if (prior.cpuShares !== now.cpuShares && prior.cpuShares !== 0) body.CpuShares = prior.cpuShares;
  if (prior.memoryBytes !== now.memoryBytes || prior.memorySwapBytes !== now.memorySwapBytes) {
    // Sent together: the engine checks Memory against MemorySwap.
    body.Memory = unset(prior.memoryBytes);
    body.MemorySwap = unset(prior.memorySwapBytes);
  }
  if (prior.restartPolicy.name !== now.restartPolicy.name || prior.restartPolicy.maximumRetryCount !== now.restartPolicy.maximumRetryCount) {
    body.RestartPolicy = { Name: prior.restartPolicy.name, MaximumRetryCount: prior.restartPolicy.maximumRetryCount };
  }
  return body;
}

/**
 * Why a limit could not be undone exactly, or null. The engine's update cannot remove a limit once set
 * (measured on dockerd 20.10: NanoCpus 0 and Memory 0 are ignored, -1 is refused; CpuShares 0 is ignored),
 * so limiting a container that has none would make restore impossible: refuse that action instead.
 */
export function irreversibleLimit(limit: NonNullable<PlannedAction['limit']>, prior: PriorState): string | null {
  if (limit.memoryBytes !== null && prior.memoryBytes === 0) {
    return 'has no memory limit, and the engine cannot remove one once set: restore could not put it back (give it a limit first)';
  }
  if (limit.nanoCpus !== null && prior.nanoCpus === 0 && prior.cpuQuota <= 0) {
    return 'has no CPU limit, and the engine cannot remove one once set: restore could not put it back (give it a limit first)';
  }
  if (limit.cpuShares !== null && prior.cpuShares === 0) {
    return 'has the default CPU shares, which the engine cannot set back once changed: restore could not put them back';
  }
  return null;
}
