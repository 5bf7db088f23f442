import type { FleetConfig } from '../config/types.js';
import { HostConnection } from './host-connection.js';
import type { DomainEventSink } from './types.js';

/** All hosts of a config, each on its own connection loop; none waits for another. */
export class FleetEngine {
  readonly connections: ReadonlyMap<string, HostConnection>;

  constructor(config: FleetConfig, emit: DomainEventSink) {
    this.connections = new Map(
      config.hosts.map((spec) => [spec.name, new HostConnection({ spec, labels: config.labels, tuning: config.engine, emit })]),
    );
  }

  start(): void {
    for (const c of this.connections.values()) c.start();
  }

  /** Every host listed or failed once. */
  settled(): Promise<void> {
    return Promise.all([...this.connections.values()].map((c) => c.settled)).then(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.stop()));
  }
}
