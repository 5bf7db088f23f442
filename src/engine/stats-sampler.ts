import type Docker from 'dockerode';
import { withDeadline } from './deadline.js';
import { oneShotStats } from './engine-calls.js';
import { ratesBetween, toReading, type Reading } from './stats-math.js';
import type { DomainEventSink, StatsSample } from './types.js';

export interface ContainerRef {
  host: string;
  id: string;
}

export interface StatsSamplerOptions {
  /** The engine client of a host while it is connected. */
  client: (host: string) => Docker | null;
  /** Every running container of the fleet now (the background rotation walks these). */
  running: () => readonly ContainerRef[];
  emit: DomainEventSink;
  /** A read answered in `latencyMs`: the host's connection counts it as a proof of life (its probe waits). */
  onAnswer?: (host: string, latencyMs: number) => void;
  /** Requests in flight per host at most: the engine, not dockpit, is what must not be flooded. */
  perHost?: number;
  /** How often a container on screen is sampled, ms. */
  visibleEveryMs?: number;
  /** How often every other running container is sampled, ms. */
  backgroundEveryMs?: number;
  /**
   * Background reads a second across the whole fleet, at most. 10,000 containers every 15 s would be 600
   * requests a second, the largest part of dockpit's idle CPU in its profile (issue 7): a big fleet rotates
   * more slowly, what is on screen does not.
   */
  backgroundPerSecond?: number;
  /** The shortest gap between the two first readings, ms: CPU % over less is noise. */
  minGapMs?: number;
  callTimeoutMs?: number;
  tickMs?: number;
}

interface Track {
  last: Reading | null;
  /** A figure has been computed (two readings so far). */
  emitted: boolean;
  takenAt: number;
  inFlight: boolean;
}

/**
 * Samples container stats without a stream per container (engine-facts.md: dozens of streams load
 * dockerd): one-shot reads, what is on screen first, the rest in a slow rotation, a cap per host.
 */
export class StatsSampler {
  private readonly tracks = new Map<string, Track>();
  private visible: ContainerRef[] = [];
  private visibleKeys = new Set<string>();
  private readonly inFlight = new Map<string, number>();
  private readonly rotation = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  /** Samples waiting to go out: those of containers on screen [0] and of the background rotation [1]. */
  private readonly pending: [StatsSample[], StatsSample[]] = [[], []];
  private readonly o: Required<Omit<StatsSamplerOptions, 'client' | 'running' | 'emit' | 'onAnswer'>>;
  /** Background reads allowed now (a token bucket refilled at backgroundPerSecond, one second deep). */
  private budget: number;
  private lastTick = 0;
  /** The host the next tick starts with: with a small budget, every host gets its turn. */
  private hostStart = 0;
  private grouped: { running: readonly ContainerRef[]; byHost: Array<[string, ContainerRef[]]>; keys: Set<string> } | null = null;

  constructor(private readonly opts: StatsSamplerOptions) {
    this.o = {
      perHost: opts.perHost ?? 2,
      visibleEveryMs: opts.visibleEveryMs ?? 2000,
      backgroundEveryMs: opts.backgroundEveryMs ?? 15_000,
      minGapMs: opts.minGapMs ?? 1000,
      callTimeoutMs: opts.callTimeoutMs ?? 3000,
      tickMs: opts.tickMs ?? 250,
      backgroundPerSecond: opts.backgroundPerSecond ?? 50,
    };
    this.budget = this.o.backgroundPerSecond;
  }

