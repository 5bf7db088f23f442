import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type { EngineTuning, HostSpec } from '../config/types.js';
import { Backoff } from './backoff.js';
import { LIST_CHANGING_ACTIONS, mapContainer, patchFromAction, type LabelKeys } from './container-mapper.js';
import { containerEvents, engineInfo, engineVersion, eventsBetween, listContainers } from './engine-calls.js';
import { deadlineOf, type Deadline } from './deadline.js';
import { DockpitError, toDockpitError } from './errors.js';
import { toTimelineRecord, type EngineEvent } from './engine-event.js';
import { EventOverlay, EVENT_TRUST_MS } from './event-overlay.js';
import { LineJsonDecoder } from './line-json.js';
import type { SshTunnel } from './ssh-tunnel.js';
import type { Container, DomainEventSink, HostStatus } from './types.js';

export interface HostConnectionOptions {
  spec: HostSpec;
  labels: LabelKeys;
  tuning: EngineTuning;
  emit: DomainEventSink;
  /**
   * Version and info wait for this, and the host settles after them (issue 16: the cockpit asks them once its
   * first frame is out, FleetEngineOptions.listsFirst; the first frame waits for `listed` alone).
   */
  describeAfter?: Promise<void>;
  /**
   * The connection begins only once this resolves: the cockpit's launch, for a host whose first list a worker
   * takes (first-lists.ts, handed over with `firstList`); the connection then lists again on its own.
   */
  sessionAfter?: Promise<void>;
}

/**
 * The transports (dockerode and docker-modem with node:http, ssh2 with its crypto checks) load when the first
 * connection begins, not with the engine: the cockpit's connections begin after its first frame, which the
 * worker's lists feed (issue 16: about 35 ms of the launch's main thread before that frame, at 200 hosts).
 */
let transports: Promise<[typeof import('./docker-client.js'), typeof import('./ssh-tunnel.js')]> | null = null;
const loadTransports = () => (transports ??= Promise.all([import('./docker-client.js'), import('./ssh-tunnel.js')]));

/** Debounce for event-triggered re-lists: a burst of events costs one list. */
const RELIST_DEBOUNCE_MS = 25;
/**
 * The shortest gap between event-triggered lists of one host. In a restart storm (1,000 events a second
 * over 200 hosts) a 25 ms debounce alone re-listed every host about 5 times a second: 1,000 lists of 50
 * containers a second to confirm what the events had said (issue 7). Events still patch the store at once;
 * only the confirming list waits, and a lone event after a quiet second is still confirmed within 25 ms.
 */
const RELIST_MIN_GAP_MS = 1000;
/** Probe failures in a row before a host is declared down (one only degrades it). */
const FAILURES_BEFORE_DOWN = 2;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Keeps one host's containers in the store: connect, list, follow events, probe, and on any failure
 * report it, back off and start again with a fresh list. Never throws; never blocks another host.
 */
export class HostConnection {
  private readonly stopController = new AbortController();
  private readonly backoff = new Backoff();
  private settle!: () => void;
  /** Resolves once the host has been listed and described, or has failed once: what headless commands wait for. */
  readonly settled = new Promise<void>((r) => (this.settle = r));
  private markListed!: () => void;
  /** Resolves once the host has been listed, or has failed once: what the cockpit's first frame waits for. */
  readonly listed = new Promise<void>((r) => (this.markListed = r));
  private docker: Docker | null = null;
  private ncpu: number | null = null;
  private loop: Promise<void> | null = null;
  /** Engine clock minus local clock, ms (engine-facts.md: `since` is the engine's clock, not ours). */
  private clockOffsetMs = 0;
  /** The newest event seen, engine nanoseconds: after a reconnect the backfill starts there. */
  private lastEventNano = 0;
  private readonly overlay = new EventOverlay();
  /** When a container call on this host last answered in time (performance.now()): the probe's proof of life. */
  private answeredAt = -Infinity;

