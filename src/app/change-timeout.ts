import type { FleetConfig } from '../config/types.js';

/** Engine calls that change something may take longer than a list: a generous bound, still a bound. */
export function changeTimeoutMs(config: Pick<FleetConfig, 'engine'>): number {
  return Math.max(config.engine.callTimeoutMs, 30_000);
}
