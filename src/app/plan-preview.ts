import type { FleetConfig } from '../config/types.js';
import { snapshotStats } from '../engine/stats-sampler.js';
import type { StatsSample } from '../engine/types.js';
import { planPreview, type LastSeen } from '../plans/plan.js';
import { selects } from '../plans/selector.js';
import type { Plan, PlanPreview } from '../plans/types.js';
import { containerRows } from '../store/selectors.js';
import { applyStats } from '../store/stats.js';
import type { LiveFleet } from './plan-run.js';

/**
 * `plan show`'s preview (issue 5, items 1–3): what each selected running container would free, from one-shot
 * stats read now (the fleet has no stats stream running). Reads only: makes no call that changes anything.
 */
export async function previewWithStats(config: FleetConfig, fleet: LiveFleet, plan: Plan, lastSeen: LastSeen): Promise<PlanPreview> {
  const state = fleet.store.getState();
  const targets = containerRows(state).filter((c) => c.state === 'running' && plan.steps.some((s) => selects(s.select, c)));
  const read = await snapshotStats(targets, (h) => fleet.engine.connections.get(h)?.client ?? null, {
    gapMs: 1000,
    perHost: 4,
    callTimeoutMs: config.engine.callTimeoutMs,
  });
  const samples = [...read.values()].filter((s): s is StatsSample => !('error' in s));
  return planPreview(plan, applyStats(state, { type: 'stats.sampled', samples }), lastSeen);
}
