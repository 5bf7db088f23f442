import type Docker from 'dockerode';
import type { FleetConfig } from '../config/types.js';
import { withDeadline } from './deadline.js';
import { DockpitError } from './errors.js';
import type { FirstLists } from './first-lists.js';
import type { FirstListResult } from './first-lists-types.js';
import { HostConnection } from './host-connection.js';
import type { DomainEventSink } from './types.js';

export interface FleetEngineOptions {
  /**
   * Each host's version and info wait until `describe()` (the cockpit: once its first frame is drawn), or
   * DESCRIBE_WAIT_MS at most: the first frame needs only the lists (issue 16: at 200 hosts version and info
   * were 400 of the launch's 800 first requests, competing with the lists and the first frame).
   */
  listsFirst?: boolean;
  /**
   * With `listsFirst`: the first lists of many hosts, taken on a worker thread (first-lists.ts, already
   * started) while the cockpit loads. The connections of the hosts it lists begin with `describe()`, or at once
   * for a host it could not list (issue 16: at 200 hosts those lists took the main thread about 600 ms of a
   * launch it also needed for loading and drawing the cockpit).
   */
  firstLists?: FirstLists | null;
}

/** The connections describe() begins at a time, and the pause between two such waves (500 hosts a second). */
const BEGIN_WAVE = 5;
const BEGIN_GAP_MS = 10;

/** The longest the hosts' version and info wait for `describe()`. */
const DESCRIBE_WAIT_MS = 3000;

/** All hosts of a config, each on its own connection loop; none waits for another. */
export class FleetEngine {
  readonly connections: ReadonlyMap<string, HostConnection>;
  private openDescribe: (() => void) | null = null;
  private readonly firstLists: FirstLists | null = null;
  /** Per host listed by the worker: begins its connection (at describe(), or at once if the worker failed it). */
  private readonly begin = new Map<string, () => void>();
  /** The next wave of beginConnection, while some wait (beginInWaves). */
  private waves: NodeJS.Timeout | null = null;

  constructor(config: FleetConfig, emit: DomainEventSink, options: FleetEngineOptions = {}) {
    const describeAfter = options.listsFirst ? new Promise<void>((r) => (this.openDescribe = r)) : undefined;
    if (options.listsFirst) this.firstLists = options.firstLists ?? null;
    else options.firstLists?.stop(); // nothing would begin the connections it holds back
    this.connections = new Map(
      config.hosts.map((spec) => {
        const sessionAfter = this.firstLists?.hosts.has(spec.name) ? new Promise<void>((r) => this.begin.set(spec.name, r)) : undefined;
        return [spec.name, new HostConnection({ spec, labels: config.labels, tuning: config.engine, emit, describeAfter, sessionAfter })];
      }),
    );
  }

  private onFirstList(r: FirstListResult): void {
    // A host the worker could not list lists itself at once, and says why if it cannot either.
    if (r.ok) this.connections.get(r.host)?.firstList(r.containers, r.latencyMs);
    else this.beginConnection(r.host);
  }

  /**
   * The host's client for what the operator asked of it: at once when connected. A host whose connection has not
   * connected yet (the cockpit's connections begin in waves after its first frame, and then connect) has it
   * begun now, ahead of its wave, and is waited for, `timeoutMs` at most: a key pressed in the first second
   * of the cockpit then works instead of saying the host is not connected. A host that is down fails at once.
   */
  clientSoon(host: string, timeoutMs: number): Promise<Docker> {
    const first = this.connections.get(host)?.firstClient();
    if (!first) return Promise.reject(new DockpitError('UNREACHABLE', `host ${host} is not connected`));
    this.beginConnection(host);
    return withDeadline(timeoutMs, (signal) => new Promise<Docker>((resolve, reject) => {
      first.then(resolve, reject);
      signal.addEventListener('abort', () => reject(new DockpitError('UNREACHABLE', `host ${host} is not connected yet (still connecting after ${timeoutMs} ms)`)), { once: true });
    }));
  }

  private beginConnection(host: string): void {
    this.begin.get(host)?.();
    this.begin.delete(host);
  }

  start(): void {
    for (const c of this.connections.values()) c.start();
    // After start() has said every host is connecting: a result already in is then shown at once.
    this.firstLists?.listen((r) => this.onFirstList(r));
    if (this.openDescribe) setTimeout(() => this.describe(), DESCRIBE_WAIT_MS).unref();
  }

  /**
   * Lets the hosts ask their version and info, and begins the connections of the hosts the worker listed, in
   * waves (with `listsFirst`; a no-op otherwise and after the first call).
   */
  describe(): void {
    this.openDescribe?.();
    this.openDescribe = null;
    this.firstLists?.stop();
    if (this.waves === null) this.beginInWaves();
  }

  /**
   * Begins the connections still waiting, BEGIN_WAVE every BEGIN_GAP_MS: begun together right after the first
   * frame, 200 hosts' first requests held the main thread in one piece and the first keys pressed then
   * waited 240–400 ms for it (under 105 ms in waves, issue 16). Their lists are on screen already; each
   * connection subscribes to the events before it lists again, so beginning later loses nothing.
   */
  private beginInWaves(): void {
    let n = 0;
    for (const host of this.begin.keys()) {
      if (n++ === BEGIN_WAVE) break;
      this.beginConnection(host);
    }
    this.waves = this.begin.size > 0 ? setTimeout(() => this.beginInWaves(), BEGIN_GAP_MS) : null;
  }

  /** Every host listed or failed once. */
  listed(): Promise<void> {
    return Promise.all([...this.connections.values()].map((c) => c.listed)).then(() => undefined);
  }

  /** Every host listed and described, or failed once. */
  settled(): Promise<void> {
    return Promise.all([...this.connections.values()].map((c) => c.settled)).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.describe();
    if (this.waves) clearTimeout(this.waves);
    for (const host of [...this.begin.keys()]) this.beginConnection(host); // a connection not yet begun ends at once
    await Promise.all([...this.connections.values()].map((c) => c.stop()));
  }
}
