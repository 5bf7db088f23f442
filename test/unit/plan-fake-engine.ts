// A small in-memory engine for the plan executor's unit tests: containers per host, the calls made, and
// hosts that can be made unreachable. Update follows the engine (engine-facts.md, measured on 20.10): 0
// leaves a field as is, NanoCpus and CpuQuota/CpuPeriod do not mix, memory under 6 MiB (or -1) is refused.

export interface FakeContainer {
  host: string;
  id: string;
  state: 'running' | 'paused' | 'exited';
  hc: { NanoCpus: number; CpuQuota: number; CpuPeriod: number; CpuShares: number; Memory: number; MemorySwap: number; RestartPolicy: { Name: string; MaximumRetryCount: number } };
  /** Mutating calls that changed or could have changed it. */
  mutations: number;
}

/** One of the engine's events, as call-settlement reads them. */
export interface FakeEvent {
  id: string;
  action: string;
  signal: string | null;
  timeNano: number;
}

export interface Call {
  host: string;
  id: string;
  op: 'inspect' | 'stop' | 'pause' | 'unpause' | 'start' | 'update' | 'wait';
  opts: Record<string, unknown>;
}

/**
 * `POST /containers/{id}/update` on a HostConfig as the 20.10 engine does it (engine-facts.md): 0 leaves a
 * field as is; NanoCpus and CpuQuota/CpuPeriod do not mix; memory under 6 MiB is refused, and memory above
 * the swap limit without a new swap limit. Shared with test/support/memory-engine.ts.
 */
export function applyUpdate(hc: FakeContainer['hc'], opts: Record<string, unknown>, status: (code: number) => Error): void {
  const num = (k: 'NanoCpus' | 'CpuQuota' | 'CpuPeriod' | 'CpuShares' | 'Memory' | 'MemorySwap') => {
    const v = opts[k];
    if (typeof v === 'number' && v !== 0) hc[k] = v;
  };
  if (typeof opts.Memory === 'number' && opts.Memory > 0 && hc.MemorySwap > 0 && opts.Memory > hc.MemorySwap && !opts.MemorySwap) throw status(409);
  if (typeof opts.Memory === 'number' && opts.Memory !== 0 && opts.Memory < 6 * 2 ** 20) throw status(400);
  const quota = (typeof opts.CpuQuota === 'number' && opts.CpuQuota > 0) || (typeof opts.CpuPeriod === 'number' && opts.CpuPeriod > 0);
  if (typeof opts.NanoCpus === 'number' && opts.NanoCpus > 0 && ((hc.CpuPeriod ?? 0) > 0 || (hc.CpuQuota ?? 0) > 0 || quota)) throw status(409);
  if (quota && (hc.NanoCpus ?? 0) > 0) throw status(409);
  (['NanoCpus', 'CpuQuota', 'CpuPeriod', 'CpuShares', 'Memory', 'MemorySwap'] as const).forEach(num);
  if (opts.RestartPolicy) hc.RestartPolicy = structuredClone(opts.RestartPolicy) as FakeContainer['hc']['RestartPolicy'];
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const status = (statusCode: number) => Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });

export class FakeEngine {
  containers = new Map<string, FakeContainer>();
  calls: Call[] = [];
  /** The engine's own record, as `/events` would give it (issue 12: settlement reads it). */
  events: FakeEvent[] = [];
  private lastNano = 0;
  /** Containers whose stop is in flight: the engine has sent SIGTERM and waits out the timeout. */
  private stopping = new Map<string, Array<() => void>>();
  /** Hosts whose client is missing. */
  missing = new Set<string>();
  /** Hosts whose every call is refused. */
  refusing = new Set<string>();
  /** Delay of each call, ms. */
  delayMs = 0;
  /** Each host's CPU count (`/info` NCPU); absent: not known. */
  ncpu = new Map<string, number>();
  private inFlight = new Map<string, number>();
  maxInFlight = new Map<string, number>();
  maxInFlightAll = 0;

