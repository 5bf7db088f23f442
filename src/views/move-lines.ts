import type { EvacuationPlan } from '../migrate/evacuate-plan.js';
import type { MoveStatus, MoveView, StepView } from '../migrate/journal.js';
import { movePlanLines } from '../migrate/preview-lines.js';
import type { Blocker, BlockerCode, MovePlan } from '../migrate/types.js';
import type { MoveTarget, MoveTargets } from '../app/ports.js';
import { fit, formatBytes } from '../render/format.js';
import type { MoveRun } from '../store/own-runs.js';
import { formatElapsed } from './plan-progress.js';
import type { ScreenLine } from './plan-lines.js';
import { printable } from '../render/printable.js';

// The migration screens as lines of text (issue 6), pure: the screens only scroll and draw them.

/** Blockers the operator lifts in the cockpit: L (leave data behind) and the fencing confirmation. */
const OPERATOR_LIFTS: ReadonlySet<BlockerCode> = new Set(['LOCAL_DATA', 'NOT_FENCED']);

export const hardBlockers = (blockers: readonly Blocker[]) => blockers.filter((b) => !OPERATOR_LIFTS.has(b.code));

/** Why Enter on a preview does nothing: hard blockers, or only data that L would leave behind. */
export function refusalNote(blockers: readonly Blocker[]): string {
  return hardBlockers(blockers).length > 0 ? 'blocked: see the red lines (nothing done)' : 'local data blocks it: L leaves it behind (nothing done)';
}

/** Whether the preview may go on to the confirmation: nothing blocks but the fencing, asked there. */
export function canConfirm(plan: MovePlan): boolean {
  return plan.blockers.every((b) => b.code === 'NOT_FENCED');
}

function row(cells: Array<[string, number]>): string {
  return cells.map(([v, w]) => fit(printable(v), w)).join(' ').trimEnd();
}

const mib = (b: number) => formatBytes(b);
const mounts = (n: number) => `${n} mount${n === 1 ? '' : 's'}`;

// ---- the target picker ----

export interface Verdict {
  text: string;
  color: 'green' | 'yellow' | 'red';
}

export function targetVerdict(t: MoveTarget, from: string): Verdict {
  const hard = hardBlockers(t.blockers);
  if (hard.length > 0) return { text: `blocked: ${hard.map((b) => b.message).join('; ')}`, color: 'red' };
  const needs: string[] = [];
  if (t.blockers.some((b) => b.code === 'LOCAL_DATA')) needs.push('L (leave data behind)');
  if (t.blockers.some((b) => b.code === 'NOT_FENCED')) needs.push(`your word: ${from} fenced`);
  const outside = t.lineAllows === false ? ' · not one of its line’s hosts' : '';
  if (needs.length > 0) return { text: `needs ${needs.join(' and ')}${outside}`, color: 'yellow' };
  return { text: `ok${outside}`, color: outside ? 'yellow' : 'green' };
}

const TARGET_COLUMNS: Array<[string, number]> = [['HOST', 10], ['STATE', 9], ['FREE MEM', 9], ['CONTAINERS', 10], ['SAME LINE', 9]];

export function targetHeader(): string {
  return `${row(TARGET_COLUMNS)} PREFLIGHT`;
}

export function targetLine(t: MoveTarget, from: string): ScreenLine {
  const v = targetVerdict(t, from);
  const cells = [t.host, t.state, t.freeBytes === null ? '-' : formatBytes(Math.max(0, t.freeBytes)), String(t.containers), String(t.ofLine)];
  const text = `${cells.map((c, i) => fit(printable(c), TARGET_COLUMNS[i]![1])).join(' ')} ${printable(v.text)}`;
  return { text, color: v.color };
}

/** The line above the picker: what moves, from where. */
export function targetsTitle(t: MoveTargets): ScreenLine {
  const line = t.line ? `line ${t.line}, ` : '';
  const mem = t.memoryBytes > 0 ? `memory limit ${mib(t.memoryBytes)}` : 'no memory limit';
  return { text: `⏎ preview · esc back │ ${printable(t.name)}: ${printable(line)}${mem}, on ${t.from} (${t.fromState})`, bold: true };
}

// ---- the preview of one move ----

function blockerLines(plan: MovePlan): ScreenLine[] {
  const out: ScreenLine[] = [];
  for (const b of plan.blockers) {
    if (b.code === 'LOCAL_DATA') {
      const what = plan.localData.map((d) => `${d.type} ${d.source} → ${d.destination}`).join(', ');
      out.push({ text: `BLOCKED: data on ${plan.from} cannot move: ${printable(what)}`, color: 'red', bold: true });
      out.push({ text: `  press L to leave it behind: ${plan.name} then starts on ${plan.to} without it`, color: 'red' });
    } else if (b.code === 'NOT_FENCED') {
      out.push({ text: `NEEDS YOUR WORD: ${plan.from} is fenced (powered off or cut from the LAN): you type "${plan.from}" to confirm it`, color: 'yellow', bold: true });
    } else {
      out.push({ text: `BLOCKED (${b.code}): ${printable(b.message)}`, color: 'red', bold: true });
    }
  }
  return out;
}

