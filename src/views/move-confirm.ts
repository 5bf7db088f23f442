import type { EvacuationPlan } from '../migrate/evacuate-plan.js';
import type { MovePlan } from '../migrate/types.js';
import type { MoveChoices } from '../app/ports.js';
import { typed, type ConfirmKey } from './plan-confirm.js';

// The dangerous confirmation of a migration or an evacuation (issue 6; style.md after Shopify CLI): the
// blast radius first, then typed names. A source host that cannot be reached adds a stage of its own: the
// operator types the host's name as the statement "I confirm it is fenced" (MoveOptions.fenced), because
// dockpit cannot stop a container there and the address must not run twice. Pure: the cockpit acts on
// `confirmed`.

export interface ConfirmStage {
  /** What must be typed, exactly. */
  expect: string;
  /** What typing it means, said on screen. */
  means: string;
}

export type MoveSubject =
  | { kind: 'migrate'; plan: MovePlan }
  | { kind: 'evacuate'; plan: EvacuationPlan; sourceState: string };

export interface MoveConfirm {
  subject: MoveSubject;
  choices: MoveChoices;
  stages: ConfirmStage[];
  /** The stage being typed; earlier ones are confirmed. */
  stage: number;
  text: string;
  /** Said after a wrong Enter. */
  message: string | null;
}

const fenceStage = (host: string, state: string): ConfirmStage => ({
  expect: host,
  means: `${host} is ${state}: I confirm ${host} is fenced (powered off or cut from the LAN)`,
});

/** Whether the move starts from a recorded configuration: the source host could not be reached. */
export function needsFence(subject: MoveSubject): boolean {
  return subject.kind === 'migrate' ? subject.plan.sourceMode === 'recorded' : subject.plan.moves.some((m) => m.sourceMode === 'recorded');
}

export function openMoveConfirm(subject: MoveSubject, leaveData: boolean): MoveConfirm {
  const stages: ConfirmStage[] = [];
  if (subject.kind === 'migrate') {
    const p = subject.plan;
    if (needsFence(subject)) stages.push(fenceStage(p.from, 'unreachable'));
    stages.push({ expect: p.name, means: `move ${p.name} ${p.from} → ${p.to}` });
  } else {
    const host = subject.plan.host;
    // Evacuating asks for the host's name anyway: with the host down, the same word states the fencing.
    stages.push(needsFence(subject) ? { ...fenceStage(host, subject.sourceState), means: `${fenceStage(host, subject.sourceState).means}, and evacuate it` } : { expect: host, means: `evacuate ${host}` });
  }
  return { subject, choices: { leaveData, fenced: needsFence(subject) }, stages, stage: 0, text: '', message: null };
}

/** One key in the confirmation line. Enter moves on only when the text is the stage's word, exactly. */
export function moveConfirmKey(state: MoveConfirm, key: ConfirmKey): { state: MoveConfirm; confirmed: boolean } {
  switch (key.kind) {
    case 'char':
    case 'backspace':
      return { state: typed(state, key), confirmed: false };
    case 'submit': {
      const want = state.stages[state.stage]!.expect;
      if (state.text !== want) {
        return { state: { ...state, message: `"${state.text}" is not "${want}": nothing done (type it exactly, Esc cancels)` }, confirmed: false };
      }
      if (state.stage + 1 < state.stages.length) return { state: { ...state, stage: state.stage + 1, text: '', message: null }, confirmed: false };
      return { state, confirmed: true };
    }
  }
}
