import type { RulesConfig } from '../rules-config.js';
import { containerLabels, type Condition, type Rule } from './rule.js';

/** oomKilled: an `oom` event; holds `clearAfter` after the last one. */
export const oomKilled: Rule<RulesConfig['oomKilled']> = (state, memory, settings, now) => {
  const out: Condition[] = [];
  for (const m of memory.values()) {
    if (m.oomAt === null || now - m.oomAt >= settings.clearAfterMs) continue;
    const c = state.containers[m.host]?.byId[m.id];
    const subject = { host: m.host, name: c?.name ?? m.name, bizline: c?.bizline ?? null, tier: c?.tier ?? null };
    out.push({
      subject: `${m.host}/${subject.name}`,
      labels: containerLabels(state, subject),
      summary: `${subject.name} on ${m.host}${subject.bizline ? ` (${subject.bizline})` : ''}: killed by the kernel, out of memory (at ${new Date(m.oomAt).toISOString().slice(11, 19)} UTC)${c ? `, now ${c.state}` : ''}`,
    });
  }
  return out;
};
