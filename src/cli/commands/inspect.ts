import { inspectContainer } from '../../engine/container-actions.js';
import type { ContainerInspect } from '../../engine/container-inspect.js';
import { withDeadline } from '../../engine/deadline.js';
import { toDockpitError } from '../../engine/errors.js';
import { hostRows } from '../../store/selectors.js';
import type { FleetState } from '../../store/state.js';
import { detailLines } from '../../render/detail-lines.js';
import { maskInspect } from '../../render/secret-env.js';
import { connectFleet } from '../connect.js';
import { requireHost } from '../../app/require-host.js';
import type { HeadlessCommand } from './types.js';
import { warnDownHosts } from './warn-down.js';

/** Exit codes of `inspect` (documented in USAGE). */
export const EXIT_NOT_FOUND = 3;
export const EXIT_AMBIGUOUS = 4;

/** An ID prefix shorter than this could match by accident (a name like "cafe" is also hex). */
const MIN_ID_PREFIX = 12;

export interface Match {
  host: string;
  id: string;
  name: string;
}

/**
 * The containers `target` names, across hosts (or on `host`): by exact name (a leading '/' as the engine
 * writes it is allowed), else by ID prefix of at least 12 characters. A name wins over an ID prefix.
 */
export function resolveTarget(state: FleetState, target: string, host?: string): Match[] {
  const name = target.replace(/^\//, '');
  const all: Match[] = [];
  for (const h of state.hostOrder) {
    if (host !== undefined && h !== host) continue;
    const hc = state.containers[h];
    if (!hc) continue;
    for (const id of hc.order) all.push({ host: h, id, name: hc.byId[id]!.name });
  }
  const byName = all.filter((m) => m.name === name);
  if (byName.length > 0) return byName;
  const prefix = target.toLowerCase();
  return prefix.length >= MIN_ID_PREFIX && /^[0-9a-f]+$/.test(prefix) ? all.filter((m) => m.id.startsWith(prefix)) : [];
}

export const inspectCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  requireHost(args.host, config);
  const target = args.target!; // parseCli requires it for `inspect`
  const fleet = await connectFleet(config);
  try {
    const state = fleet.store.getState();
    // A host that is down may hold the container: say so, or "not found" would be a lie by omission.
    warnDownHosts(state, err, args.host);
    const matches = resolveTarget(state, target, args.host);
    const where = args.host === undefined ? '' : ` on ${args.host}`;
    if (matches.length === 0) {
      err(`dockpit: no container "${target}"${where}`);
      return EXIT_NOT_FOUND;
    }
    const hosts = [...new Set(matches.map((m) => m.host))];
    if (hosts.length > 1) {
      err(`dockpit: "${target}" is on several hosts: ${hosts.join(', ')} (use --host)`);
      return EXIT_AMBIGUOUS;
    }
    if (matches.length > 1) {
      // Only an ID prefix can match two containers on one host.
      err(`dockpit: "${target}" matches several containers on ${hosts[0]}: ${matches.map((m) => m.name).join(', ')}`);
      return EXIT_AMBIGUOUS;
    }
    const { host, id } = matches[0]!;
    const docker = fleet.engine.connections.get(host)?.client;
    if (!docker) {
      err(`dockpit: host ${host} is not connected any more`);
      return 1;
    }
    let inspect: ContainerInspect;
    try {
      inspect = await withDeadline(config.engine.callTimeoutMs, (signal) => inspectContainer(docker, id, signal));
    } catch (e) {
      const coded = toDockpitError(e);
      // Removed between the list and the inspect: as good as not found.
      err(`dockpit: ${coded.toString()}`);
      return coded.code === 'NOT_FOUND' ? EXIT_NOT_FOUND : 1;
    }
    if (args.json) out(JSON.stringify({ host, ...maskInspect(inspect) }, null, 2));
    else out(detailLines(host, inspect, false).join('\n'));
    return 0;
  } finally {
    await fleet.close();
  }
};