  setVisible(list: readonly ContainerRef[]): void {
    this.visible = [...list];
    this.visibleKeys = new Set(list.map((r) => `${r.host}/${r.id}`));
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.o.tickMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private track(ref: ContainerRef): Track {
    const key = `${ref.host}/${ref.id}`;
    let t = this.tracks.get(key);
    if (!t) {
      t = { last: null, emitted: false, takenAt: 0, inFlight: false };
      this.tracks.set(key, t);
    }
    return t;
  }

  private due(t: Track, every: number, now: number): boolean {
    if (t.inFlight) return false;
    // Until a first figure exists, read again as soon as the gap allows; then at the container's pace.
    return now - t.takenAt >= (t.emitted ? every : this.o.minGapMs);
  }

  /** One scheduling round: fill each host's free slots, visible containers first. */
  tick(now = Date.now()): void {
    const { byHost, keys: runningKeys } = this.group(this.opts.running());
    const rate = this.o.backgroundPerSecond;
    this.budget = Math.min(rate, this.budget + (this.lastTick ? ((now - this.lastTick) / 1000) * rate : rate));
    this.lastTick = now;
    const start = byHost.length ? this.hostStart % byHost.length : 0;
    const free = new Array<number>(byHost.length).fill(0);
    for (let h = 0; h < byHost.length; h++) {
      const [host] = byHost[(start + h) % byHost.length]!;
      free[h] = this.o.perHost - (this.inFlight.get(host) ?? 0);
      if (free[h]! <= 0 || !this.opts.client(host)) {
        free[h] = 0;
        continue;
      }
      for (const v of this.visible) {
        if (free[h]! <= 0) break;
        if (v.host !== host || !runningKeys.has(`${v.host}/${v.id}`)) continue;
        if (this.due(this.track(v), this.o.visibleEveryMs, now)) {
          this.read(v, now, false);
          free[h]!--;
        }
      }
    }
    // Background: one read a host per pass while the budget lasts, then another pass, and the next tick starts
    // after the last host read. With 5 reads a tick over 200 hosts, each host is then read about every 10 s
    // (rather than several in a row every 50 s), and those answers keep its probe quiet (issue 14).
    let next = start + 1;
    for (let pass = 0, any = true; any && this.budget >= 1; pass++) {
      any = false;
      for (let h = 0; h < byHost.length && this.budget >= 1; h++) {
        if (free[h]! <= 0) continue;
        const [host, list] = byHost[(start + h) % byHost.length]!;
        // Round-robin over the host's running containers from where the last read stopped.
        const from = this.rotation.get(host) ?? 0;
        for (let k = 0; k < list.length; k++) {
          const i = (from + k) % list.length;
          const ref = list[i]!;
          if (this.due(this.track(ref), this.o.backgroundEveryMs, now)) {
            this.read(ref, now, !this.visibleKeys.has(`${ref.host}/${ref.id}`));
            free[h]!--;
            this.budget--;
            this.rotation.set(host, i + 1);
            if (pass === 0) next = start + h + 1;
            any = true;
            break;
          }
        }
      }
    }
    this.hostStart = byHost.length ? next % byHost.length : 0;
    if (this.tracks.size > runningKeys.size * 2 + 64) {
      for (const key of this.tracks.keys()) if (!runningKeys.has(key)) this.tracks.delete(key);
    }
  }

  /** The running containers by host, and their keys; recomputed only when the list is a new one. */
  private group(running: readonly ContainerRef[]): { byHost: Array<[string, ContainerRef[]]>; keys: Set<string> } {
    if (this.grouped?.running === running) return this.grouped;
    const byHost = new Map<string, ContainerRef[]>();
    for (const r of running) {
      let list = byHost.get(r.host);
      if (!list) byHost.set(r.host, (list = []));
      list.push(r);
    }
    this.grouped = { running, byHost: [...byHost], keys: new Set(running.map((r) => `${r.host}/${r.id}`)) };
    return this.grouped;
  }

  private read(ref: ContainerRef, now: number, background: boolean): void {
    const docker = this.opts.client(ref.host);
    if (!docker) return;
    const t = this.track(ref);
    t.inFlight = true;
    t.takenAt = now;
    this.inFlight.set(ref.host, (this.inFlight.get(ref.host) ?? 0) + 1);
    const t0 = performance.now();
    withDeadline(this.o.callTimeoutMs, (abortSignal) => oneShotStats(docker, ref.id, { abortSignal }))
      .then((raw) => {
        this.opts.onAnswer?.(ref.host, performance.now() - t0);
        const reading = toReading(raw);
        if (reading && t.last) {
          this.queue(sampleOf(ref, t.last, reading), background);
          t.emitted = true;
        }
        t.last = reading;
      })
      // A failed read (the container just stopped, the host is slow) only delays this container's next
      // figure; the host's own health is reported by its connection, not here.
      .catch(() => undefined)
      .finally(() => {
        t.inFlight = false;
        this.inFlight.set(ref.host, (this.inFlight.get(ref.host) ?? 1) - 1);
      });
  }

  private queue(sample: StatsSample, background: boolean): void {
    const k = background ? 1 : 0;
    this.pending[k].push(sample);
    if (this.pending[k].length === 1) {
      // Samples finishing in the same moment go to the store as one event.
      setImmediate(() => {
        const samples = this.pending[k];
        this.pending[k] = [];
        this.opts.emit(background ? { type: 'stats.sampled', samples, background } : { type: 'stats.sampled', samples });
      });
    }
  }
}

export function sampleOf(ref: ContainerRef, prev: Reading, next: Reading): StatsSample {
  const rates = ratesBetween(prev, next);
  return {
    host: ref.host,
    id: ref.id,
    at: Date.now(),
    cpuPercent: rates.cpuPercent,
    memBytes: next.memBytes,
    memLimitBytes: next.memLimitBytes,
    rxBytesPerSec: rates.rxBytesPerSec,
    txBytesPerSec: rates.txBytesPerSec,
  };
}

/** Two readings `gapMs` apart of each container, at most `perHost` at once per host: a snapshot for `top`. */
export async function snapshotStats(
  targets: readonly ContainerRef[],
  client: (host: string) => Docker | null,
  o: { gapMs: number; perHost: number; callTimeoutMs: number },
): Promise<Map<string, StatsSample | { error: string }>> {
  const out = new Map<string, StatsSample | { error: string }>();
  const hosts = new Map<string, ContainerRef[]>();
  for (const t of targets) {
    const list = hosts.get(t.host) ?? [];
    list.push(t);
    hosts.set(t.host, list);
  }
  const readAll = async (list: ContainerRef[]): Promise<Map<string, Reading | null>> => {
    const readings = new Map<string, Reading | null>();
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const ref = list[next++]!;
        const docker = client(ref.host);
        try {
          if (!docker) throw new Error('host not connected');
          readings.set(ref.id, toReading(await withDeadline(o.callTimeoutMs, (abortSignal) => oneShotStats(docker, ref.id, { abortSignal }))));
        } catch (err) {
          readings.set(ref.id, null);
          out.set(`${ref.host}/${ref.id}`, { error: (err as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.perHost, list.length) }, worker));
    return readings;
  };
  await Promise.all(
    [...hosts.values()].map(async (list) => {
      const first = await readAll(list);
      await new Promise((r) => setTimeout(r, o.gapMs));
      const second = await readAll(list);
      for (const ref of list) {
        const a = first.get(ref.id);
        const b = second.get(ref.id);
        if (a && b) out.set(`${ref.host}/${ref.id}`, sampleOf(ref, a, b));
        else if (!out.has(`${ref.host}/${ref.id}`)) out.set(`${ref.host}/${ref.id}`, { error: 'not running' });
      }
    }),
  );
  return out;
}
