import type { EngineMark } from '../../src/engine/call-settlement.js';
import type { ContainerInspect } from '../../src/engine/container-inspect.js';
import type { EngineRecords } from '../../src/engine/container-marks.js';
import type { EnsureOptions, EnsureResult, ImageRef } from '../../src/engine/image-transfer.js';
import { parseTier } from '../../src/engine/container-mapper.js';
import type { Container, ContainerState } from '../../src/engine/types.js';
import type { RecorderEngine } from '../../src/app/inspect-recorder.js';
import { nameOf, type SourceInspect } from '../../src/migrate/container-spec.js';
import type { MigrateEngine, MigrateHost } from '../../src/migrate/engine-port.js';
import type { PlanContainer, PlanEngine } from '../../src/plans/execute.js';
import type { NetworkFacts } from '../../src/pool/network-spec.js';
import { applyUpdate } from '../unit/plan-fake-engine.js';

// Issue 14: an in-memory fleet of engines for the app services' unit tests. Hosts hold containers as the
// engine's inspect JSON, networks and images; the engine's answers follow what was measured on the 20.10
// engines (engine-facts.md): 404 for a container or image it does not have, 304 for a start of a running or
// a stop of a stopped container, 409 for a name taken (also by a container being removed), an update that
// ignores 0 and refuses NanoCpus with CpuQuota (plan-fake-engine.ts's rule). It implements the ports the
// services call: PlanEngine (plans), MigrateEngine (migrations), RecorderEngine (the inspect recorder).
// Every call is logged; a host can be disconnected (no client) or refuse every call (its engine is down).

export interface MemoryCall {
  host: string;
  op: string;
  /** The container, image or network the call names. */
  target: string;
}

interface MemoryHostState {
  name: string;
  containers: Map<string, SourceInspect>;
  networks: Map<string, NetworkFacts>;
  /** Image ID → its tags. */
  images: Map<string, string[]>;
  memTotal: number;
  ncpu: number;
  events: Array<EngineMark & { id: string }>;
}

const statusError = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode });
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

let nextId = 1;
/** A 64-hex container ID, unique in the test process. */
const newId = () => (nextId++).toString(16).padStart(8, '0').repeat(8);

export class MemoryEngine implements MigrateEngine, PlanEngine, RecorderEngine {
  readonly hosts = new Map<string, MemoryHostState>();
  readonly calls: MemoryCall[] = [];
  /** Hosts with no connection: no client, no records. */
  readonly disconnected = new Set<string>();
  /** Hosts connected whose every call is refused (a dead daemon behind a live connection). */
  readonly refusing = new Set<string>();
  private lastNano = 0;

  addHost(name: string, opts: { memTotal?: number; ncpu?: number; networks?: NetworkFacts[]; images?: Record<string, string[]> } = {}): this {
    this.hosts.set(name, {
      name,
      containers: new Map(),
      networks: new Map((opts.networks ?? []).map((n) => [n.name, structuredClone(n)])),
      images: new Map(Object.entries(opts.images ?? {})),
      memTotal: opts.memTotal ?? 8 * 2 ** 30,
      ncpu: opts.ncpu ?? 2,
      events: [],
    });
    return this;
  }

  /** Puts a container on a host as given (its image becomes present there). */
  put(host: string, inspect: SourceInspect): SourceInspect {
    const h = this.hostState(host);
    const copy = structuredClone(inspect);
    h.containers.set(copy.Id, copy);
    if (!h.images.has(copy.Image)) h.images.set(copy.Image, typeof copy.Config.Image === 'string' ? [copy.Config.Image] : []);
    return copy;
  }

