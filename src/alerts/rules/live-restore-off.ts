import type { RulesConfig } from '../rules-config.js';
import type { Condition, Rule } from './rule.js';

/** liveRestoreOff: the engine reports live-restore disabled (its containers die with the daemon). */
export const liveRestoreOff: Rule<RulesConfig['liveRestoreOff']> = (state) => {
  const out: Condition[] = [];
  for (const name of state.hostOrder) {
    if (state.hosts[name]?.liveRestore !== false) continue;
    out.push({ subject: name, labels: { host: name }, summary: `${name}: live-restore is off: its containers stop whenever dockerd restarts or dies` });
  }
  return out;
};
