import type { FleetConfig } from '../config/types.js';
import { withDeadline } from '../engine/deadline.js';
import { toDockpitError } from '../engine/errors.js';
import { holderText, otherHolders, type AddressHolder, type AddressVerdict } from '../pool/address-holders.js';
import type { PlacementDecision } from '../pool/place.js';
import type { ConflictContainer } from '../pool/place-outcome.js';
import type { StateStore } from '../state/types.js';
import { changeTimeoutMs } from './change-timeout.js';
import type { PlacementEngine } from './placement-engine.js';
import type { RunSpec } from './run-spec.js';

// Issue 13, item 4: a placement verifies its address after the start. Each engine allocates addresses
// alone, so a `docker run --ip` by hand on another host can take the address between dockpit's snapshot
// and its start; only a fresh census of every host afterwards tells.

/** Seconds the new container gets to stop before the engine kills it: it has only just started, nothing relies on it yet. */
const CONFLICT_STOP_SECONDS = 2;

export interface VerifiedAddress extends AddressVerdict {
  /** When the census began: a holder running before this is in `others`. */
  at: string;
}

/** Every host's running holders of `ip` on `network` but `self`; hosts the fleet has down are unseen. */
export async function verifyAddress(engine: PlacementEngine, network: string, ip: string, self: { host: string; id: string }): Promise<VerifiedAddress> {
  const at = new Date().toISOString();
  const hosts = engine.hosts();
  const census = await engine.census(hosts.filter((h) => h.state !== 'down').map((h) => h.name), network);
  for (const h of hosts) if (h.state === 'down') census.push({ host: h.name, error: 'down' });
  return { ...otherHolders(census, network, ip, self), at };
}

/**
 * The placement's address is held elsewhere: the new container is stopped (unless spec.keepOnConflict),
 * the reservation stays the name's, and both the conflict and the stop are audited.
 */
export async function resolveConflict(
  config: FleetConfig,
  state: Pick<StateStore, 'audit'>,
  engine: PlacementEngine,
  spec: RunSpec,
  d: PlacementDecision,
  id: string,
  others: AddressHolder[],
): Promise<ConflictContainer> {
  const theirs = others.map(holderText).join(', ');
  const target = `${d.host}/${d.name}`;
  await state.audit.append({
    action: 'container.run',
    targets: [target],
    details: { line: spec.line, image: spec.image, host: d.host, ip: d.ip, id, otherHolders: others },
    outcome: 'failed',
    error: `ADDRESS_CONFLICT: ${d.ip} is also held by ${theirs}`,
  });
  if (spec.keepOnConflict === true) return 'kept';
  try {
    await withDeadline(changeTimeoutMs(config), (signal) => engine.stop(d.host, id, CONFLICT_STOP_SECONDS, signal));
    await state.audit.append({ action: 'container.stop', targets: [target], details: { id, why: `ADDRESS_CONFLICT: ${d.ip} is also held by ${theirs}` }, outcome: 'ok' });
    return 'stopped';
  } catch (e) {
    const coded = toDockpitError(e);
    // 304: it had stopped already (exited on its own): stopped all the same.
    if (coded.statusCode === 304) return 'stopped';
    await state.audit.append({ action: 'container.stop', targets: [target], details: { id }, outcome: 'failed', error: coded.toString() });
    return 'stop failed';
  }
}
