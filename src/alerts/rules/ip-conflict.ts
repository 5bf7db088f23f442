import type { IpReport } from '../../pool/detect.js';
import type { FleetState } from '../../store/state.js';
import type { RulesConfig } from '../rules-config.js';
import { type Condition, type Rule } from './rule.js';

/**
 * ipConflict: one pool address held by two or more containers (an outage on a bridged LAN), and, with
 * `drift`, a container whose address is not its name's reservation. `report` is the fleet's IP report
 * (src/store/ip-report.ts, memoized per evaluator).
 */
export function ipConflictRule(report: (state: FleetState) => IpReport): Rule<RulesConfig['ipConflict']> {
  return (state, _memory, settings) => {
    if (state.pools.length === 0) return [];
    const r = report(state);
    const out: Condition[] = [];
    for (const c of r.conflicts) {
      const holders = c.holders.map((h) => `${h.name} on ${h.host}`).join(', ');
      const hosts = [...new Set(c.holders.map((h) => h.host))];
      out.push({
        subject: `${c.pool}:${c.ip}`,
        labels: { ip: c.ip, pool: c.pool, host: hosts.join(','), container: c.holders.map((h) => h.name).join(',') },
        summary: `IP conflict: ${c.ip} (pool ${c.pool}) held by ${c.holders.length} containers: ${holders}`,
      });
    }
    if (settings.drift) {
      for (const d of r.drift) {
        out.push({
          subject: `drift:${d.host}/${d.name}`,
          labels: { ip: d.actual, pool: d.pool, host: d.host, container: d.name },
          summary: `IP drift: ${d.name} on ${d.host} has ${d.actual}, its reservation in pool ${d.pool} is ${d.reserved}`,
        });
      }
    }
    return out;
  };
}
