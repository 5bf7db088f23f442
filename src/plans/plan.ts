import type { Container } from '../engine/types.js';
import { hostIsUp } from '../engine/host-up.js';
import type { FleetState } from '../store/state.js';
import { lineOf, NO_LINE, selects } from './selector.js';
import { limitRefusal } from './engine-state.js';
import type { Plan, PlannedAction, PlanPreview, Refusal } from './types.js';

// Issue 5, item 2: the pure planner. From a snapshot of the store to the exact list of changes: it *is*
// the preview, and the executor runs what it returns. No I/O.
// Issue 12: "the preview is the run": an action the executor would not perform (protected tier, host down,
// a limit the engine refuses) is in the list too, marked `refused` with its reason, in run order; the
// executor reports it as such, and checks the live ones again.

/** The actions the executor will perform: the preview's without the refused ones. */
export function feasibleActions(preview: Pick<PlanPreview, 'actions'>): PlannedAction[] {
  return preview.actions.filter((a) => a.refused === undefined);
}

const MiB = 1024 * 1024;

/** A memory limit below what the container uses now: the kernel must reclaim, and the engine refuses the update if it cannot. */
function memoryWarning(state: FleetState, c: Container, limit: PlannedAction['limit']): string | undefined {
  const used = state.stats[c.host]?.[c.id]?.memBytes;
  if (!limit || limit.memoryBytes === null || used === undefined || used <= limit.memoryBytes) return undefined;
  return `uses ${(used / MiB).toFixed(1)} MiB now, more than the new ${(limit.memoryBytes / MiB).toFixed(1)} MiB limit: the kernel must reclaim it, or the engine refuses the update`;
}

/** scaleDown: which of one line's candidates (in host order, then name) stay running. */
function keepSpread(candidates: Container[], keep: number, hostOrder: readonly string[]): Set<Container> {
  const byHost = hostOrder.map((h) => candidates.filter((c) => c.host === h));
  const kept = new Set<Container>();
  for (let round = 0; kept.size < keep; round++) {
    let any = false;
    for (const list of byHost) {
      if (kept.size >= keep) break;
      const c = list[round];
      if (c) {
        kept.add(c);
        any = true;
      }
    }
    if (!any) break;
  }
  return kept;
}

function freesOf(state: FleetState, c: Container, limit: PlannedAction['limit']): PlannedAction['frees'] {
  const s = state.stats[c.host]?.[c.id];
  const cpu = s?.cpuPercent ?? 0;
  const mem = s?.memBytes ?? 0;
  if (!limit) return { cpuPercent: cpu, memBytes: mem };
  // A limit frees only what the container uses above its new ceiling.
  return {
    cpuPercent: limit.nanoCpus === null ? 0 : Math.max(0, cpu - limit.nanoCpus / 1e7),
    memBytes: limit.memoryBytes === null ? 0 : Math.max(0, mem - limit.memoryBytes),
  };
}

/** The last-seen containers of hosts the store has not listed (their inspect records), by host. */
export type LastSeen = Readonly<Record<string, readonly Container[]>>;

/** Whether some step of the plan may select containers on `host` (a step limited to other hosts may not). */
const planReaches = (plan: Plan, host: string): boolean => plan.steps.some((s) => s.select.hosts === undefined || s.select.hosts.includes(host));

/**
 * The preview of a plan against the fleet as the store shows it. Pure.
 * Issue 13, item 3: a host that does not answer (down, frozen, still connecting) is unknown, never "nothing
 * to do": the containers it had when last seen (the store's last list, else `lastSeen`, its inspect records)
 * that a step selects are listed as `unseen` actions, the guards count them as going down and count the line
 * against everything it had, and the host is named in `unseen` even when nothing of it was ever seen.
 */
