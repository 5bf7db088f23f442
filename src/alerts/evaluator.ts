import type { DomainEvent } from '../engine/types.js';
import type { FleetState } from '../store/state.js';
import { AlertMemory } from './memory.js';
import { builtInRules, type RuleSet } from './rules/index.js';
import { RULE_KEYS, type AlertsConfig, type RuleSettings } from './rules-config.js';
import type { Rule } from './rules/rule.js';
import { AlertMachine } from './state-machine.js';
import type { Alert, AlertTransition } from './types.js';

// Issue 15, item 2: the alert rules over the fleet store. Pure: no timers, no I/O; the caller (`dockpit
// watch`, the cockpit's alerting service) feeds it the engine's events as they come and calls evaluate
// every `alerts.evaluateEvery` with the store's state and the time.

export interface EvaluatorOptions {
  /** How long a resolved alert stays listed (default 15 min). */
  keepResolvedMs?: number;
  /** How often a firing alert is re-sent as 'refresh' (default 60 s). */
  resendMs?: number;
}

/** A container gone from the store is forgotten once its last event is this old (the list lags events). */
const FORGET_AFTER_MS = 60_000;

export class AlertEvaluator {
  private readonly memory: AlertMemory;
  private readonly machine: AlertMachine;
  private readonly rules: RuleSet = builtInRules();

  constructor(
    private readonly settings: AlertsConfig['rules'],
    opts: EvaluatorOptions = {},
  ) {
    this.memory = new AlertMemory(settings.restartLoop.withinMs);
    this.machine = new AlertMachine({ keepResolvedMs: opts.keepResolvedMs ?? 15 * 60_000, resendMs: opts.resendMs ?? 60_000 });
  }

  /**
   * O(1) per event: counts dies, restarts, OOM kills and health changes per container.
   * @param at local epoch ms it arrived (default: the engine's time of the event).
   */
  observe(event: DomainEvent, at?: number): void {
    this.memory.observe(event, at);
  }

  /** The rules' conditions now, through the state machine: what changed (firing, resolved, refresh). */
  evaluate(state: FleetState, now: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    this.memory.prune(now, FORGET_AFTER_MS, (host, id) => state.containers[host]?.byId[id] !== undefined);
    for (const key of RULE_KEYS) {
      const settings: RuleSettings = this.settings[key];
      if (!settings.enabled) {
        this.machine.drop(key, now, out);
        continue;
      }
      const rule = this.rules[key] as Rule<RuleSettings>;
      this.machine.step(key, settings, rule(state, this.memory, settings, now), now, out);
    }
    this.machine.finish(now, out);
    return out;
  }

  /** Silences an alert until `until` (epoch ms); null when no such alert is pending or firing. */
  ack(key: string, until: number, by: string): Alert | null {
    return this.machine.ack(key, until, by);
  }

  /** What the store's alerts slice holds, ordered as src/store/alerts.ts says; the same array while nothing changed. */
  list(): readonly Alert[] {
    return this.machine.list();
  }

  /** Containers with remembered events (for the metrics and the memory bound's tests). */
  get remembered(): number {
    return this.memory.size;
  }
}
