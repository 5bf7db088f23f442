import type { Transport } from '../engine/types.js';
import type { Cidr } from '../pool/ipv4.js';
import type { Plan } from '../plans/types.js';

/** How to reach one engine, resolved from the config (paths expanded, ssh config applied). */
export type Endpoint =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'tls'; host: string; port: number; ca: string; cert: string; key: string }
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
  /** The jump host's state folder: ledger, locks, journal, audit log. */
  stateDir: string;
  /** A registry a migration pulls missing images from (else they stream engine to engine). */
  registry?: string;
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

export const DEFAULT_STATE_DIR = '~/.local/state/dockpit';
