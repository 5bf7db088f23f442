// Issue 6, item 1: what a migrated container is created from. Pure: a source's inspect (live or as dockpit
// last recorded it) in, the target's `POST /containers/create` body out, plus what cannot move with it.

import { maskEnv } from '../secrets/secret-env.js';

/** The parts of `GET /containers/{id}/json` a migration reads. Everything else in Config/HostConfig is copied as is. */
export interface SourceInspect {
  Id: string;
  Name: string;
  Image: string;
  Created?: string;
  State?: {
    Status?: string;
    Running?: boolean;
    Paused?: boolean;
    Restarting?: boolean;
    RestartCount?: number;
    StartedAt?: string;
    ExitCode?: number;
    Health?: { Status?: string; Log?: Array<{ Output?: string; ExitCode?: number }> };
  };
  RestartCount?: number;
  Config: Record<string, unknown> & {
    Hostname?: string;
    Image?: string;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] } | null;
    StopTimeout?: number | null;
  };
  HostConfig: Record<string, unknown> & { NetworkMode?: string; Binds?: string[] | null };
  Mounts?: Array<{ Type?: string; Name?: string; Source?: string; Destination?: string }>;
  NetworkSettings?: {
    Networks?: Record<string, { IPAMConfig?: { IPv4Address?: string } | null; IPAddress?: string; Aliases?: string[] | null }>;
  };
}

/** A mount whose data stays on the source host. */
export interface LocalData {
  type: 'volume' | 'bind';
  /** The volume's name or the host path. */
  source: string;
  destination: string;
}

export const nameOf = (i: { Name: string }) => i.Name.replace(/^\//, '');

/** Volumes and bind mounts: local to the source host, they cannot move (tmpfs and npipe have no data to lose). */
export function localData(i: SourceInspect): LocalData[] {
  return (i.Mounts ?? [])
    .filter((m) => m.Type === 'volume' || m.Type === 'bind')
    .map((m) => ({ type: m.Type as 'volume' | 'bind', source: (m.Type === 'volume' ? m.Name : m.Source) ?? '?', destination: m.Destination ?? '?' }));
}

/** The container's static address on `network`: the one it asked for, else the one it has. */
export function addressOn(i: SourceInspect, network: string): string | null {
  const n = i.NetworkSettings?.Networks?.[network];
  if (!n) return null;
  return n.IPAMConfig?.IPv4Address || n.IPAddress || null;
}

/** Networks the container is on besides `network` (the create call attaches one network only). */
export function otherNetworks(i: SourceInspect, network: string | null): string[] {
  return Object.keys(i.NetworkSettings?.Networks ?? {}).filter((n) => n !== network && n !== i.HostConfig.NetworkMode);
}

/** The engine's short ID: the Hostname and network alias it gives a container that asked for none. */
const shortId = (i: SourceInspect) => i.Id.slice(0, 12);

/** The engine sets Hostname to the short ID when none was asked for: that one is the host's, not the container's. */
function ownHostname(i: SourceInspect): boolean {
  return typeof i.Config.Hostname === 'string' && i.Config.Hostname !== '' && i.Config.Hostname !== shortId(i);
}

/** Whether an image reference names the image by (a prefix of) its ID: no registry can serve that. */
export function isIdReference(ref: string, imageId: string): boolean {
  const hex = ref.replace(/^sha256:/, '');
  return /^[0-9a-f]{12,64}$/.test(hex) && imageId.replace(/^sha256:/, '').startsWith(hex);
}

/**
 * The create body that gives the target the source's configuration: Config and HostConfig copied whole
 * (image, command, entrypoint, env, labels, healthcheck, restart policy, limits, port bindings, mounts),
 * the name, and the static address on `network`. Aliases other than the engine's short-ID alias are kept.
 */
export function createBody(i: SourceInspect, network: string | null, ip: string | null): Record<string, unknown> {
  const { Hostname, ...config } = i.Config;
  const endpoint = network === null ? undefined : i.NetworkSettings?.Networks?.[network];
  const aliases = (endpoint?.Aliases ?? []).filter((a) => a !== shortId(i));
  return {
    name: nameOf(i),
    ...config,
    ...(ownHostname(i) && { Hostname }),
    HostConfig: { ...i.HostConfig },
    ...(network !== null && {
      NetworkingConfig: {
        EndpointsConfig: {
          [network]: { ...(ip !== null && { IPAMConfig: { IPv4Address: ip } }), ...(aliases.length > 0 && { Aliases: aliases }) },
        },
      },
    }),
  };
}

/** Where a parked source waits: a name that says what it is and which run parked it. */
export function parkName(name: string, runId: string): string {
  return `${name}_parked_${runId.replace(/[^A-Za-z0-9]/g, '').slice(-10)}`;
}

const stable = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

/** HostConfig fields the engine fills per host or per container: not configuration. */
const HOST_SPECIFIC = new Set(['ContainerIDFile']);

/**
 * Where the target's configuration differs from the source's, one `field: source → target` each (empty: the
 * same but for ID and host-specific fields). Verifies a created target before the source is touched.
 */
export function configDifferences(source: SourceInspect, target: SourceInspect, network: string | null): string[] {
  const out: string[] = [];
  const cmp = (field: string, a: unknown, b: unknown) => {
    if (stable(a ?? null) === stable(b ?? null)) return;
    // Issue 17, item 3: the message goes to the journal and the audit log: env secrets masked in it.
    const shown = (v: unknown) => stable(field === 'Config.Env' && Array.isArray(v) ? maskEnv(v as string[]) : (v ?? null));
    out.push(`${field}: ${shown(a)} → ${shown(b)}`);
  };
  cmp('Name', source.Name, target.Name);
  cmp('Image', source.Image, target.Image);
  for (const k of new Set([...Object.keys(source.Config), ...Object.keys(target.Config)])) {
    if (k === 'Hostname' && !ownHostname(source) && !ownHostname(target)) continue;
    cmp(`Config.${k}`, source.Config[k], target.Config[k]);
  }
  for (const k of new Set([...Object.keys(source.HostConfig), ...Object.keys(target.HostConfig)])) {
    if (!HOST_SPECIFIC.has(k)) cmp(`HostConfig.${k}`, source.HostConfig[k], target.HostConfig[k]);
  }
  if (network !== null) cmp(`address on ${network}`, addressOn(source, network), addressOn(target, network));
  return out;
}
