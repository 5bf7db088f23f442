import type { FleetConfig } from '../../config/types.js';
import { addressCensus } from '../../engine/address-census.js';
import { withDeadline } from '../../engine/deadline.js';
import { toDockpitError } from '../../engine/errors.js';
import type { PlacementDecision } from '../../pool/place.js';
import { holderText, otherHolders, type AddressHolder, type AddressVerdict } from '../../pool/address-holders.js';
import type { StateStore } from '../../state/types.js';
import type { FleetSource } from '../../app/fleet-source.js';
import type { RunSpec } from '../run-options.js';
import { changeTimeoutMs } from './network-ensure.js';

// Issue 13, item 4: `dockpit run` (and the cockpit's form) verifies its address after the start. Each
// engine allocates addresses alone, so a `docker run --ip` by hand on another host can take the address
// between dockpit's snapshot and its start; only a fresh census of every host afterwards tells.

/** A run whose address another running container holds: it failed, loudly (as `partial`). */
export const ADDRESS_CONFLICT_EXIT = 5;

/** Seconds the new container gets to stop before the engine kills it: it has only just started, nothing relies on it yet. */
const CONFLICT_STOP_SECONDS = 2;

export interface VerifiedAddress extends AddressVerdict {
  /** When the census began: a holder running before this is in `others`. */
  at: string;
}

/** Every host's running holders of `ip` on `network` but `self`; hosts the fleet has down are unseen. */
export async function verifyAddress(config: FleetConfig, source: FleetSource, network: string, ip: string, self: { host: string; id: string }): Promise<VerifiedAddress> {
  const at = new Date().toISOString();
  const down = new Set(config.hosts.filter((h) => source.state.hosts[h.name]?.state === 'down').map((h) => h.name));
  const census = await addressCensus(
    config.hosts.filter((h) => !down.has(h.name)).map((h) => ({ name: h.name, client: source.client(h.name) })),
    network,
    config.labels,
    config.engine.callTimeoutMs,
  );
  for (const host of down) census.push({ host, error: 'down' });
  return { ...otherHolders(census, network, ip, self), at };
}

/**
 * The run's address is held elsewhere: the new container is stopped (unless --keep-on-conflict), the
 * reservation stays the name's, both holders are named, and it is audited. Resolves to the exit code.
 */
export async function addressConflict(
  config: FleetConfig,
  state: StateStore,
  source: FleetSource,
  spec: RunSpec,
  d: PlacementDecision,
  id: string,
  others: AddressHolder[],
  { out, err }: { out: (text: string) => void; err: (text: string) => void },
  json: boolean,
): Promise<number> {
  const mine = holderText({ host: d.host, id, name: d.name });
  const theirs = others.map(holderText).join(', ');
  const target = `${d.host}/${d.name}`;
  await state.audit.append({
    action: 'container.run',
    targets: [target],
    details: { line: spec.line, image: spec.image, host: d.host, ip: d.ip, id, otherHolders: others },
    outcome: 'failed',
    error: `ADDRESS_CONFLICT: ${d.ip} is also held by ${theirs}`,
  });
  let stopped: 'stopped' | 'kept' | 'stop failed' = 'kept';
  if (spec.keepOnConflict !== true) {
    const docker = source.client(d.host);
    try {
      if (!docker) throw new Error(`${d.host} is not connected any more`);
      await withDeadline(changeTimeoutMs(config), (abortSignal) => docker.getContainer(id).stop({ t: CONFLICT_STOP_SECONDS, abortSignal } as object));
      stopped = 'stopped';
      await state.audit.append({ action: 'container.stop', targets: [target], details: { id, why: `ADDRESS_CONFLICT: ${d.ip} is also held by ${theirs}` }, outcome: 'ok' });
    } catch (e) {
      const coded = toDockpitError(e);
      // 304: it had stopped already (exited on its own): stopped all the same.
      if (coded.statusCode === 304) stopped = 'stopped';
      else {
        stopped = 'stop failed';
        await state.audit.append({ action: 'container.stop', targets: [target], details: { id }, outcome: 'failed', error: coded.toString() });
      }
    }
  }
  err(`dockpit: ${d.ip} is held by two running containers: ${mine} (this run) and ${theirs}`);
  err(
    stopped === 'stopped'
      ? `dockpit: ${mine} was stopped (--keep-on-conflict leaves it running); ${d.ip} stays reserved for ${d.name}`
      : stopped === 'kept'
        ? `dockpit: ${mine} was left running (--keep-on-conflict); ${d.ip} stays reserved for ${d.name}`
        : `dockpit: ${mine} could not be stopped: stop it by hand; ${d.ip} stays reserved for ${d.name}`,
  );
  if (json) {
    out(JSON.stringify({ name: d.name, host: d.host, ip: d.ip, pool: d.pool, network: d.network, line: d.line, id, dryRun: false, conflict: { others, container: stopped } }, null, 2));
  }
  return ADDRESS_CONFLICT_EXIT;
}