  add(host: string, id: string, state: FakeContainer['state'] = 'running', hc: Partial<FakeContainer['hc']> = {}): void {
    this.containers.set(id, {
      host,
      id,
      state,
      hc: { NanoCpus: 0, CpuQuota: 0, CpuPeriod: 0, CpuShares: 0, Memory: 512 * 2 ** 20, MemorySwap: 2 ** 30, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 }, ...hc },
      mutations: 0,
    });
  }

  mutatingCalls(): Call[] {
    return this.calls.filter((c) => c.op !== 'inspect' && c.op !== 'wait');
  }

  /** Logs an event at the engine's clock (strictly increasing, like timeNano). */
  log(id: string, action: string, signal: string | null = null): void {
    this.lastNano = Math.max(this.lastNano + 1, Date.now() * 1e6);
    this.events.push({ id, action, signal, timeNano: this.lastNano });
  }

  /** A stop the engine has begun (SIGTERM sent, still running): what a dockpit killed mid-stop leaves. */
  beginStop(id: string): void {
    this.log(id, 'kill', '15');
    this.stopping.set(id, []);
  }

  /** The in-flight stop ends (the timeout passed): SIGKILL, die, stop; waiters are released. */
  endStop(id: string): void {
    const c = this.containers.get(id)!;
    c.state = 'exited';
    c.mutations++;
    this.log(id, 'kill', '9');
    this.log(id, 'die');
    this.log(id, 'stop');
    for (const w of this.stopping.get(id) ?? []) w();
    this.stopping.delete(id);
  }

  records(host: string) {
    if (this.missing.has(host)) return undefined;
    return {
      now: () => Date.now() / 1000,
      marks: async (id: string, sinceSeconds: number) =>
        this.events.filter((e) => e.id === id && e.timeNano >= sinceSeconds * 1e9).map(({ action, signal, timeNano }) => ({ action, signal, timeNano })),
    };
  }

  snapshot(): FakeEngine {
    const copy = new FakeEngine();
    for (const [id, c] of this.containers) copy.containers.set(id, structuredClone(c));
    copy.events = structuredClone(this.events);
    copy.lastNano = this.lastNano;
    copy.missing = new Set(this.missing);
    copy.refusing = new Set(this.refusing);
    return copy;
  }

  cpus(host: string): number | null {
    return this.ncpu.get(host) ?? null;
  }

  client(host: string) {
    if (this.missing.has(host)) return undefined;
    return { getContainer: (id: string) => this.container(host, id) };
  }

  private container(host: string, id: string) {
    const call = async (op: Call['op'], opts: Record<string, unknown> = {}, fn: (c: FakeContainer) => unknown) => {
      this.calls.push({ host, id, op, opts });
      const n = (this.inFlight.get(host) ?? 0) + 1;
      this.inFlight.set(host, n);
      this.maxInFlight.set(host, Math.max(this.maxInFlight.get(host) ?? 0, n));
      this.maxInFlightAll = Math.max(this.maxInFlightAll, [...this.inFlight.values()].reduce((x, y) => x + y, 0));
      try {
        if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
        if (this.refusing.has(host)) throw refused();
        const c = this.containers.get(id);
        if (!c || c.host !== host) throw status(404);
        if (op !== 'inspect' && op !== 'wait') c.mutations++;
        return fn(c);
      } finally {
        this.inFlight.set(host, this.inFlight.get(host)! - 1);
      }
    };
    return {
      inspect: (opts?: object) =>
        call('inspect', { ...opts }, (c) => ({ Id: c.id, State: { Status: c.state, Running: c.state !== 'exited', Paused: c.state === 'paused' }, HostConfig: structuredClone(c.hc) })),
      stop: (opts?: object) =>
        call('stop', { ...opts }, (c) => {
          if (c.state === 'exited') throw status(304);
          c.state = 'exited';
          this.log(c.id, 'kill', '15');
          this.log(c.id, 'die');
          this.log(c.id, 'stop');
        }),
      pause: (opts?: object) =>
        call('pause', { ...opts }, (c) => {
          if (c.state !== 'running') throw status(409);
          c.state = 'paused';
          this.log(c.id, 'pause');
        }),
      unpause: (opts?: object) =>
        call('unpause', { ...opts }, (c) => {
          if (c.state !== 'paused') throw status(409);
          c.state = 'running';
          this.log(c.id, 'unpause');
        }),
      start: (opts?: object) =>
        call('start', { ...opts }, (c) => {
          if (c.state !== 'exited') throw status(304);
          c.state = 'running';
          this.log(c.id, 'start');
        }),
      update: (opts: Record<string, unknown>) =>
        call('update', { ...opts }, (c) => {
          applyUpdate(c.hc, opts, status);
          this.log(c.id, 'update');
        }),
      wait: (opts?: object) =>
        call('wait', { ...opts }, (c) =>
          c.state === 'exited' || !this.stopping.has(c.id) ? { StatusCode: 0 } : new Promise((resolve) => this.stopping.get(c.id)!.push(() => resolve({ StatusCode: 137 }))),
        ),
    };
  }
}
