// CPU, memory and network figures from the engine's stats JSON, as `docker stats` computes them, but from
// two one-shot samples of our own (a one-shot sample carries no usable precpu_stats: engine-facts.md).

/** The fields of `GET /containers/{id}/stats` that dockpit reads. */
export interface RawStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null }; system_cpu_usage?: number; online_cpus?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/** What one raw sample reduces to; two of them make a StatsSample. */
export interface Reading {
  /** Engine time of the read, ms. */
  readMs: number;
  cpuTotal: number;
  systemTotal: number;
  onlineCpus: number;
  memBytes: number;
  memLimitBytes: number;
  rxBytes: number;
  txBytes: number;
}

/** Memory in use without the page cache, as the docker CLI shows it (cgroup v1 and v2). */
export function memoryWithoutCache(mem: RawStats['memory_stats']): number {
  const usage = mem?.usage ?? 0;
  const stats = mem?.stats ?? {};
  const v1 = stats.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats.inactive_file;
  if (v2 !== undefined && v2 < usage) return usage - v2;
  return usage;
}

export function toReading(raw: RawStats): Reading | null {
  const cpu = raw.cpu_stats;
  if (!cpu?.cpu_usage || cpu.system_cpu_usage === undefined) return null; // a stopped container has none
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(raw.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  return {
    readMs: raw.read ? Date.parse(raw.read) : Date.now(),
    cpuTotal: cpu.cpu_usage.total_usage ?? 0,
    systemTotal: cpu.system_cpu_usage,
    onlineCpus: cpu.online_cpus || cpu.cpu_usage.percpu_usage?.length || 1,
    memBytes: memoryWithoutCache(raw.memory_stats),
    memLimitBytes: raw.memory_stats?.limit ?? 0,
    rxBytes: rx,
    txBytes: tx,
  };
}

export interface Rates {
  cpuPercent: number;
  rxBytesPerSec: number;
  txBytesPerSec: number;
}

/**
 * Rates between two readings of one container. Counters that went backwards (a restart) or a zero interval
 * give 0, never a negative or infinite figure.
 */
export function ratesBetween(prev: Reading, next: Reading): Rates {
  const cpuDelta = next.cpuTotal - prev.cpuTotal;
  const sysDelta = next.systemTotal - prev.systemTotal;
  const cpuPercent = cpuDelta > 0 && sysDelta > 0 ? (cpuDelta / sysDelta) * next.onlineCpus * 100 : 0;
  const seconds = (next.readMs - prev.readMs) / 1000;
  const rate = (a: number, b: number) => (seconds > 0 && b >= a ? (b - a) / seconds : 0);
  return { cpuPercent, rxBytesPerSec: rate(prev.rxBytes, next.rxBytes), txBytesPerSec: rate(prev.txBytes, next.txBytes) };
}
