import { humanDuration } from '../duration.js';
import { diesWithin } from '../memory.js';
import type { RulesConfig } from '../rules-config.js';
import { containerLabels, type Condition, type Rule } from './rule.js';

/** restartLoop: `restarts` dies of one container within `within` (each die of a loop is a restart). */
export const restartLoop: Rule<RulesConfig['restartLoop']> = (state, memory, settings, now) => {
  const out: Condition[] = [];
  for (const m of memory.values()) {
    if (m.dies.length < settings.restarts) continue;
    const n = diesWithin(m, now, settings.withinMs);
    if (n < settings.restarts) continue;
    const c = state.containers[m.host]?.byId[m.id];
    const subject = { host: m.host, name: c?.name ?? m.name, bizline: c?.bizline ?? null, tier: c?.tier ?? null };
    const exit = m.lastDie?.exitCode !== null && m.lastDie?.exitCode !== undefined ? `, last exit code ${m.lastDie.exitCode}` : '';
    out.push({
      subject: `${m.host}/${subject.name}`,
      labels: containerLabels(state, subject),
      summary: `${subject.name} on ${m.host}${subject.bizline ? ` (${subject.bizline})` : ''}: restart loop, ${n} restarts in ${humanDuration(settings.withinMs)}${exit}`,
    });
  }
  return out;
};
