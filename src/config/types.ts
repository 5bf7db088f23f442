import type { AlertsConfig } from '../alerts/rules-config.js';
import type { Transport } from '../engine/types.js';
import type { Cidr } from '../pool/ipv4.js';
import type { Plan } from '../plans/types.js';

/** How to reach one engine, resolved from the config (paths expanded, ssh config applied). */
export type Endpoint =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number }
  | {
      kind: 'tls';
      host: string;
      port: number;
      /** PEM contents; the engine's certificate must chain to `ca` and name `host`. */
      ca: string;
      /** The client certificate and key, or null to present none (an engine with --tlsverify then refuses). */
      cert: string | null;
      key: string | null;
      /** Where `ca` came from, for messages. */
      caFile: string;
    }
  | {
      kind: 'ssh';
      host: string;
      port: number;
      username: string;
      socketPath: string;
      identityFile: string | null;
      knownHosts: string;
      agentSocket: string | null;
    };

export interface HostSpec {
  name: string;
  url: string;
  transport: Transport;
  endpoint: Endpoint;
  labels: Record<string, string>;
}

export interface EngineTuning {
  /** Deadline for every engine call, ms. */
  callTimeoutMs: number;
  /** Deadline for opening a connection (TCP, TLS or SSH handshake), ms. */
  connectTimeoutMs: number;
  /** Health probe period, ms. */
  probeIntervalMs: number;
  /** A probe slower than this marks the host degraded, ms. */
  slowThresholdMs: number;
  /** Full re-list period even when events look healthy, ms. */
  resyncIntervalMs: number;
  /** Background stats reads a second across the fleet (the rows on screen are read regardless). */
  statsPerSecond: number;
}

/** A static IP pool: one docker network of the same name and subnet on every host. */
export interface IpPool {
  name: string;
  network: string;
  driver: 'bridge' | 'macvlan';
  parent: string | null;
  subnet: Cidr;
  gateway: number;
  /** Business line → the part of the subnet its containers take addresses from. */
  ranges: Record<string, Cidr>;
  reserved: number[];
  /**
   * Whether the network and broadcast addresses of a line's range are handed out (`useRangeEdges: true`);
   * by default they are not (issue 12: a range's .0 looks like a network address to everyone on the LAN).
   */
  useRangeEdges: boolean;
  /** The network's `--ip-range`: where the engine puts a container started without `--ip` (src/pool/ip-range.ts). */
  ipRange: Cidr;
}

/** What a business line may use. */
export interface LineSpec {
  name: string;
  tier: number;
  pool: string | null;
  /** Hosts its containers may be placed on; empty: any host. */
  hosts: string[];
}

export interface FleetConfig {
  /** The config file, or a description of the local engine fallback. */
  source: string;
  labels: { bizline: string; tier: string };
  engine: EngineTuning;
  hosts: HostSpec[];
  pools: IpPool[];
  lines: Record<string, LineSpec>;
  /** Degradation plans (issue 5): `plans:` then the files of `plansDir`, in that order. */
  plans: Plan[];
  /**
   * The state folder (file backend): ledger, locks, journals, records, audit log. With `state` on etcd it
   * is unused for state.
   */
  stateDir: string;
  /** Where the state is (issue 11); absent: files in `stateDir`. */
  state?: StateConfig;
  /** A registry a migration pulls missing images from (else they stream engine to engine). */
  registry?: string;
  /** Issue 15: alert rules and sinks, defaults filled (src/alerts/rules-config.ts). */
  alerts: AlertsConfig;
}

export const DEFAULT_TUNING: EngineTuning = {
  callTimeoutMs: 3000,
  connectTimeoutMs: 3000,
  probeIntervalMs: 2000,
  slowThresholdMs: 1000,
  resyncIntervalMs: 15000,
  statsPerSecond: 20,
};

export const DEFAULT_LABELS = { bizline: 'dockpit.bizline', tier: 'dockpit.tier' };

/**
 * Where the state is with no `state:` configured: system-wide, so that the operators of one jump host (Unix
 * users of one group) share one ledger and one set of locks (issue 11, item 5; `dockpit state init`).
 */
export const DEFAULT_STATE_DIR = '/var/lib/dockpit';

/** Retention of what only grows in the state (journals of ended runs, audit entries), ms. */
export interface RetentionConfig {
  journalsMs: number;
  auditMs: number;
}

/** The shared state on etcd (issue 11): `state: etcd://h1:2379,h2:2379/prefix` or a `state:` block. */
export interface EtcdStateConfig {
  kind: 'etcd';
  /** `http://host:port` or `https://host:port`, one per member. */
  endpoints: string[];
  /** Every key dockpit writes starts with it; ends with "/". */
  prefix: string;
  tls: { ca: string; cert: string | null; key: string | null } | null;
  auth: { username: string; password: string } | null;
  /** Lease TTL of this process's locks and run claims, seconds (default 15). */
  leaseTtlSec: number;
  /** How long a call to etcd may take before the state counts as unavailable, ms. */
  callTimeoutMs: number;
  retention: RetentionConfig;
}

export interface FileStateConfig {
  kind: 'file';
  dir: string;
  retention: RetentionConfig;
}

export type StateConfig = FileStateConfig | EtcdStateConfig;
