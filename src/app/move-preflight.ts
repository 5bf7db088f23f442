import type { FleetConfig } from '../config/types.js';
import { preflight } from '../migrate/preflight.js';
import type { Blocker, MoveOptions, MovePlan } from '../migrate/types.js';
import type { StateStore } from '../state/types.js';
import type { FleetSource } from './fleet-source.js';
import { moveFacts } from './migrate-facts.js';

// `dockpit migrate`'s preflight (issue 6, item 1): the pure preflight from facts read now (the live fleet or
// the recorded configuration), with each refusal written to the audit log before anything changes.

export interface MoveRequest {
  name: string;
  to: string;
  /** `--from`: where the container is, when its name is on several hosts (or recorded only). */
  from?: string;
  /** `--fenced`: the (unreachable) source host the operator confirms is fenced off. */
  fenced?: string;
}

export type MoveStart = { ok: false; from: string; blocker: Blocker } | { ok: true; plan: MovePlan };

/** The move's plan, or why it cannot be planned at all (audited). */
export async function preflightMove(config: FleetConfig, state: Pick<StateStore, 'records' | 'audit'>, source: FleetSource, req: MoveRequest, options: MoveOptions): Promise<MoveStart> {
  const facts = await moveFacts(config, state.records, source, req.name, req.to, req.from);
  const pf = preflight(facts, config.pools, { ...options, fenced: req.fenced !== undefined && req.fenced === facts.source.host });
  if (pf.ok) return { ok: true, plan: pf.plan };
  await state.audit.append({ action: 'migrate.preflight', targets: [`${facts.source.host}/${req.name} → ${req.to}`], details: {}, outcome: 'refused', error: `${pf.blocker.code}: ${pf.blocker.message}` });
  return { ok: false, from: facts.source.host, blocker: pf.blocker };
}

/** A planned move that something blocks is refused before it begins: audited, nothing changed. */
export async function refuseBlocked(state: Pick<StateStore, 'audit'>, plan: MovePlan, to: string): Promise<void> {
  await state.audit.append({ action: 'migrate.preflight', targets: [`${plan.from}/${plan.name} → ${to}`], details: { blockers: plan.blockers }, outcome: 'refused', error: plan.blockers.map((b) => b.code).join(', ') });
}
