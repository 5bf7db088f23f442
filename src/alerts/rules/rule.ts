import type { Container } from '../../engine/types.js';
import type { FleetState } from '../../store/state.js';
import type { AlertMemory } from '../memory.js';
import type { RuleSettings } from '../rules-config.js';

/** A cause that holds now: what it is about (the alert's identity within its rule), its labels, its summary. */
export interface Condition {
  /** Names the subject within the rule: `h2`, `h2/web-1`, `shop`, `biz:10.88.1.10`. */
  subject: string;
  /** host, container, bizline, tier where they apply (and e.g. `ip`, `run`); the evaluator adds alertname and severity. */
  labels: Record<string, string>;
  summary: string;
}

/** One built-in rule: pure, the time is a parameter. */
export type Rule<S extends RuleSettings = RuleSettings> = (state: FleetState, memory: AlertMemory, settings: S, now: number) => Condition[];

/** A container's labels: host, container (its name), and its line and tier when it has them. */
export function containerLabels(state: Pick<FleetState, 'lineTiers'>, c: Pick<Container, 'host' | 'name' | 'bizline' | 'tier'>): Record<string, string> {
  const labels: Record<string, string> = { host: c.host, container: c.name };
  if (c.bizline !== null) labels.bizline = c.bizline;
  const tier = (c.bizline !== null ? state.lineTiers[c.bizline] : undefined) ?? c.tier;
  if (tier !== null && tier !== undefined) labels.tier = String(tier);
  return labels;
}

/** "web-1 on h2 (shop)". */
export function containerText(c: Pick<Container, 'host' | 'name' | 'bizline'>): string {
  return `${c.name} on ${c.host}${c.bizline !== null ? ` (${c.bizline})` : ''}`;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}
