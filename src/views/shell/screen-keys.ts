import { NO_LINE } from '../../store/lines.js';
import type { Command } from '../keymap.js';
import { goTo, withFilter } from '../navigation.js';
import { screenFor } from './registry.js';
import type { Shell } from './shell.js';
import { lineForPlacing } from './table-screens.js';
import type { LineModes } from './use-line-mode.js';

/** Commands that mean something on some screens only: elsewhere they do nothing (the screen binds them). */
const SCREEN_ONLY: ReadonlySet<Command> = new Set(['reveal', 'follow', 'migrate', 'evacuate', 'leaveData', 'applyPlan', 'restorePlan', 'cancelRun', 'ackAlert']);

/** A command in normal mode: the screen's own binding first, then the cockpit's. */
export function screenKey(shell: Shell, lines: LineModes, command: Command, quit: () => void): void {
  const top = shell.top();
  const screen = screenFor(top.route);
  const own = screen.keys?.[command];
  if (own) return own(shell, top.route);
  if (SCREEN_ONLY.has(command)) return;
  switch (command) {
    case 'quit':
      return quit();
    case 'help':
      return lines.openHelp();
    case 'command':
      return lines.openCommand();
    case 'filter':
      if (screen.filterable) lines.openFilter(top.filter);
      return;
    case 'moveProgress':
      return shell.moves.showRun();
    case 'plans':
      if (!shell.actions.plans) return shell.setFlash('no degradation plans are configured yet');
      return shell.setStack((s) => (top.route.kind === 'plans' ? [...s] : goTo(s, { kind: 'plans' })));
    case 'place': {
      if (!shell.actions.place) return shell.setFlash('placing containers is not available here');
      const line = lineForPlacing(shell, top.route);
      shell.form.open(line && line !== NO_LINE ? line : '');
      return shell.setStack((s) => goTo(s, line ? { kind: 'run', line } : { kind: 'run' }));
    }
    case 'back':
      if (top.filter && screen.filterable) return shell.setStack((s) => withFilter(s, ''));
      return shell.navigate('back');
    default:
      return shell.navigate(command);
  }
}
