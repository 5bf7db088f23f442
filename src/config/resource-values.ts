import { UsageError } from './config-error.js';

// Resource values as docker's CLI reads them, for `dockpit run` options and plan `limit` steps alike.

/** The engine refuses a memory limit below this (dockerd: "Minimum memory limit allowed is 6MB"). */
export const MIN_MEMORY_BYTES = 6 * 2 ** 20;

const UNITS: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** `256m`, `1g`, `1.5g`, `512MiB`, `1GB`, `1048576`: binary units, as docker's --memory reads them. */
export function parseMemory(text: string): number {
  const m = /^(\d+(?:\.\d+)?) ?(?:([kmgt])(?:i?b)?|b)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--memory ${text}: expected a size like 256m, 1g or 512MiB`);
  const bytes = Math.round(Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()]!);
  if (bytes < MIN_MEMORY_BYTES) throw new UsageError(`--memory ${text}: below the engine's minimum of 6MiB`);
  return bytes;
}

/**
 * The least CPU limit an engine can apply: the kernel's smallest CFS quota (1 ms) in docker's 100 ms period.
 * dockerd 20.10 accepts less at create and the start then fails deep in runc (`cpu.cfs_quota_us: invalid
 * argument`, issue 17, item 6).
 */
export const MIN_NANO_CPUS = 1e7;

/** `--cpus 1.5` → NanoCpus (1.5e9), as docker's --cpus. */
export function parseCpus(text: string): number {
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text.trim())) throw new UsageError(`--cpus ${text}: expected a number of CPUs like 0.5 or 2`);
  const nano = Math.round(Number(text) * 1e9);
  if (nano <= 0) throw new UsageError(`--cpus ${text}: expected more than 0`);
  if (nano < MIN_NANO_CPUS) throw new UsageError(`--cpus ${text}: below the engine's minimum of 0.01 CPUs`);
  return nano;
}

