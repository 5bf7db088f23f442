import type { RulesConfig } from '../rules-config.js';
import type { Rule } from './rule.js';

/** hostDown: the engine can't be reached (refused, gone, or not answering at all). */
export const hostDown: Rule<RulesConfig['hostDown']> = (state) => {
  const out = [];
  for (const name of state.hostOrder) {
    const h = state.hosts[name];
    if (h?.state !== 'down') continue;
    const seen = h.lastSeen !== null ? `, last answer ${new Date(h.lastSeen).toISOString().slice(11, 19)} UTC` : ', never reached';
    out.push({ subject: name, labels: { host: name }, summary: `${name}: engine down (${h.error ?? 'no answer'})${seen}` });
  }
  return out;
};
