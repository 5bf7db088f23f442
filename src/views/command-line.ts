import { lineRows } from '../store/lines.js';
import type { FleetState } from '../store/state.js';
import type { Route } from './routes.js';

// The `:` command line: parsing and Tab completion, pure.

export const COMMANDS = ['lines', 'hosts', 'ps', 'ip', 'events', 'plans', 'alerts', 'host', 'line', 'run', 'help', 'quit'] as const;

export type CommandResult = { route: Route } | { help: true } | { quit: true } | { error: string };

function names(state: FleetState, command: string): string[] {
  if (command === 'host') return [...state.hostOrder];
  if (command === 'line') return lineRows(state).map((l) => l.name);
  return [];
}

/** `plansConfigured`: the cockpit was given degradation plans (CockpitActions.plans). */
export function parseCommandLine(text: string, state: FleetState, readOnly = false, plansConfigured = false): CommandResult {
  const [cmd = '', ...args] = text.trim().split(/\s+/);
  const arg = args.join(' ');
  switch (cmd) {
    case 'lines':
      return { route: { kind: 'lines' } };
    case 'hosts':
      return { route: { kind: 'hosts' } };
    case 'ps':
      return { route: { kind: 'containers' } };
    case 'ip':
      return { route: { kind: 'ips' } };
    case 'events':
      return { route: { kind: 'events' } };
    case 'plans':
      if (!plansConfigured) return { error: 'no degradation plans are configured yet' };
      return { route: { kind: 'plans' } };
    case 'alerts':
      return { route: { kind: 'alerts' } };
    case 'run':
      if (readOnly) return { error: 'read-only: placing containers is not available' };
      return { route: arg ? { kind: 'run', line: arg } : { kind: 'run' } };
    case 'help':
      return { help: true };
    case 'quit':
    case 'q':
      return { quit: true };
    case 'host':
      if (!arg) return { error: ':host needs a host name' };
      if (!Object.hasOwn(state.hosts, arg)) return { error: `no host "${arg}"` };
      return { route: { kind: 'containers', host: arg } };
    case 'line':
      if (!arg) return { error: ':line needs a business line' };
      if (!names(state, 'line').includes(arg)) return { error: `no business line "${arg}"` };
      return { route: { kind: 'containers', bizline: arg } };
    case '':
      return { error: 'type a command, Tab completes' };
    default:
      return { error: `unknown command ":${cmd}" (try :lines :hosts :ps :ip :events :plans :alerts :host NAME :line NAME)` };
  }
}

function commonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Completes the command or its argument; returns the new text and the candidates that remain. */
export function completeCommand(text: string, state: FleetState): { text: string; candidates: string[] } {
  const m = /^(\S*)(\s+)?(.*)$/.exec(text)!;
  const [, cmd = '', space, arg = ''] = m;
  if (!space) {
    // `host` and `line` are also prefixes of `hosts` and `lines`: typed in full, they want their argument.
    if (cmd === 'host' || cmd === 'line') return { text: `${cmd} `, candidates: names(state, cmd) };
    const candidates = COMMANDS.filter((c) => c.startsWith(cmd));
    if (candidates.length === 1) {
      const only = candidates[0]!;
      return { text: only === 'host' || only === 'line' ? `${only} ` : only, candidates };
    }
    return { text: commonPrefix(candidates) || cmd, candidates };
  }
  const candidates = names(state, cmd).filter((n) => n.startsWith(arg));
  const completed = candidates.length === 1 ? candidates[0]! : commonPrefix(candidates) || arg;
  return { text: `${cmd} ${completed}`, candidates };
}
