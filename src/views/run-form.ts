// The placement form (`:run`), as pure data and a pure key reducer; RunFormScreen draws it.
import type { RunRequest } from '../app/ports.js';

export const RUN_FIELDS = [
  { key: 'name', label: 'name', hint: 'container name (unique in the fleet)' },
  { key: 'line', label: 'line', hint: 'business line (Tab completes)' },
  { key: 'host', label: 'host', hint: 'empty: dockpit picks among the line’s hosts' },
  { key: 'image', label: 'image', hint: 'image present on the engines' },
  { key: 'command', label: 'command', hint: 'optional, split on spaces' },
  { key: 'env', label: 'env', hint: 'K=V, comma separated' },
  { key: 'cpus', label: 'cpus', hint: 'e.g. 0.5' },
  { key: 'memory', label: 'memory', hint: 'e.g. 256m, 1g' },
  { key: 'restart', label: 'restart', hint: 'no, always, unless-stopped, on-failure[:N]' },
] as const;

export type RunFieldKey = (typeof RUN_FIELDS)[number]['key'];

export type RunFormPhase = 'edit' | 'previewing' | 'preview' | 'running' | 'done';

export interface RunFormState {
  values: Record<RunFieldKey, string>;
  focus: number;
  phase: RunFormPhase;
  /** The planner's decision or the outcome, as lines; errors start with "error:". */
  message: string[];
}

export function emptyRunForm(line = ''): RunFormState {
  const values = Object.fromEntries(RUN_FIELDS.map((f) => [f.key, ''])) as Record<RunFieldKey, string>;
  values.line = line;
  values.restart = 'unless-stopped';
  return { values, focus: 0, phase: 'edit', message: [] };
}

export function toRunRequest(values: Record<RunFieldKey, string>): RunRequest | { error: string } {
  const v = (k: RunFieldKey) => values[k].trim();
  if (!v('name')) return { error: 'name is required' };
  if (!v('line')) return { error: 'line is required' };
  if (!v('image')) return { error: 'image is required' };
  const env = v('env') ? v('env').split(',').map((e) => e.trim()).filter(Boolean) : [];
  const bad = env.find((e) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(e));
  if (bad) return { error: `env "${bad}": expected KEY=VALUE` };
  return {
    name: v('name'),
    line: v('line'),
    host: v('host') || null,
    image: v('image'),
    command: v('command') ? v('command').split(/\s+/) : [],
    env,
    cpus: v('cpus') || null,
    memory: v('memory') || null,
    restart: v('restart') || null,
  };
}

export type RunFormKey =
  | { kind: 'char'; text: string }
  | { kind: 'backspace' }
  | { kind: 'next' }
  | { kind: 'prev' }
  | { kind: 'complete'; candidates: string[] }
  | { kind: 'submit' };

/** One key in the form. `submit` moves edit → previewing and preview → running; the caller acts on those. */
export function runFormKey(state: RunFormState, key: RunFormKey): RunFormState {
  const field = RUN_FIELDS[state.focus]!.key;
  if (state.phase === 'previewing' || state.phase === 'running') return state;
  if (state.phase === 'preview' || state.phase === 'done') {
    if (key.kind === 'submit' && state.phase === 'preview') return { ...state, phase: 'running' };
    if (key.kind === 'submit' && state.phase === 'done') return state;
    // Any edit goes back to editing: the preview no longer describes the form.
    if (key.kind === 'char' || key.kind === 'backspace') return runFormKey({ ...state, phase: 'edit', message: [] }, key);
    return state;
  }
  switch (key.kind) {
    case 'char':
      return { ...state, values: { ...state.values, [field]: state.values[field] + key.text } };
    case 'backspace':
      return { ...state, values: { ...state.values, [field]: state.values[field].slice(0, -1) } };
    case 'next':
      return { ...state, focus: (state.focus + 1) % RUN_FIELDS.length };
    case 'prev':
      return { ...state, focus: (state.focus - 1 + RUN_FIELDS.length) % RUN_FIELDS.length };
    case 'complete': {
      const typed = state.values[field];
      const matches = key.candidates.filter((c) => c.startsWith(typed));
      return matches.length === 1 ? { ...state, values: { ...state.values, [field]: matches[0]! } } : state;
    }
    case 'submit': {
      const request = toRunRequest(state.values);
      if ('error' in request) return { ...state, message: [`error: ${request.error}`] };
      return { ...state, phase: 'previewing', message: ['asking the planner…'] };
    }
  }
}
