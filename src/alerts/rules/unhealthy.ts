import type { RulesConfig } from '../rules-config.js';
import { allContainers, containerLabels, containerText, type Condition, type Rule } from './rule.js';

/** unhealthy: a running container whose healthcheck fails ("(unhealthy)" in its status, or the last health event). */
export const unhealthy: Rule<RulesConfig['unhealthy']> = (state, memory) => {
  const out: Condition[] = [];
  for (const c of allContainers(state)) {
    if (c.state !== 'running') continue;
    const listed = c.status.includes('(unhealthy)');
    // The list and the events disagree for a moment after a change: the list wins once it says healthy.
    const evented = !c.status.includes('(healthy)') && memory.get(c.host, c.id)?.health === 'unhealthy';
    if (!listed && !evented) continue;
    out.push({ subject: `${c.host}/${c.name}`, labels: containerLabels(state, c), summary: `${containerText(c)}: healthcheck failing (${c.status})` });
  }
  return out;
};
