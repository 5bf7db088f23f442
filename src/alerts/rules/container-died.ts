import { isUnexpected } from '../memory.js';
import type { RulesConfig } from '../rules-config.js';
import { containerLabels, containerText, type Condition, type Rule } from './rule.js';

/**
 * containerDied: a `die` with a non-zero exit code that no stop explains (docker stop: kill(15) → die →
 * stop; docker kill: kill(9) → die, no stop), while the container stays not running. A die after an OOM
 * kill is oomKilled's to tell, and a container that died again within the restart loop's window is
 * restartLoop's: the engine restarting it (`--restart always`) with growing pauses would otherwise make one
 * containerDied per pause longer than `clear:`, the hundred alerts hysteresis is there to prevent.
 */
export const containerDied: Rule<RulesConfig['containerDied']> = (state, memory, settings, now) => {
  const out: Condition[] = [];
  for (const m of memory.values()) {
    const d = m.lastDie;
    if (!d || !isUnexpected(d) || d.exitCode === null) continue;
    if (m.unexpectedBeforeAt !== null && d.at - m.unexpectedBeforeAt < memory.dieWindowMs) continue;
    if (settings.clearAfterMs > 0 && now - d.at >= settings.clearAfterMs) continue;
    const c = state.containers[m.host]?.byId[m.id];
    if (!c || c.state === 'running' || c.state === 'restarting') continue;
    out.push({
      subject: `${c.host}/${c.name}`,
      labels: containerLabels(state, c),
      summary: `${containerText(c)}: died unexpectedly (exit code ${d.exitCode}${d.exitCode > 128 ? `, signal ${d.exitCode - 128}` : ''}), not running since ${new Date(d.at).toISOString().slice(11, 19)} UTC`,
    });
  }
  return out;
};