  /** The container as the engine would inspect it now, or undefined. */
  get(host: string, idOrName: string): SourceInspect | undefined {
    const h = this.hosts.get(host);
    if (!h) return undefined;
    return h.containers.get(idOrName) ?? [...h.containers.values()].find((c) => nameOf(c) === idOrName.replace(/^\//, ''));
  }

  /** A host's containers as `GET /containers/json` lists them, mapped as the engine layer maps them (label keys of memory-fleet.ts). */
  listed(host: string, keys = { bizline: 'dockpit.bizline', tier: 'dockpit.tier' }): Container[] {
    return [...this.hostState(host).containers.values()].map((c) => ({
      host,
      id: c.Id,
      name: nameOf(c),
      image: typeof c.Config.Image === 'string' ? c.Config.Image : c.Image,
      state: (c.State?.Status ?? 'created') as ContainerState,
      status: '',
      bizline: c.Config.Labels?.[keys.bizline] ?? null,
      tier: parseTier(c.Config.Labels?.[keys.tier]),
      ips: Object.fromEntries(Object.entries(c.NetworkSettings?.Networks ?? {}).map(([n, s]) => [n, s.IPAddress ?? ''])),
      labels: c.Config.Labels ?? {},
      created: 0,
    }));
  }

  mutatingCalls(): MemoryCall[] {
    return this.calls.filter((c) => !['inspect', 'info', 'list', 'network.find', 'image.find', 'image.present', 'wait', 'memory'].includes(c.op));
  }

  /** Logs an engine event at the engine's clock (strictly increasing, like timeNano). */
  log(host: string, id: string, action: string, signal: string | null = null): void {
    this.lastNano = Math.max(this.lastNano + 1, Date.now() * 1e6);
    this.hostState(host).events.push({ id, action, signal, timeNano: this.lastNano });
  }

  // --- the ports -------------------------------------------------------------------------------------------

  records(host: string): EngineRecords | undefined {
    if (this.disconnected.has(host) || !this.hosts.has(host)) return undefined;
    const h = this.hostState(host);
    return {
      now: () => Date.now() / 1000,
      marks: async (id, sinceSeconds) => h.events.filter((e) => e.id === id && e.timeNano >= sinceSeconds * 1e9).map(({ action, signal, timeNano }) => ({ action, signal, timeNano })),
    };
  }

  cpus(host: string): number | null {
    return this.hosts.get(host)?.ncpu ?? null;
  }

  connected(host: string): boolean {
    return this.hosts.has(host) && !this.disconnected.has(host);
  }

  /** RecorderEngine: the whole inspect body, or a 404. */
  async inspect(host: string, id: string): Promise<ContainerInspect> {
    const c = await this.call(host, 'inspect', id, (h) => h.containers.get(id));
    if (!c) throw statusError(404, `no such container: ${id}`);
    // The engine's whole body, which the records keep typed as ContainerInspect (dockerode-engine.ts).
    return c as unknown as ContainerInspect;
  }

  client(host: string): { getContainer(id: string): PlanContainer } | undefined {
    if (!this.connected(host)) return undefined;
    return { getContainer: (id) => this.planContainer(host, id) };
  }

  host(name: string): MigrateHost | undefined {
    if (!this.connected(name)) return undefined;
    return this.migrateHost(name);
  }

  async ensureImage(from: string | null, to: string, ref: ImageRef, opts: EnsureOptions): Promise<EnsureResult> {
    const present = await this.call(to, 'image.present', ref.id, (h) => h.images.has(ref.id));
    if (present) return { how: 'present', ms: 0 };
    if (from === null || !this.connected(from)) throw statusError(404, `image ${ref.id.slice(7, 19)} is on neither the target nor a source engine`);
    const has = await this.call(from, 'image.get', ref.id, (h) => h.images.has(ref.id));
    if (!has) throw statusError(404, `no such image: ${ref.id}`);
    await this.call(to, 'image.load', ref.id, (h) => h.images.set(ref.id, [...ref.tags]));
    opts.onProgress?.(1024);
    return { how: 'streamed', bytes: 1024, ms: 0 };
  }

  // --- inside ----------------------------------------------------------------------------------------------

  private hostState(host: string): MemoryHostState {
    const h = this.hosts.get(host);
    if (!h) throw new Error(`memory engine: no host ${host}`);
    return h;
  }

  private async call<T>(host: string, op: string, target: string, fn: (h: MemoryHostState) => T): Promise<T> {
    this.calls.push({ host, op, target });
    await Promise.resolve(); // an engine answers later, never in the caller's turn
    if (this.disconnected.has(host)) throw Object.assign(new Error(`${host}: not connected`), { code: 'EHOSTUNREACH' });
    if (this.refusing.has(host)) throw refused();
    return fn(this.hostState(host));
  }

  private must(h: MemoryHostState, id: string): SourceInspect {
    const c = h.containers.get(id) ?? [...h.containers.values()].find((x) => nameOf(x) === id);
    if (!c) throw statusError(404, `no such container: ${id}`);
    return c;
  }

  private setState(host: string, c: SourceInspect, status: 'running' | 'exited' | 'paused'): void {
    const { Health: _health, ...rest } = c.State ?? {};
    c.State = { ...rest, Status: status, Running: status !== 'exited', Paused: status === 'paused', ...(status === 'running' && { StartedAt: new Date().toISOString() }) };
    this.log(host, c.Id, status === 'running' ? 'start' : status === 'paused' ? 'pause' : 'die');
  }

  private running = (c: SourceInspect) => c.State?.Running === true;

  private migrateHost(host: string): MigrateHost {
    const nameTaken = (h: MemoryHostState, name: string, except?: string) => [...h.containers.values()].some((c) => c.Id !== except && nameOf(c) === name);
    return {
      inspect: (idOrName) => this.call(host, 'inspect', idOrName, (h) => structuredClone(h.containers.get(idOrName) ?? [...h.containers.values()].find((c) => nameOf(c) === idOrName)) ?? null),
      create: (body) =>
        this.call(host, 'create', String(body['name'] ?? ''), (h) => {
          const { name, HostConfig, NetworkingConfig, Hostname, ...config } = body as Record<string, unknown> & { name?: string; HostConfig?: Record<string, unknown>; NetworkingConfig?: { EndpointsConfig?: Record<string, { IPAMConfig?: { IPv4Address?: string }; Aliases?: string[] }> } };
          if (typeof name === 'string' && nameTaken(h, name)) throw statusError(409, `Conflict. The container name "/${name}" is already in use`);
          const ref = String(config['Image'] ?? '');
          const image = [...h.images.entries()].find(([id, tags]) => id === ref || tags.includes(ref))?.[0];
          if (!image) throw statusError(404, `No such image: ${ref}`);
          const id = newId();
          const networks: NonNullable<NonNullable<SourceInspect['NetworkSettings']>['Networks']> = {};
          for (const [net, ep] of Object.entries(NetworkingConfig?.EndpointsConfig ?? {})) {
            if (!h.networks.has(net)) throw statusError(404, `network ${net} not found`);
            const ip = ep.IPAMConfig?.IPv4Address;
            networks[net] = { IPAMConfig: ip ? { IPv4Address: ip } : null, IPAddress: '', Aliases: [...(ep.Aliases ?? []), id.slice(0, 12)] };
          }
          h.containers.set(id, {
            Id: id,
            Name: `/${name ?? id.slice(0, 12)}`,
            Image: image,
            State: { Status: 'created', Running: false, Paused: false, Restarting: false, StartedAt: '0001-01-01T00:00:00Z' },
            RestartCount: 0,
            Config: { ...structuredClone(config), Hostname: typeof Hostname === 'string' ? Hostname : id.slice(0, 12) },
            HostConfig: structuredClone(HostConfig ?? {}),
            Mounts: [],
            NetworkSettings: { Networks: networks },
          });
          this.log(host, id, 'create');
          return id;
        }),
      rename: (id, name) =>
        this.call(host, 'rename', id, (h) => {
          const c = this.must(h, id);
          if (nameTaken(h, name, c.Id)) throw statusError(409, `name ${name} is in use`);
          c.Name = `/${name}`;
          this.log(host, c.Id, 'rename');
        }),
      start: (id) =>
        this.call(host, 'start', id, (h) => {
          const c = this.must(h, id);
          if (this.running(c)) return; // 304: already so
          for (const ep of Object.values(c.NetworkSettings?.Networks ?? {})) ep.IPAddress = ep.IPAMConfig?.IPv4Address ?? ep.IPAddress ?? '';
          this.setState(host, c, 'running');
          if (c.Config.Healthcheck) c.State!.Health = { Status: 'healthy' };
        }),
      stop: (id) =>
        this.call(host, 'stop', id, (h) => {
          const c = this.must(h, id);
          if (!this.running(c)) return; // 304
          this.log(host, c.Id, 'kill', '15');
          this.setState(host, c, 'exited');
          this.log(host, c.Id, 'stop');
        }),
      waitStopped: (id) => this.call(host, 'wait', id, () => undefined),
      remove: (id) =>
        this.call(host, 'remove', id, (h) => {
          const c = h.containers.get(id) ?? [...h.containers.values()].find((x) => nameOf(x) === id);
          if (!c) return; // 404: already gone
          h.containers.delete(c.Id);
          this.log(host, c.Id, 'destroy');
        }),
      info: () => this.call(host, 'info', '', (h) => ({ SystemTime: new Date().toISOString(), NCPU: h.ncpu, Name: host })),
      findNetwork: (name) => this.call(host, 'network.find', name, (h) => structuredClone(h.networks.get(name)) ?? null),
      createNetwork: (body) =>
        this.call(host, 'network.create', String(body['Name'] ?? ''), (h) => {
          const name = String(body['Name']);
          if (h.networks.has(name)) throw statusError(409, `network with name ${name} already exists`);
          const ipam = body['IPAM'] as { Config?: Array<{ Subnet?: string; Gateway?: string; IPRange?: string }> } | undefined;
          const id = newId();
          h.networks.set(name, {
            id,
            name,
            driver: String(body['Driver'] ?? 'bridge'),
            subnets: (ipam?.Config ?? []).map((c) => ({ subnet: c.Subnet ?? '', gateway: c.Gateway ?? null, ipRange: c.IPRange ?? null })),
            parent: null,
            labels: (body['Labels'] as Record<string, string> | undefined) ?? {},
          });
          return id;
        }),
      imageIdOf: (ref) => this.call(host, 'image.find', ref, (h) => [...h.images.entries()].find(([, tags]) => tags.includes(ref))?.[0] ?? null),
      imagePresent: (id) => this.call(host, 'image.present', id, (h) => h.images.has(id)),
      memory: (ids) =>
        this.call(host, 'memory', '', (h) => ({
          memTotalBytes: h.memTotal,
          memLimitsBytes: ids.reduce((sum, id) => sum + Number(h.containers.get(id)?.HostConfig['Memory'] ?? 0), 0),
        })),
      runningOn: (network) => this.call(host, 'list', network, () => this.listed(host).filter((c) => c.state === 'running' && network in c.ips)),
    };
  }

  private planContainer(host: string, id: string): PlanContainer {
    const m = this.migrateHost(host);
    return {
      inspect: async () => {
        const c = await m.inspect(id, new AbortController().signal);
        if (!c) throw statusError(404, `no such container: ${id}`);
        return c;
      },
      stop: async (o) => {
        this.notModifiedUnless(host, id, 'stop', true);
        await m.stop(id, o?.t ?? 10, new AbortController().signal);
      },
      start: async () => {
        this.notModifiedUnless(host, id, 'start', false);
        await m.start(id, new AbortController().signal);
      },
      pause: () =>
        this.call(host, 'pause', id, (h) => {
          const c = this.must(h, id);
          if (c.State?.Status !== 'running') throw statusError(409, 'not running');
          this.setState(host, c, 'paused');
        }),
      unpause: () =>
        this.call(host, 'unpause', id, (h) => {
          const c = this.must(h, id);
          if (c.State?.Status !== 'paused') throw statusError(409, 'not paused');
          this.setState(host, c, 'running');
        }),
      update: (opts) =>
        this.call(host, 'update', id, (h) => {
          const c = this.must(h, id);
          applyUpdate(c.HostConfig as Parameters<typeof applyUpdate>[0], opts, (code) => statusError(code, `update refused (${code})`));
          this.log(host, c.Id, 'update');
        }),
      wait: () => this.call(host, 'wait', id, () => ({ StatusCode: 0 })),
    };
  }

  /** A plan's start or stop answers 304 when it is already so (the plan executor reads it; the migration port does not). */
  private notModifiedUnless(host: string, id: string, op: 'start' | 'stop', running: boolean): void {
    const c = this.get(host, id);
    if (c && this.running(c) !== running && this.connected(host) && !this.refusing.has(host)) {
      this.calls.push({ host, op, target: id });
      throw statusError(304, 'not modified');
    }
  }
}
