import { feasibleActions } from '../plans/plan.js';
import type { PlanPreview } from '../plans/types.js';

// The dangerous confirmation of a plan (issue 5, style.md after Shopify CLI): the blast radius first, then
// the operator types the plan's name exactly and presses Enter. Pure: the cockpit acts on `confirmed`.

export interface PlanConfirm {
  purpose: 'apply' | 'restore';
  plan: string;
  /** The run a restore puts back; null for apply. */
  runId: string | null;
  text: string;
  /** Said after a wrong Enter. */
  message: string | null;
}

export type ConfirmKey = { kind: 'char'; text: string } | { kind: 'backspace' } | { kind: 'submit' };

/** A typed-name line after a character or a backspace (by code point); the last message is cleared. */
export function typed<S extends { text: string; message: string | null }>(state: S, key: Exclude<ConfirmKey, { kind: 'submit' }>): S {
  const text = key.kind === 'char' ? state.text + key.text : [...state.text].slice(0, -1).join('');
  return { ...state, text, message: null };
}

export function openConfirm(purpose: 'apply' | 'restore', plan: string, runId: string | null = null): PlanConfirm {
  return { purpose, plan, runId, text: '', message: null };
}

/** One key in the confirmation line. Enter confirms only when the typed text is the plan's name, exactly. */
export function confirmKey(state: PlanConfirm, key: ConfirmKey): { state: PlanConfirm; confirmed: boolean } {
  switch (key.kind) {
    case 'char':
    case 'backspace':
      return { state: typed(state, key), confirmed: false };
    case 'submit':
      if (state.text === state.plan) return { state, confirmed: true };
      return {
        state: { ...state, message: `"${state.text}" is not "${state.plan}": nothing done (type the name exactly, Esc cancels)` },
        confirmed: false,
      };
  }
}

export interface BlastRadius {
  containers: number;
  hosts: number;
  /** Per business line: how many of its running containers the plan takes down. */
  lines: Array<{ line: string; down: number; running: number }>;
}

/** What a plan changes, counted from its preview's feasible actions: containers and hosts, and line by line what goes down. */
export function blastRadius(preview: PlanPreview): BlastRadius {
  const feasible = feasibleActions(preview);
  const containers = new Set(feasible.map((a) => `${a.host}\u0000${a.id}`));
  const hosts = new Set(feasible.map((a) => a.host));
  const lines = Object.entries(preview.perLine)
    .filter(([, l]) => l.down > 0)
    .map(([line, l]) => ({ line, down: l.down, running: l.running }))
    .sort((a, b) => b.down - a.down || a.line.localeCompare(b.line));
  return { containers: containers.size, hosts: hosts.size, lines };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function blastRadiusText(b: BlastRadius): string[] {
  const head = `changes ${plural(b.containers, 'container')} on ${plural(b.hosts, 'host')}`;
  const down = b.lines.length ? `down: ${b.lines.map((l) => `${l.line} ${l.down}/${l.running}`).join(', ')}` : 'takes no container down';
  return [head, down];
}

/**
 * What the confirmation says of refused actions (issue 12): the run does only the feasible ones, says so
 * before the name is typed, and ends partial. Null when nothing is refused.
 */
export function refusedText(preview: PlanPreview): string | null {
  const { feasible, refused } = preview.counts;
  if (refused === 0) return null;
  return `${plural(refused, 'action')} of ${feasible + refused} refused (listed below, with why): applying runs only the ${feasible} others, and the run ends partial`;
}
