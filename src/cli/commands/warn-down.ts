import { hostRows } from '../../store/selectors.js';
import type { FleetState } from '../../store/state.js';

/**
 * One stderr line per host that is down (only `host`'s with --host), JSON or not: stdout stays the answer a
 * script parses, and stderr says the answer lacks that host (F14: `ps --json` said nothing of a refused host).
 */
export function warnDownHosts(state: FleetState, err: (line: string) => void, host?: string): void {
  for (const h of hostRows(state)) {
    if (h.state === 'down' && (host === undefined || h.name === host)) err(`warning: host ${h.name} is down: ${h.error ?? 'unknown'}`);
  }
}