/** A source host that cannot be reached: said first, in words, before any step. */
function fenceBanner(host: string, recordedAt: string | null): ScreenLine[] {
  return [
    { text: `${host} CANNOT BE REACHED: dockpit will not touch it; the move starts from its configuration recorded at ${recordedAt ?? '?'}`, color: 'yellow', bold: true },
    { text: `if ${host} still runs the container, its address would run twice: confirm only if ${host} is fenced`, color: 'yellow' },
  ];
}

/** The preview: the source's state, the steps (movePlanLines), data left behind, warnings, then what blocks it. */
export function movePreviewLines(plan: MovePlan): ScreenLine[] {
  const out: ScreenLine[] = [];
  if (plan.sourceMode === 'recorded') out.push(...fenceBanner(plan.from, plan.recordedAt));
  // The blockers are drawn below from their codes: the core's messages name CLI flags (--leave-data, --fenced).
  movePlanLines({ ...plan, blockers: [] }).forEach((text, i) => {
    const t = printable(text);
    if (i === 0) out.push({ text: t, bold: true });
    else if (/^\s*(warning|data left behind):/.test(t)) out.push({ text: t, color: 'yellow' });
    else out.push({ text: t });
  });
  if (plan.blockers.length > 0) out.push({ text: '' }, ...blockerLines(plan));
  return out;
}

/** The L switch, first on the status line when there is data to leave (80 columns cut the end). */
function dataToggle(hasData: boolean, leaveData: boolean): string {
  return hasData || leaveData ? `L leave data behind: ${leaveData ? 'ON' : 'off'} · ` : '';
}

export function movePreviewStatus(plan: MovePlan, leaveData: boolean): ScreenLine {
  const toggle = dataToggle(plan.localData.length > 0, leaveData);
  if (hardBlockers(plan.blockers).length > 0) return { text: `blocked: cannot move as the fleet is now · ${toggle}j/k scroll · esc back`, color: 'red' };
  if (!canConfirm(plan)) return { text: `${toggle}local data blocks the move · j/k scroll · esc back`, color: 'yellow' };
  const words = plan.sourceMode === 'recorded' ? `${plan.from}, then ${plan.name}` : plan.name;
  return { text: `${toggle}⏎ confirm (type ${words}) · j/k scroll · esc back`, color: leaveData ? 'yellow' : 'gray' };
}

/** The blast radius of one move, first on the confirmation. */
export function moveBlast(plan: MovePlan): ScreenLine[] {
  const running = plan.steps.includes('start-target');
  const gate = plan.gate.kind === 'healthcheck' ? 'healthcheck' : `${plan.gate.seconds} s`;
  const down = plan.sourceMode === 'recorded'
    ? `dockpit cannot stop ${plan.name} on ${plan.from}: it ${running ? `starts on ${plan.to} (then a ${gate} gate)` : `is created on ${plan.to}, not started`}`
    : running ? `${plan.name} is down from its stop on ${plan.from} until it runs on ${plan.to} (then a ${plan.gate.kind === 'healthcheck' ? 'healthcheck' : `${plan.gate.seconds} s`} gate)` : `${plan.name} is not running: it is created on ${plan.to}, not started`;
  const out: ScreenLine[] = [
    { text: `migrate ${plan.name}: ${plan.from} → ${plan.to}${plan.ip ? `, keeps ${plan.ip}` : ''}`, bold: true },
    { text: down, color: 'yellow' },
  ];
  if (plan.localData.length > 0 && plan.options.leaveData) out.push({ text: `data left behind on ${plan.from}: ${mounts(plan.localData.length)}`, color: 'yellow' });
  return out;
}

// ---- the evacuation preview ----

const EVAC_COLUMNS: Array<[string, number]> = [['NAME', 18], ['TO', 8], ['IP', 15], ['IMAGE', 7], ['GATE', 6]];

function evacNote(m: MovePlan): ScreenLine['color'] {
  if (hardBlockers(m.blockers).length > 0) return 'red';
  return m.blockers.some((b) => b.code === 'LOCAL_DATA') ? 'yellow' : undefined;
}

