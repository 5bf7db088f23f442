import { UsageError } from '../config/config-error.js';
import type { FleetConfig } from '../config/types.js';

/** `--host H` (or the form's host) must name a configured host: a usage error (exit 2) before anything is contacted. */
export function requireHost(host: string | undefined, config: Pick<FleetConfig, 'hosts' | 'source'>): void {
  if (host !== undefined && !config.hosts.some((h) => h.name === host)) {
    throw new UsageError(`--host ${host}: no such host in ${config.source} (hosts: ${config.hosts.map((h) => h.name).join(', ')})`);
  }
}
