import { enginePlacement } from '../../app/placement-engine.js';
import { checkRun, placeContainer } from '../../app/place-container.js';
import { fleetSource } from '../../app/fleet-source.js';
import { parseRunSpec } from '../../app/run-spec.js';
import type { PlacementDecision } from '../../pool/place.js';
import type { PlaceOutcome } from '../../pool/place-outcome.js';
import { placeLines } from '../../render/place-lines.js';
import { connectFleet } from '../connect.js';
import { withState } from '../with-state.js';
import type { HeadlessCommand } from './types.js';

// `dockpit run` (issue 4, item 5): its arguments, the placement service (src/app/place-container.ts), and
// the outcome printed (text or --json) as an exit code.

/** Refused: an unfinished plan run or migration claims the name (issue 13). */
const RUN_CLAIMED_EXIT = 6;
/** A run whose address another running container holds: it failed, loudly (as `partial`). */
export const ADDRESS_CONFLICT_EXIT = 5;

function runJson(d: PlacementDecision, id: string | null, dryRun: boolean) {
  return { name: d.name, host: d.host, ip: d.ip, pool: d.pool, network: d.network, line: d.line, id, dryRun };
}

/** The JSON `dockpit run --json` prints; null when it prints none (a refusal or failure: stderr says why). */
function outcomeJson(o: PlaceOutcome): object | null {
  switch (o.kind) {
    case 'planned':
      return runJson(o.decision, null, true);
    case 'started':
      return { ...runJson(o.decision, o.id, false), verifiedAt: o.verifiedAt };
    case 'conflict':
      return { ...runJson(o.decision, o.id, false), conflict: { others: o.others, container: o.container } };
    default:
      return null;
  }
}

export function exitOf(o: PlaceOutcome): number {
  if (o.kind === 'planned' || o.kind === 'started') return 0;
  if (o.kind === 'conflict') return ADDRESS_CONFLICT_EXIT;
  return o.kind === 'refused' && o.code === 'CLAIMED' ? RUN_CLAIMED_EXIT : 1;
}

export const runContainerCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  const spec = parseRunSpec(args.run ?? { env: [], cmd: [], dryRun: false });
  checkRun(config, spec, args.host);
  return withState(config, async (state) => {
    if (!spec.dryRun) await state.ready(); // a change the state cannot record is not begun (exit 7)
    const fleet = await connectFleet(config);
    try {
      const engine = enginePlacement(config, fleetSource(fleet.store, fleet.engine));
      const outcome = await placeContainer({ config, state, engine }, spec, args.host);
      const lines = placeLines(outcome);
      for (const line of lines.err) err(line);
      const json = outcomeJson(outcome);
      if (args.json && json) out(JSON.stringify(json, null, 2));
      else if (!args.json && lines.out !== null) out(lines.out);
      return exitOf(outcome);
    } finally {
      await fleet.close();
    }
  });
};