export function evacuationLines(plan: EvacuationPlan, hostState: string): ScreenLine[] {
  const out: ScreenLine[] = [];
  const recorded = plan.moves.find((m) => m.sourceMode === 'recorded');
  if (recorded) out.push(...fenceBanner(plan.host, recorded.recordedAt));
  const load = Object.entries(plan.load).map(([h, n]) => `${h} ${n}`).join(', ') || 'nowhere';
  out.push({ text: `evacuate ${plan.host} (${hostState}): ${plan.moves.length} container${plan.moves.length === 1 ? '' : 's'} → ${load}${plan.unplaced.length ? ` · ${plan.unplaced.length} cannot be placed` : ''}`, bold: true });
  out.push({ text: `  ${row(EVAC_COLUMNS)} NOTE`, color: 'gray' });
  for (const m of plan.moves) {
    const gate = m.gate.kind === 'healthcheck' ? 'health' : `${m.gate.seconds} s`;
    // NOT_FENCED is the banner's (one host, one word): the row says what is its own.
    const note = m.blockers.filter((b) => b.code !== 'NOT_FENCED').map((b) => (b.code === 'LOCAL_DATA' ? `local data (${mounts(m.localData.length)}): L leaves it behind` : `${b.code}: ${b.message}`)).join('; ')
      || (m.localData.length > 0 ? `leaves ${mounts(m.localData.length)} behind` : '');
    out.push({ text: `  ${row([[m.name, 18], [m.to, 8], [m.ip ?? '-', 15], [m.image.action, 7], [gate, 6]])} ${printable(note)}`.trimEnd(), color: evacNote(m) });
  }
  for (const u of plan.unplaced) out.push({ text: `  CANNOT PLACE ${printable(u.name)}: ${printable(u.blocker.message)}`, color: 'red', bold: true });
  if (plan.moves.length === 0 && plan.unplaced.length === 0) out.push({ text: `${plan.host} has no containers: nothing to do`, color: 'gray' });
  return out;
}

/** Whether an evacuation may go on to the confirmation. */
export function canConfirmEvacuation(plan: EvacuationPlan): boolean {
  return plan.moves.length > 0 && plan.unplaced.length === 0 && plan.moves.every(canConfirm);
}

export function evacuationStatus(plan: EvacuationPlan, leaveData: boolean): ScreenLine {
  const toggle = dataToggle(plan.moves.some((m) => m.localData.length > 0), leaveData);
  if (!canConfirmEvacuation(plan)) {
    const onlyData = plan.unplaced.length === 0 && plan.moves.length > 0 && plan.moves.every((m) => hardBlockers(m.blockers).length === 0);
    const why = plan.moves.length === 0 && plan.unplaced.length === 0 ? 'nothing to evacuate' : onlyData ? 'local data blocks it' : 'blocked: cannot evacuate as the fleet is now';
    return { text: `${toggle}${why} · j/k scroll · esc back`, color: onlyData ? 'yellow' : 'red' };
  }
  return { text: `${toggle}⏎ confirm (type ${plan.host}) · j/k scroll · esc back`, color: leaveData ? 'yellow' : 'gray' };
}

export function evacuationBlast(plan: EvacuationPlan, parallel: number): ScreenLine[] {
  const load = Object.entries(plan.load).map(([h, n]) => `${h} ${n}`).join(', ');
  const left = plan.moves.filter((m) => m.localData.length > 0 && m.options.leaveData).length;
  return [
    { text: `evacuate ${plan.host}: ${plan.moves.length} container${plan.moves.length === 1 ? '' : 's'} → ${load}`, bold: true },
    plan.moves.some((m) => m.sourceMode === 'recorded')
      ? { text: `dockpit cannot stop them on ${plan.host}: each starts on its target, ${parallel} at a time`, color: 'yellow' }
      : { text: `each stops on ${plan.host} and starts on its target, ${parallel} at a time; each is down for its own move`, color: 'yellow' },
    ...(left > 0 ? [{ text: `${left} container${left === 1 ? ' leaves its' : 's leave their'} data behind on ${plan.host}`, color: 'yellow' }] : []),
  ];
}

// ---- progress ----

const STATUS_COLOR: Record<MoveStatus, string | undefined> = {
  pending: 'gray',
  running: 'cyan',
  'rolling-back': 'yellow',
  done: 'green',
  'rolled-back': 'yellow',
  failed: 'red',
  skipped: 'gray',
};

const STEP_MARK: Record<StepView['state'], string> = { 'in-flight': '▸', done: '✓', failed: '✗', skipped: '-' };
const STEP_COLOR: Record<StepView['state'], string | undefined> = { 'in-flight': 'cyan', done: 'green', failed: 'red', skipped: 'gray' };