  constructor(private readonly opts: HostConnectionOptions) {}

  get name(): string {
    return this.opts.spec.name;
  }

  /** The current engine client, while connected; actions go through it. */
  get client(): Docker | null {
    return this.docker;
  }

  /** Who waits for the first session's client (firstClient); null once that session has connected or failed. */
  private firstWaiters: Array<{ resolve: (docker: Docker) => void; reject: (err: unknown) => void }> | null = [];

  /**
   * The client of this connection's first session: at once when connected, else once it connects; rejected with
   * the reason that session failed. Null when the first session is over and there is no client (the host is
   * down): the caller says so at once rather than waiting for a reconnect.
   */
  firstClient(): Promise<Docker> | null {
    if (this.docker) return Promise.resolve(this.docker);
    if (this.firstWaiters === null) return null;
    return new Promise((resolve, reject) => this.firstWaiters!.push({ resolve, reject }));
  }

  private endFirstWait(outcome: { docker: Docker } | { err: unknown }): void {
    const waiters = this.firstWaiters ?? [];
    this.firstWaiters = null;
    for (const w of waiters) 'docker' in outcome ? w.resolve(outcome.docker) : w.reject(outcome.err);
  }

  /** The engine's CPU count from its last `/info`, null before: plans refuse a CPU limit above it. */
  get cpus(): number | null {
    return this.ncpu;
  }

  /**
   * Another container call (a stats read) answered in `latencyMs`: as good a proof of life as the probe's
   * list, so the probe waits a whole interval from it (issue 14: at 200 hosts the stats rotation already
   * reaches every host about every 10 s, and probes were a third of the idle cockpit's requests). A slow
   * answer proves nothing: the probe then runs and says the host is degraded.
   */
  noteAnswer(latencyMs: number): void {
    if (latencyMs <= this.opts.tuning.slowThresholdMs) this.answeredAt = performance.now();
  }

  start(): void {
    const { spec } = this.opts;
    this.status({ url: spec.url, transport: spec.transport, labels: spec.labels, state: 'connecting' });
    const after = this.opts.sessionAfter;
    this.loop ??= after ? after.then(() => this.run()) : this.run();
  }

  /** Whether its connection has begun (with `sessionAfter`, not before that resolves). */
  get begun(): boolean {
    return this.sessionBegun;
  }

  /**
   * A list taken for this host before its connection began (first-lists.ts): shown as the connection's own
   * first list would be. The connection's session lists again once it has subscribed to the events.
   */
  firstList(listed: Container[], latencyMs: number): void {
    this.showList(listed, latencyMs); // a disagreement with an event is settled by the session's own list
    this.markListed();
  }

  /** A fresh list into the store, through the events' overlay; true if an event disagreed with it. */
  private showList(listed: Container[], latencyMs: number): boolean {
    const { containers, disagreed } = this.overlay.apply(listed, Date.now());
    this.opts.emit({ type: 'host.listed', host: this.name, containers });
    this.noteAnswer(latencyMs);
    this.status({ state: this.stateFor(latencyMs), error: null, latencyMs, lastSeen: Date.now() });
    return disagreed;
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    await this.loop;
  }

  private status(patch: Partial<Omit<HostStatus, 'name'>>): void {
    this.opts.emit({ type: 'host.status', host: this.name, patch });
  }

  private sessionBegun = false;

  private async run(): Promise<void> {
    this.sessionBegun = true;
    const stop = this.stopController.signal;
    while (!stop.aborted) {
      const session = new AbortController();
      const onStop = () => session.abort();
      stop.addEventListener('abort', onStop, { once: true });
      try {
        await this.session(session.signal);
      } catch (err) {
        if (stop.aborted) break;
        const coded = toDockpitError(err);
        this.endFirstWait({ err: coded });
        this.status({ state: 'down', error: coded.toString(), latencyMs: null });
      } finally {
        session.abort();
        stop.removeEventListener('abort', onStop);
        this.docker = null;
        this.markListed();
        this.settle();
      }
      await sleep(this.backoff.next(), stop);
    }
    // Stopped before its connection began (sessionAfter): nothing waits on it for ever.
    this.markListed();
    this.settle();
    this.endFirstWait({ err: new DockpitError('STREAM_ENDED', `${this.name}: stopped`) });
  }

