import type { PlacementEngine } from '../../src/app/placement-engine.js';
import type { MemoryFacts } from '../../src/engine/container-run.js';
import { RunFailure } from '../../src/engine/container-run.js';
import { DockpitError } from '../../src/engine/errors.js';
import type { Container, HostState } from '../../src/engine/types.js';
import type { HostCensus } from '../../src/pool/address-holders.js';
import type { NetworkFacts } from '../../src/pool/network-spec.js';
import type { HostFacts } from '../../src/pool/place.js';

// An in-memory fleet behind the placement service's port (src/app/placement-engine.ts), for unit tests of
// the service: hosts hold containers and one network; create + start adds a running container with the
// create body's static address; stop stops it. Each call is logged in `calls` as `verb host [what]`.

export interface MemoryHost {
  name: string;
  state?: HostState;
  error?: string | null;
  /** No engine client (a host the fleet lost): lookups answer UNREACHABLE. */
  disconnected?: boolean;
  containers?: Container[];
  network?: NetworkFacts | null;
  memTotalBytes?: number | null;
  /** Memory limit of a container by ID (0 when absent). */
  limits?: Record<string, number>;
}

/** The create body's parts the fake reads (src/app/run-spec.ts containerCreateBody). */
interface CreateBody {
  name: string;
  Image: string;
  Labels: Record<string, string>;
  NetworkingConfig: { EndpointsConfig: Record<string, { IPAMConfig: { IPv4Address: string } }> };
}

export class MemoryPlacementEngine implements PlacementEngine {
  readonly calls: string[] = [];
  private readonly byName = new Map<string, Required<Omit<MemoryHost, 'error'>> & { error: string | null }>();
  private seq = 0;
  /** Fails the next create on a host with this error (e.g. a 404 for a missing image). */
  failCreate: DockpitError | null = null;
  /** Runs after the container is started: where a test starts a rival holder of the same address. */
  afterStart: ((host: string, c: Container) => void) | null = null;

  constructor(hosts: MemoryHost[]) {
    for (const h of hosts) {
      this.byName.set(h.name, {
        name: h.name, state: h.state ?? 'up', error: h.error ?? null, disconnected: h.disconnected ?? false,
        containers: h.containers ?? [], network: h.network ?? null, memTotalBytes: h.memTotalBytes ?? null, limits: h.limits ?? {},
      });
    }
  }

  private host(name: string) {
    const h = this.byName.get(name);
    if (!h || h.disconnected) throw new DockpitError('UNREACHABLE', `${name} is not connected any more`);
    return h;
  }

  /** Every container of a host as it stands now. */
  containers(host: string): Container[] {
    return this.byName.get(host)?.containers ?? [];
  }

  /** A container started outside dockpit (a hand-made `docker run --ip`). */
  add(host: string, name: string, ip: string, opts: { line?: string; network?: string } = {}): Container {
    const network = opts.network ?? 'biz';
    const c: Container = { host, id: `m${++this.seq}`.padEnd(64, '0'), name, image: 'busybox', state: 'running', status: 'Up', bizline: opts.line ?? null, tier: null, ips: { [network]: ip }, labels: {}, created: 0 };
    this.host(host).containers.push(c);
    return c;
  }

  hosts(): HostFacts[] {
    return [...this.byName.values()].map((h) => ({ name: h.name, state: h.state, error: h.error, containers: [...h.containers] }));
  }

  connected(host: string): boolean {
    return this.byName.get(host)?.disconnected === false;
  }

  async findNetwork(host: string, name: string): Promise<NetworkFacts | null> {
    this.calls.push(`network ${host} ${name}`);
    const n = this.host(host).network;
    return n && n.name === name ? n : null;
  }

  async memory(host: string, runningIds: readonly string[]): Promise<MemoryFacts> {
    this.calls.push(`memory ${host}`);
    const h = this.host(host);
    return { memTotalBytes: h.memTotalBytes, memLimitsBytes: runningIds.reduce((sum, id) => sum + (h.limits[id] ?? 0), 0) };
  }

  async createAndStart(host: string, body: object): Promise<string> {
    const b = body as CreateBody;
    this.calls.push(`create ${host} ${b.name}`);
    const h = this.byName.get(host);
    if (!h || h.disconnected) throw new RunFailure('create', new DockpitError('UNREACHABLE', `${host} is not connected any more`), null, null);
    if (this.failCreate) {
      const e = this.failCreate;
      this.failCreate = null;
      throw new RunFailure('create', e, null, null);
    }
    const ips = Object.fromEntries(Object.entries(b.NetworkingConfig.EndpointsConfig).map(([net, e]) => [net, e.IPAMConfig.IPv4Address]));
    const c: Container = { host, id: `c${++this.seq}`.padEnd(64, '0'), name: b.name, image: b.Image, state: 'running', status: 'Up', bizline: null, tier: null, ips, labels: b.Labels, created: 0 };
    h.containers.push(c);
    this.afterStart?.(host, c);
    return c.id;
  }

  async census(hosts: readonly string[], network: string): Promise<HostCensus[]> {
    this.calls.push(`census ${hosts.join(',')}`);
    return hosts.map((name) => {
      const h = this.byName.get(name);
      if (!h || h.disconnected) return { host: name, error: 'not connected' };
      return { host: name, containers: h.containers.filter((c) => c.state === 'running' && c.ips[network] !== undefined) };
    });
  }

  async stop(host: string, id: string): Promise<void> {
    this.calls.push(`stop ${host} ${id.slice(0, 12)}`);
    const c = this.host(host).containers.find((x) => x.id === id);
    if (!c) throw new DockpitError('NOT_FOUND', `no such container ${id}`, 404);
    if (c.state !== 'running') throw new DockpitError('CONFLICT', 'already stopped', 304);
    c.state = 'exited';
  }
}
