import { formatBytes } from '../../render/format.js';
import type { Container, StatsSample } from '../../engine/types.js';
import { lineOf, NO_LINE } from '../../store/lines.js';
import type { FleetState } from '../../store/state.js';
import type { RulesConfig } from '../rules-config.js';
import { containerLabels, containerText, percent, type Condition, type Rule } from './rule.js';

// CPU and memory thresholds (state.stats: the latest sample of each running container; the background
// rotation reads every container within a few seconds). CPU is percent of one core, as `docker stats`;
// memory a share of the limit (a container with no limit reports the host's memory as its limit).

/**
 * Each running container with a sample, host by host: plain loops, not a generator (issue 15 bench: at
 * 10,000 containers, every second, the generator and sampleOf cost 4 ms a rule).
 */
function forSampled(state: FleetState, visit: (c: Container, s: StatsSample) => void): void {
  for (const host of state.hostOrder) {
    const hc = state.containers[host];
    const stats = state.stats[host];
    if (!hc || !stats) continue;
    for (const id of hc.order) {
      const s = stats[id];
      if (!s) continue;
      const c = hc.byId[id]!;
      if (c.state === 'running') visit(c, s);
    }
  }
}

/** containerCpu: a running container above `above` percent of one core. */
export const containerCpu: Rule<RulesConfig['containerCpu']> = (state, _memory, settings) => {
  const out: Condition[] = [];
  forSampled(state, (c, s) => {
    if (s.cpuPercent <= settings.above) return;
    out.push({ subject: `${c.host}/${c.name}`, labels: containerLabels(state, c), summary: `${containerText(c)}: CPU ${Math.round(s.cpuPercent)} % of a core (alert above ${settings.above} %)` });
  });
  return out;
};

/** containerMemory: a running container above `above` of its memory limit. */
export const containerMemory: Rule<RulesConfig['containerMemory']> = (state, _memory, settings) => {
  const out: Condition[] = [];
  forSampled(state, (c, s) => {
    if (s.memLimitBytes <= 0) return;
    const share = s.memBytes / s.memLimitBytes;
    if (share <= settings.above) return;
    out.push({
      subject: `${c.host}/${c.name}`,
      labels: containerLabels(state, c),
      summary: `${containerText(c)}: memory ${formatBytes(s.memBytes)} of ${formatBytes(s.memLimitBytes)} limit (${percent(share)}, alert above ${percent(settings.above)})`,
    });
  });
  return out;
};

interface LineUse {
  tier: number | null;
  cpu: number;
  mem: number;
  limit: number;
  sampled: number;
}

/** lineCpu and lineMemory read the same sums in one evaluation: computed once per store snapshot. */
let lastUse: { hostOrder: FleetState['hostOrder']; containers: FleetState['containers']; stats: FleetState['stats']; lineTiers: FleetState['lineTiers']; use: Map<string, LineUse> } | null = null;

function lineUse(state: FleetState): Map<string, LineUse> {
  if (lastUse && lastUse.hostOrder === state.hostOrder && lastUse.containers === state.containers && lastUse.stats === state.stats && lastUse.lineTiers === state.lineTiers) return lastUse.use;
  const use = sumLines(state);
  lastUse = { hostOrder: state.hostOrder, containers: state.containers, stats: state.stats, lineTiers: state.lineTiers, use };
  return use;
}

function sumLines(state: FleetState): Map<string, LineUse> {
  const lines = new Map<string, LineUse>();
  forSampled(state, (c, s) => {
    const name = lineOf(c);
    if (name === NO_LINE) return;
    let l = lines.get(name);
    if (!l) lines.set(name, (l = { tier: state.lineTiers[name] ?? c.tier, cpu: 0, mem: 0, limit: 0, sampled: 0 }));
    else if (state.lineTiers[name] === undefined && c.tier !== null && (l.tier === null || c.tier < l.tier)) l.tier = c.tier;
    l.cpu += s.cpuPercent;
    l.mem += s.memBytes;
    l.limit += s.memLimitBytes;
    l.sampled++;
  });
  return lines;
}

function lineLabels(name: string, l: LineUse): Record<string, string> {
  return l.tier !== null ? { bizline: name, tier: String(l.tier) } : { bizline: name };
}

/** lineCpu: a line's running containers together above `above` percent of one core. */
export const lineCpu: Rule<RulesConfig['lineCpu']> = (state, _memory, settings) => {
  const out: Condition[] = [];
  for (const [name, l] of lineUse(state)) {
    if (l.cpu <= settings.above) continue;
    out.push({ subject: name, labels: lineLabels(name, l), summary: `line ${name}: CPU ${Math.round(l.cpu)} % of a core over ${l.sampled} containers (alert above ${settings.above} %)` });
  }
  return out;
};

/** lineMemory: a line's memory over its containers' summed limits above `above`. */
export const lineMemory: Rule<RulesConfig['lineMemory']> = (state, _memory, settings) => {
  const out: Condition[] = [];
  for (const [name, l] of lineUse(state)) {
    if (l.limit <= 0) continue;
    const share = l.mem / l.limit;
    if (share <= settings.above) continue;
    out.push({
      subject: name,
      labels: lineLabels(name, l),
      summary: `line ${name}: memory ${formatBytes(l.mem)} of ${formatBytes(l.limit)} summed limits over ${l.sampled} containers (${percent(share)}, alert above ${percent(settings.above)})`,
    });
  }
  return out;
};
