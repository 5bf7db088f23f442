import type { FleetConfig } from '../config/types.js';
import { HostConnection } from './host-connection.js';
import type { DomainEventSink } from './types.js';

export interface FleetEngineOptions {
  /**
   * Each host's version and info wait until `describe()` (the cockpit: once its first frame is drawn), or
   * DESCRIBE_WAIT_MS at most: the first frame needs only the lists (issue 16: at 200 hosts version and info
   * were 400 of the launch's 800 first requests, competing with the lists and the first frame).
   */
  listsFirst?: boolean;
}

/** The longest the hosts' version and info wait for `describe()`. */
const DESCRIBE_WAIT_MS = 3000;

/** All hosts of a config, each on its own connection loop; none waits for another. */
export class FleetEngine {
  readonly connections: ReadonlyMap<string, HostConnection>;
  private openDescribe: (() => void) | null = null;

  constructor(config: FleetConfig, emit: DomainEventSink, options: FleetEngineOptions = {}) {
    const describeAfter = options.listsFirst ? new Promise<void>((r) => (this.openDescribe = r)) : undefined;
    this.connections = new Map(
      config.hosts.map((spec) => [spec.name, new HostConnection({ spec, labels: config.labels, tuning: config.engine, emit, describeAfter })]),
    );
  }

  start(): void {
    for (const c of this.connections.values()) c.start();
    if (this.openDescribe) setTimeout(() => this.describe(), DESCRIBE_WAIT_MS).unref();
  }

  /** Lets the hosts ask their version and info (with `listsFirst`; a no-op otherwise and after the first call). */
  describe(): void {
    this.openDescribe?.();
    this.openDescribe = null;
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
    await Promise.all([...this.connections.values()].map((c) => c.stop()));
  }
}