const seconds = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(2)} s`);

const STATUS_WORD: Record<MoveStatus, string> = {
  done: 'done',
  running: 'moving',
  'rolling-back': 'rolling back',
  'rolled-back': 'rolled back',
  failed: 'failed',
  pending: 'pending',
  skipped: 'skipped',
};

/** The step a move under way is at: the one in flight, else the last one seen; nothing once it ended. */
function currentStep(m: MoveView): string {
  if (m.status !== 'running' && m.status !== 'rolling-back') return '';
  const s = m.steps.find((x) => x.state === 'in-flight') ?? m.steps.at(-1);
  return s ? `${s.step}${s.state === 'in-flight' ? '…' : ` ${s.state}`}` : '';
}

/** One move's steps: those seen with their state, the plan's others pending. */
function stepLines(m: MoveView): ScreenLine[] {
  const out: ScreenLine[] = [];
  for (const s of m.steps) {
    out.push({ text: `  ${STEP_MARK[s.state]} ${fit(s.step, 14)} ${s.state}${s.error ? `: ${printable(s.error)}` : ''}`.trimEnd(), color: STEP_COLOR[s.state] });
  }
  if (m.status === 'pending' || m.status === 'running') {
    for (const step of m.plan.steps.filter((x) => !m.steps.some((s) => s.step === x))) out.push({ text: `  · ${step}`, color: 'gray' });
  }
  return out;
}

/** What a finished move means for the operator, in one line. */
function moveEnd(m: MoveView): ScreenLine | null {
  const p = m.plan;
  switch (m.status) {
    case 'done':
      return { text: `done: ${p.name} is on ${p.to}${p.ip ? ` with ${p.ip}` : ''} · downtime ${seconds(m.downtimeMs)}${m.error ? ` · ${printable(m.error)}` : ''}`, color: 'green', bold: true };
    case 'rolled-back':
      return { text: `rolled back: ${p.name} is on ${p.from} again · ${printable(m.error ?? '')}`, color: 'yellow', bold: true };
    case 'failed':
      return { text: `FAILED: ${printable(m.error ?? '')}`, color: 'red', bold: true };
    case 'skipped':
      return { text: `skipped: ${printable(m.error ?? 'not begun')}`, color: 'gray' };
    default:
      return null;
  }
}

export function moveProgressLines(run: MoveRun, now: number): ScreenLine[] {
  const elapsed = formatElapsed((run.endedAt ?? now) - run.startedAt);
  const head = `${run.what} ${run.subject}${run.view?.runId ? ` · run ${run.view.runId}` : ''} · ${elapsed}`;
  if (run.refused !== null) {
    return [{ text: head, bold: true }, { text: `REFUSED, nothing was changed: ${printable(run.refused)}`, color: 'red', bold: true }];
  }
  const out: ScreenLine[] = [];
  const view = run.view;
  const status = run.endedAt === null ? 'running' : view?.status ?? 'ended';
  const statusColor = status === 'done' ? 'green' : status === 'running' ? 'cyan' : status === 'partial' || status === 'cancelled' ? 'yellow' : 'red';
  out.push({ text: `${head} · ${status === 'running' ? 'RUNNING' : status.toUpperCase()}`, color: statusColor, bold: true });
  if (run.error) out.push({ text: `error: ${printable(run.error)}`, color: 'red', bold: true });
  if (!view) {
    if (run.endedAt === null) out.push({ text: 'planning again from the fleet as it is now, then the first step …', color: 'cyan' });
    return out;
  }
  if (run.what === 'migrate' && view.moves.length === 1) {
    const m = view.moves[0]!;
    out.push({ text: `${m.plan.name}: ${m.plan.from} → ${m.plan.to}${m.plan.ip ? `, keeps ${m.plan.ip}` : ''} · ${m.status}`, color: STATUS_COLOR[m.status] });
    out.push(...stepLines(m));
    const end = moveEnd(m);
    if (end) out.push({ text: '' }, end);
    return out;
  }
  const count = (s: MoveStatus) => view.moves.filter((m) => m.status === s).length;
  // The counts that are not zero, so the line fits 80 columns; done always shows.
  const counts = (Object.keys(STATUS_WORD) as MoveStatus[]).filter((s) => s === 'done' || count(s) > 0).map((s) => `${STATUS_WORD[s]} ${count(s)}`);
  out.push({ text: `${counts.join(' · ')} · of ${view.moves.length}` });
  out.push({ text: `  ${row([['NAME', 18], ['TO', 8], ['IP', 15], ['STATUS', 12], ['DOWNTIME', 9]])} STEP`, color: 'gray' });
  for (const m of view.moves) {
    out.push({ text: `  ${row([[m.plan.name, 18], [m.plan.to, 8], [m.plan.ip ?? '-', 15], [m.status, 12], [seconds(m.downtimeMs), 9]])} ${currentStep(m)}`.trimEnd(), color: STATUS_COLOR[m.status] });
    if (m.error) out.push({ text: `      ${printable(m.error)}`, color: STATUS_COLOR[m.status] });
  }
  return out;
}
