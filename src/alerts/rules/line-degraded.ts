import { lineRows, NO_LINE } from '../../store/lines.js';
import type { RulesConfig } from '../rules-config.js';
import { percent, type Condition, type Rule } from './rule.js';

/**
 * lineDegraded: the running share of a line's containers below `below`, or below `tiers[tier]` for a
 * line of that tier. A container on a host that is down counts as not running (lineRows).
 */
export const lineDegraded: Rule<RulesConfig['lineDegraded']> = (state, _memory, settings) => {
  const out: Condition[] = [];
  for (const l of lineRows(state)) {
    if (l.name === NO_LINE || l.total === 0) continue;
    const below = (l.tier !== null ? settings.tiers[l.tier] : undefined) ?? settings.below;
    const share = l.running / l.total;
    if (share >= below) continue;
    const labels: Record<string, string> = { bizline: l.name };
    if (l.tier !== null) labels.tier = String(l.tier);
    out.push({
      subject: l.name,
      labels,
      summary: `line ${l.name}${l.tier !== null ? ` (tier ${l.tier})` : ''}: ${l.running} of ${l.total} containers running (${percent(share)}, alert below ${percent(below)}) on ${l.hosts.join(', ')}`,
    });
  }
  return out;
};