  /** One connected period. Resolves never; rejects with the reason it ended. */
  private async session(signal: AbortSignal): Promise<void> {
    const { spec, tuning } = this.opts;
    const deadline = deadlineOf(tuning.callTimeoutMs, signal);
    let tunnel: SshTunnel | null = null;
    const cleanups: Array<() => void> = [];
    try {
      const [{ createDockerClient }, { SshTunnel }] = await loadTransports();
      if (spec.endpoint.kind === 'ssh') {
        tunnel = new SshTunnel(spec.name, spec.endpoint, tuning.connectTimeoutMs);
        const t = tunnel;
        cleanups.push(() => t.close());
        await t.connect();
      }
      const docker = createDockerClient(spec, tunnel);
      // The events stream first, then the list (subscribed before it, so nothing can fall between them);
      // version and info beside both: the list waits for no other round trip (issue 16: /info is the
      // engine's slowest answer, and on a busy jump host every round trip waits for the event loop too).
      const opened = this.withDeadline(containerEvents(docker, { filters: { type: ['container'] }, abortSignal: signal }), signal, 'open events stream')
        .then((stream) => {
          cleanups.push(() => stream.destroy());
          return stream;
        });
      const described = (this.opts.describeAfter ?? Promise.resolve()).then(() => Promise.all([
        deadline((abortSignal) => engineVersion(docker, { abortSignal })),
        deadline((abortSignal) => engineInfo(docker, { abortSignal })),
      ])).then(([version, info]) => {
        if (info.SystemTime) this.clockOffsetMs = Date.parse(info.SystemTime) - Date.now();
        this.ncpu = info.NCPU ?? null;
        this.status({
          engineVersion: version.Version ?? null,
          apiVersion: version.ApiVersion ?? null,
          liveRestore: info.LiveRestoreEnabled ?? null,
          ncpu: info.NCPU ?? null,
        });
      });
      described.catch(() => undefined); // while the stream opens; the session fails on it below
      const events = await opened;

      await new Promise<void>((_resolve, reject) => {
        const fail = (err: unknown) => reject(toDockpitError(err));
        cleanups.push(this.follow(events, fail, () => this.relist(docker, deadline)));
        tunnel?.onClose(fail);
        signal.addEventListener('abort', () => reject(new DockpitError('STREAM_ENDED', 'stopped')), { once: true });

        // Settled (what headless commands wait for) once listed and described: `hosts` shows the version.
        const listed = this.relist(docker, deadline).then(() => this.markListed());
        Promise.all([listed, described]).then(() => {
          this.docker = docker;
          this.endFirstWait({ docker });
          this.backoff.reset();
          this.settle();
          // The first list is confirmed once it must have caught up: a container that died just before the
          // events stream opened has no event to correct a list that lagged on it (dockerd logs `die` before
          // its list shows it), and would show running until the resync (CI: a `true` run just before).
          this.confirmLater(docker, deadline);
          cleanups.push(this.probeLoop(docker, deadline, fail));
          this.backfill(docker, deadline);
        }, fail);
      });
    } finally {
      for (const c of cleanups.reverse()) c();
      // A confirming list the session had scheduled dies with it; left pending, it kept the next session's
      // own from being scheduled (`??=`), and then did nothing (its client was gone): chaos F5.
      if (this.confirmTimer) clearTimeout(this.confirmTimer);
      this.confirmTimer = null;
    }
  }

