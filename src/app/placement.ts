import { ConfigError, UsageError } from '../config/config-error.js';
import type { FleetConfig } from '../config/types.js';
import { toDockpitError } from '../engine/errors.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import type { StateStore } from '../state/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { CockpitActions } from './ports.js';
import { placeLines } from '../render/place-lines.js';
import { fleetSource } from './fleet-source.js';
import { checkRun, placeContainer } from './place-container.js';
import { enginePlacement } from './placement-engine.js';
import { parseRunSpec } from './run-spec.js';

/** The cockpit form's `place`: the same checks and executor as `dockpit run`, on the live fleet. */
export function placeAction(config: FleetConfig, state: StateStore, engine: FleetEngine, store: FleetStore): NonNullable<CockpitActions['place']> {
  return async (request, dryRun) => {
    try {
      const spec = parseRunSpec({
        name: request.name,
        line: request.line,
        image: request.image,
        cmd: request.command,
        env: request.env,
        ...(request.cpus !== null && { cpus: request.cpus }),
        ...(request.memory !== null && { memory: request.memory }),
        ...(request.restart !== null && { restart: request.restart }),
        dryRun,
      });
      const host = request.host ?? undefined;
      checkRun(config, spec, host);
      const outcome = await placeContainer({ config, state, engine: enginePlacement(config, fleetSource(store, engine)) }, spec, host);
      const { err, out } = placeLines(outcome);
      const lines = [...err, ...(out === null ? [] : [out])].flatMap((text) => text.split('\n')).map((l) => l.replace(/^dockpit: /, ''));
      return { ok: outcome.kind === 'planned' || outcome.kind === 'started', lines };
    } catch (err) {
      const message = err instanceof UsageError || err instanceof ConfigError ? err.message : toDockpitError(err).toString();
      return { ok: false, lines: [message] };
    }
  };
}
