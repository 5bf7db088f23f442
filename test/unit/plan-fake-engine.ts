// A small in-memory engine for the plan executor's unit tests: containers per host, the calls made, and
// hosts that can be made unreachable. Update follows the engine: 0 leaves a field as is.

export interface FakeContainer {
  host: string;
  id: string;
  state: 'running' | 'paused' | 'exited';
  hc: { NanoCpus: number; CpuQuota: number; CpuPeriod: number; CpuShares: number; Memory: number; MemorySwap: number; RestartPolicy: { Name: string; MaximumRetryCount: number } };
  /** Mutating calls that changed or could have changed it. */
  mutations: number;
}

export interface Call {
  host: string;
  id: string;
  op: 'inspect' | 'stop' | 'pause' | 'unpause' | 'start' | 'update';
  opts: Record<string, unknown>;
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const status = (statusCode: number) => Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });

export class FakeEngine {
  containers = new Map<string, FakeContainer>();
  calls: Call[] = [];
  /** Hosts whose client is missing. */
  missing = new Set<string>();
  /** Hosts whose every call is refused. */
  refusing = new Set<string>();
  /** Delay of each call, ms. */
  delayMs = 0;
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
    return this.calls.filter((c) => c.op !== 'inspect');
  }

  snapshot(): FakeEngine {
    const copy = new FakeEngine();
    for (const [id, c] of this.containers) copy.containers.set(id, structuredClone(c));
    copy.missing = new Set(this.missing);
    copy.refusing = new Set(this.refusing);
    return copy;
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
        if (op !== 'inspect') c.mutations++;
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
        }),
      pause: (opts?: object) =>
        call('pause', { ...opts }, (c) => {
          if (c.state !== 'running') throw status(409);
          c.state = 'paused';
        }),
      unpause: (opts?: object) =>
        call('unpause', { ...opts }, (c) => {
          if (c.state !== 'paused') throw status(409);
          c.state = 'running';
        }),
      start: (opts?: object) =>
        call('start', { ...opts }, (c) => {
          if (c.state !== 'exited') throw status(304);
          c.state = 'running';
        }),
      update: (opts: Record<string, unknown>) =>
        call('update', { ...opts }, (c) => {
          const num = (k: 'NanoCpus' | 'CpuQuota' | 'CpuPeriod' | 'CpuShares' | 'Memory' | 'MemorySwap') => {
            const v = opts[k];
            if (typeof v === 'number' && v !== 0) c.hc[k] = v;
          };
          if (typeof opts.Memory === 'number' && opts.Memory > 0 && c.hc.MemorySwap > 0 && opts.Memory > c.hc.MemorySwap && !opts.MemorySwap) throw status(409);
          (['NanoCpus', 'CpuQuota', 'CpuPeriod', 'CpuShares', 'Memory', 'MemorySwap'] as const).forEach(num);
          if (opts.RestartPolicy) c.hc.RestartPolicy = structuredClone(opts.RestartPolicy) as FakeContainer['hc']['RestartPolicy'];
        }),
    };
  }
}
