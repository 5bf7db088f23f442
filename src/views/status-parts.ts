import stringWidth from 'string-width';
import type { TeamStatus } from '../store/team.js';
import { fit } from '../render/format.js';

// The status line's parts, fitted into one line (pure; test/unit/status-parts.test.ts). Each part gets
// room in the order an operator needs it: the fleet's summary, the alerts firing (issue 15), an IP
// conflict, the runs of other operators, the last error, and the help last of all.

export const HELP = 'j/k move ⏎ open esc back q quit';

/** Room kept for the last error when the others' run must be said shorter (enough for `h2: REFUSED: conn…`). */
const ERROR_ROOM = 20;

/**
 * Issue 11, item 4: what the status line says about other operators' runs, longest form first: the
 * layout takes the longest that fits. `▶ alice@jump-a: plan shed 3/9 +1` while running; for a while
 * after, `✓ alice@jump-a: plan shed done` or `✗ … partial 7/9`.
 */
export function teamForms({ lead, more }: TeamStatus): string[] {
  if (!lead) return [];
  const who = lead.operator;
  const user = who.split('@')[0] ?? who;
  // A plan is known by its name alone; a migration's title says what moves where.
  const short = lead.kind === 'plan' ? lead.title.replace(/^plan /, '') : lead.title;
  const count = lead.total > 0 ? ` ${lead.done}/${lead.total}` : '';
  const forms =
    lead.status === 'running'
      ? [`${who}: ${lead.title}`, `${user}: ${lead.title}`, `${user}: ${short}`, user].map((f) => `▶ ${f}${count}${more > 0 ? ` +${more}` : ''}`)
      : lead.status === 'interrupted'
        ? // Issue 13: its dockpit is gone; it keeps its containers claimed until resumed or abandoned.
          [`${who}: ${lead.title}`, `${user}: ${lead.title}`, `${user}: ${short}`, user].map((f) => `⚠ ${f} interrupted${count}${more > 0 ? ` +${more}` : ''}`)
        : [`${who}: ${lead.title}`, `${user}: ${lead.title}`, `${user}: ${short}`, user].map((f) => `${lead.status === 'done' ? '✓' : '✗'} ${f} ${lead.status === 'done' ? 'done' : `${lead.status}${count}`}`);
  return [...new Set(forms)];
}

export interface StatusParts {
  summary: string;
  /** `⚠ 2 alerts` firing and not acknowledged (issue 15). */
  alerts: string;
  alert: string;
  team: string;
  /** The error, or blanks up to the help: together they fill the line. */
  error: string;
  help: string;
}

/** Fits the parts into `width` columns, in the order of what an operator needs most. */
export function layoutStatus(width: number, input: { summary: string; alerts?: string; alert: string; team: readonly string[]; error: string | null }): StatusParts {
  const summary = fit(input.summary, width).trimEnd();
  let rest = width - stringWidth(summary);
  const alerts = input.alerts && rest > 3 ? fit(` │ ${input.alerts}`, rest).trimEnd() : '';
  rest -= stringWidth(alerts);
  const alert = input.alert && rest > 3 ? fit(` │ ${input.alert}`, rest).trimEnd() : '';
  rest -= stringWidth(alert);
  let team = '';
  if (input.team.length > 0 && rest > 3) {
    // The longest form that leaves the error some room; else the shortest, cut if it must be.
    const keep = input.error ? Math.min(input.error.length + 3, ERROR_ROOM) : 0;
    const form = input.team.find((f) => stringWidth(f) + 3 <= rest - keep) ?? input.team[input.team.length - 1]!;
    team = fit(` │ ${form}`, rest).trimEnd();
  }
  rest -= stringWidth(team);
  // The help goes first when room runs short; the error is what an operator needs.
  const errLength = input.error ? input.error.length + 3 : 24;
  const help = rest >= HELP.length + errLength ? ` ${HELP}` : '';
  rest -= stringWidth(help);
  const error = input.error && rest > 3 ? fit(` │ ${input.error}`, rest) : ' '.repeat(Math.max(0, rest));
  return { summary, alerts, alert, team, error, help };
}
