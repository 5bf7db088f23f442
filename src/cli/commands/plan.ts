import { lastSeenOf } from '../../app/last-seen.js';
import { previewWithStats } from '../../app/plan-preview.js';
import { UsageError } from '../../config/config-error.js';
import type { FleetConfig } from '../../config/types.js';
import type { LastSeen } from '../../plans/plan.js';
import type { Plan, PlanPreview } from '../../plans/types.js';
import { planPreviewLines } from '../../render/plan-lines.js';
import { textTable } from '../../render/text-table.js';
import { connectFleet } from '../connect.js';
import { withState } from '../with-state.js';
import type { HeadlessCommand } from './types.js';

// `dockpit plan ls` and `dockpit plan show NAME` (issue 5, items 1–3): the plans and their preview. Both
// read only: show lists containers and reads one-shot stats, and makes no call that changes anything.

export const planLsCommand: HeadlessCommand = async ({ args, config, out }) => {
  const rows = config.plans.map((p) => ({ name: p.name, description: p.description, steps: p.steps.length, source: p.source }));
  if (args.json) out(JSON.stringify(rows, null, 2));
  else out(textTable(['NAME', 'STEPS', 'DESCRIPTION', 'SOURCE'], rows.map((r) => [r.name, String(r.steps), r.description, r.source])));
  return 0;
};

export function findPlan(config: FleetConfig, name: string | undefined): Plan {
  const plan = config.plans.find((p) => p.name === name);
  if (plan) return plan;
  const known = config.plans.map((p) => p.name);
  throw new UsageError(`no plan "${name}" in ${config.source} (${known.length > 0 ? `plans: ${known.join(', ')}` : 'no plans configured'})`);
}

export const planShowCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  const plan = findPlan(config, args.target);
  const fleet = await connectFleet(config);
  let preview: PlanPreview;
  try {
    // Issue 13: hosts that do not answer count with their inspect records; a state that cannot be read
    // leaves them unknown (still named), as a read-only preview must not fail on it.
    const s = fleet.store.getState();
    const lastSeen: LastSeen = await withState(config, (st) => lastSeenOf(s, st.records, config.labels)).catch(() => ({}));
    preview = await previewWithStats(config, fleet, plan, lastSeen);
  } finally {
    await fleet.close();
  }
  if (args.json) out(JSON.stringify(preview, null, 2));
  else for (const line of planPreviewLines(preview)) out(line);
  if (preview.refusal !== null) {
    err(`dockpit: plan ${plan.name} refused: ${preview.refusal}`);
    return 1;
  }
  return 0;
};