export function planPreview(plan: Plan, state: FleetState, lastSeen: LastSeen = {}): PlanPreview {
  const { guards } = plan;
  const hostIndex = new Map(state.hostOrder.map((h, i) => [h, i]));
  const hostDown = (h: string): boolean => !hostIsUp(state.hosts[h]?.state);
  const fleet: Container[] = [];
  const unseen: PlanPreview['unseen'] = [];
  for (const host of state.hostOrder) {
    const hc = state.containers[host];
    const listed = hc ? hc.order.map((id) => hc.byId[id]!) : [];
    const known = hostDown(host) && listed.length === 0 ? lastSeen[host] : listed;
    if (known) fleet.push(...known);
    if (hostDown(host) && planReaches(plan, host)) {
      const h = state.hosts[host];
      unseen.push({ host, state: h?.state ?? 'connecting', error: h?.error ?? null, lastSeen: known ? known.length : null });
    }
  }

  const actions: PlannedAction[] = [];
  const skipped: PlanPreview['skipped'] = [];
  const takenBy = new Map<string, number>();
  const key = (c: Container): string => `${c.host}/${c.id}`;

  const act = (step: number, c: Container, action: PlannedAction['action'], limit?: PlannedAction['limit'], refused?: Refusal): void => {
    const warning = refused ? undefined : memoryWarning(state, c, limit);
    actions.push({
      step, host: c.host, id: c.id, name: c.name, line: c.bizline, tier: c.tier, action,
      ...(limit && { limit }), frees: refused ? { cpuPercent: 0, memBytes: 0 } : freesOf(state, c, limit),
      ...(refused && { refused }), ...(warning !== undefined && { warning }),
    });
  };

  plan.steps.forEach((step, i) => {
    const a = step.action;
    const limit = a.kind === 'limit' ? { nanoCpus: a.nanoCpus, memoryBytes: a.memoryBytes, cpuShares: a.cpuShares } : undefined;
    // A scaleDown's refused container is listed as the stop it might have become.
    const kind: PlannedAction['action'] = a.kind === 'scaleDown' ? 'stop' : a.kind;
    const candidates: Container[] = [];
    for (const c of fleet) {
      if (!selects(step.select, c)) continue;
      // Only what the action can change: a stopped container has nothing to stop, pause or scale down.
      const eligible = c.state === 'running' || (a.kind === 'limit' && c.state === 'paused');
      if (!eligible) continue;
      const skip = (reason: string): void => {
        skipped.push({ step: i, host: c.host, name: c.name, reason });
      };
      const refuse = (code: Refusal['code'], reason: string): void => act(i, c, kind, limit, { code, reason });
      const earlier = takenBy.get(key(c));
      const infeasible = limit ? limitRefusal(limit, c.host, state.hosts[c.host]?.ncpu ?? null) : null;
      if (earlier !== undefined) skip(`already in step ${earlier}`);
      else if (c.tier !== null && guards.protectTiers.includes(c.tier)) refuse('protected-tier', `tier ${c.tier} is protected (guards.protectTiers)`);
      else if (hostDown(c.host)) refuse('unseen', `not seen: host ${c.host} is ${state.hosts[c.host]?.state ?? 'not listed'}${state.hosts[c.host]?.error ? ` (${state.hosts[c.host]!.error})` : ''}; as last seen it was ${c.state}: resume performs it once the host answers`);
      else if (infeasible !== null) refuse('limit-infeasible', infeasible);
      else candidates.push(c);
    }
    for (const c of candidates) takenBy.set(key(c), i);
    if (a.kind === 'scaleDown') {
      const lines = [...new Set(candidates.map(lineOf))];
      for (const line of lines) {
        const ofLine = candidates.filter((c) => lineOf(c) === line);
        const kept = keepSpread(ofLine, a.keep, state.hostOrder);
        for (const c of ofLine) {
          if (kept.has(c)) skipped.push({ step: i, host: c.host, name: c.name, reason: `kept running (keep ${a.keep})` });
          else act(i, c, 'stop');
        }
      }
    } else if (limit) {
      for (const c of candidates) act(i, c, 'limit', limit);
    } else {
      for (const c of candidates) act(i, c, a.kind);
    }
  });

  const order = (x: { step: number; host: string; name: string }, y: { step: number; host: string; name: string }): number =>
    x.step - y.step || (hostIndex.get(x.host) ?? 0) - (hostIndex.get(y.host) ?? 0) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
  actions.sort(order);
  skipped.sort(order);

  // Each line's running containers, those of unseen hosts as last seen: the base the down share is counted against.
  const running = new Map<string, number>();
  for (const c of fleet) {
    if (c.state === 'running') running.set(lineOf(c), (running.get(lineOf(c)) ?? 0) + 1);
  }
  const perHost: PlanPreview['perHost'] = {};
  const perLine: PlanPreview['perLine'] = {};
  const feasible = feasibleActions({ actions });
  // An unseen action counts as down (pessimistically: resume performs it), though it frees nothing yet.
  for (const x of [...feasible, ...actions.filter((a) => a.refused?.code === 'unseen')]) {
    if (!x.refused) {
      const h = (perHost[x.host] ??= { actions: 0, cpuPercent: 0, memBytes: 0 });
      h.actions++;
      h.cpuPercent += x.frees.cpuPercent;
      h.memBytes += x.frees.memBytes;
    }
    const lineName = x.line ?? NO_LINE;
    const l = (perLine[lineName] ??= { running: running.get(lineName) ?? 0, down: 0, cpuPercent: 0, memBytes: 0 });
    if (x.action !== 'limit') l.down++;
    l.cpuPercent += x.frees.cpuPercent;
    l.memBytes += x.frees.memBytes;
  }

  // Counted over the whole plan, not per step: three steps each under the share may still sum over it.
  const over = Object.entries(perLine)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .filter(([, l]) => l.down > Math.floor(guards.maxDownPerLine * l.running))
    .map(([name, l]) => {
      const allowed = Math.floor(guards.maxDownPerLine * l.running);
      return `line ${name}: the plan takes down ${l.down} of its ${l.running} running containers; guards.maxDownPerLine ${guards.maxDownPerLine} allows ${allowed}`;
    });
  const counts = {
    feasible: feasible.length,
    refused: actions.length - feasible.length,
    unseen: actions.filter((a) => a.refused?.code === 'unseen').length,
    skipped: skipped.length,
  };
  return { plan: plan.name, actions, counts, skipped, unseen, perHost, perLine, refusal: over.length > 0 ? over.join('; ') : null };
}