  /** Engine time now, in engine epoch seconds. */
  engineNowSeconds(): number {
    return (Date.now() + this.clockOffsetMs) / 1000;
  }

  /**
   * The timeline from before this session: the engine's own recent events (it keeps only the last 256),
   * since the last one seen or the last 15 minutes. The store drops the ones it already has.
   */
  private backfill(docker: Docker, deadline: Deadline): void {
    const until = this.engineNowSeconds();
    const since = this.lastEventNano > 0 ? this.lastEventNano / 1e9 : until - 15 * 60;
    deadline((abortSignal) => eventsBetween(docker, { since, until, filters: { type: ['container'] }, abortSignal })).then(
      (events) => {
        for (const ev of events) {
          const record = toTimelineRecord(this.name, ev as EngineEvent);
          if (record) this.opts.emit({ type: 'container.event', event: record });
        }
      },
      (err: unknown) => this.status({ error: toDockpitError(err, 'event backfill').toString() }),
    );
  }

  private async withDeadline<T>(p: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
    const ms = this.opts.tuning.callTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DockpitError('TIMEOUT', `${what}: no answer in ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
      if (signal.aborted) p.then((s) => (s as { destroy?: () => void }).destroy?.(), () => undefined);
    }
  }

  private listing: Promise<void> | null = null;
  private listAgain = false;
  /** When the last list started (performance.now()). */
  private lastListAt = -Infinity;

  /** Single-flight full list: a request while one is running makes exactly one more run after it. */
  private relist(docker: Docker, deadline: Deadline): Promise<void> {
    if (this.listing) {
      this.listAgain = true;
      return this.listing;
    }
    const run = async (): Promise<void> => {
      do {
        this.listAgain = false;
        const t0 = (this.lastListAt = performance.now());
        const raw = await deadline((abortSignal) => listContainers(docker, { all: true, abortSignal }));
        const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
        const listed = raw.map((c) => mapContainer(this.name, c, this.opts.labels));
        if (this.showList(listed, latencyMs)) this.confirmLater(docker, deadline);
      } while (this.listAgain);
    };
    this.listing = run().finally(() => (this.listing = null));
    return this.listing;
  }

  private confirmTimer: NodeJS.Timeout | null = null;

  /** The list lagged behind an event: list again once it must have caught up. */
  private confirmLater(docker: Docker, deadline: Deadline): void {
    this.confirmTimer ??= setTimeout(() => {
      this.confirmTimer = null;
      if (this.docker === docker) this.relist(docker, deadline).catch(() => undefined);
    }, EVENT_TRUST_MS).unref();
  }

  private stateFor(latencyMs: number): 'up' | 'degraded' {
    return latencyMs > this.opts.tuning.slowThresholdMs ? 'degraded' : 'up';
  }

  /** Reads the events stream; returns its cleanup. */
  private follow(events: Readable, fail: (err: unknown) => void, relist: () => Promise<void>): () => void {
    const decoder = new LineJsonDecoder();
    let timer: NodeJS.Timeout | null = null;
    const scheduleRelist = () => {
      const wait = Math.max(RELIST_DEBOUNCE_MS, this.lastListAt + RELIST_MIN_GAP_MS - performance.now());
      timer ??= setTimeout(() => {
        timer = null;
        relist().catch(() => undefined); // a failed list shows in the probe that follows
      }, wait);
    };
    events.on('data', (chunk: Buffer) => {
      const { values, bad } = decoder.push(chunk);
      for (const v of values) this.onEngineEvent(v as EngineEvent, scheduleRelist);
      if (bad.length > 0) {
        // A garbled line may have been an event we now miss: say so and take the list as truth.
        this.status({ error: `PARSE: unreadable event line: ${bad[0]}` });
        scheduleRelist();
      }
    });
    events.on('error', fail);
    events.on('end', () => fail(new DockpitError('STREAM_ENDED', 'events stream ended')));
    events.on('close', () => fail(new DockpitError('STREAM_ENDED', 'events stream closed')));
    return () => {
      if (timer) clearTimeout(timer);
    };
  }

  private onEngineEvent(ev: EngineEvent, scheduleRelist: () => void): void {
    const action = ev.Action ?? '';
    const id = ev.Actor?.ID ?? ev.id;
    if (!id) return;
    const attributes = ev.Actor?.Attributes ?? {};
    const record = toTimelineRecord(this.name, ev);
    if (record) {
      this.lastEventNano = Math.max(this.lastEventNano, record.timeNano);
      this.opts.emit({ type: 'container.event', event: record });
    }
    const patch = patchFromAction(action, attributes);
    // An event's word counts from when it happened, not from when it was read: a dockpit stopped for a while
    // (SIGSTOP, a hung machine) reads old events at once, and they must not outvote the list that follows
    // (chaos F5: a `start` read after its engine had restarted kept a dead container running on screen).
    const at = record ? Math.min(Date.now(), record.timeNano / 1e6 - this.clockOffsetMs) : Date.now();
    if (patch === 'removed') {
      this.overlay.note(id, 'removed', at);
      this.opts.emit({ type: 'container.removed', host: this.name, id });
    } else if (patch) {
      if (patch.state) this.overlay.note(id, patch.state, at);
      this.opts.emit({ type: 'container.patched', host: this.name, id, patch });
    }
    if (LIST_CHANGING_ACTIONS.has(action) || action.startsWith('health_status')) scheduleRelist();
  }

  /**
   * Health probe: a container list with a deadline (an engine can answer /_ping while container calls hang),
   * run when nothing else has proved the host alive for a probe interval (noteAnswer).
   */
  private probeLoop(docker: Docker, deadline: Deadline, fail: (err: unknown) => void): () => void {
    const { probeIntervalMs, resyncIntervalMs } = this.opts.tuning;
    let failures = 0;
    let stopped = false;
    const probeOnce = async () => {
      const t0 = performance.now();
      try {
        await deadline((abortSignal) => listContainers(docker, { limit: 1, abortSignal }));
        const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
        failures = 0;
        this.noteAnswer(latencyMs);
        this.status({ state: this.stateFor(latencyMs), latencyMs, lastSeen: Date.now(), error: null });
      } catch (err) {
        failures++;
        const coded = toDockpitError(err, 'health probe');
        if (failures >= FAILURES_BEFORE_DOWN) fail(coded);
        else this.status({ state: 'degraded', error: coded.toString() });
      }
    };
    let probe: NodeJS.Timeout | null = null;
    const next = (ms: number) => {
      if (!stopped) probe = setTimeout(tick, Math.max(0, ms));
    };
    const tick = async () => {
      const t0 = performance.now();
      const quiet = t0 - this.answeredAt;
      // A host proved alive lately is probed one interval after that proof: a hang still shows within an
      // interval of the last answer, as with a probe every interval. After a failure, every interval.
      if (failures === 0 && quiet < probeIntervalMs) return next(probeIntervalMs - quiet);
      await probeOnce();
      next(probeIntervalMs - (performance.now() - t0));
    };
    // Each loop starts at a random phase: hosts connect together at launch, and in step, 200 hosts probed in
    // the same millisecond every 2 s and re-listed together every 15 s (bursts measured in issue 7). The
    // first probe comes sooner than an interval, never later.
    let resync: NodeJS.Timeout | null = null;
    const phases = [
      setTimeout(() => void tick(), Math.random() * probeIntervalMs),
      setTimeout(() => (resync = setInterval(() => this.relist(docker, deadline).catch(() => undefined), resyncIntervalMs)), Math.random() * resyncIntervalMs),
    ];
    return () => {
      stopped = true;
      for (const t of phases) clearTimeout(t);
      if (probe) clearTimeout(probe);
      if (resync) clearInterval(resync);
    };
  }
}
