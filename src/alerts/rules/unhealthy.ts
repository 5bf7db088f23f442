import type { RulesConfig } from '../rules-config.js';
import { containerLabels, containerText, type Condition, type Rule } from './rule.js';

/** unhealthy: a running container whose healthcheck fails ("(unhealthy)" in its status, or the last health event). */
export const unhealthy: Rule<RulesConfig['unhealthy']> = (state, memory) => {
  const out: Condition[] = [];
  // Plain loops: every second over every container (10,000 in the bench).
  for (const host of state.hostOrder) {
    const hc = state.containers[host];
    if (!hc) continue;
    for (const id of hc.order) {
      const c = hc.byId[id]!;
      if (c.state !== 'running') continue;
      const listed = c.status.includes('(unhealthy)');
      // The list and the events disagree for a moment after a change: the list wins once it says healthy.
      const evented = !listed && !c.status.includes('(healthy)') && memory.get(c.host, c.id)?.health === 'unhealthy';
      if (!listed && !evented) continue;
      out.push({ subject: `${c.host}/${c.name}`, labels: containerLabels(state, c), summary: `${containerText(c)}: healthcheck failing (${c.status})` });
    }
  }
  return out;
};
