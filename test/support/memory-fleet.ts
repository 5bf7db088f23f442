import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetSource, type FleetSource } from '../../src/app/fleet-source.js';
import { DEFAULT_TUNING, type FleetConfig } from '../../src/config/types.js';
import { DEFAULT_RETENTION } from '../../src/config/state-config.js';
import { defaultAlertsConfig } from '../../src/alerts/rules-config.js';
import type { DomainEvent } from '../../src/engine/types.js';
import { fileState } from '../../src/state/file/file-state.js';
import type { Operator, StateStore } from '../../src/state/types.js';
import { applyEvents } from '../../src/store/apply-event.js';
import { createFleetStore, type FleetStore } from '../../src/store/fleet-store.js';
import { pools, LAN } from '../unit/ip-fixtures.js';
import { hostUp } from '../unit/fixtures.js';
import { MemoryEngine } from './memory-engine.js';

// A fleet for the app services' unit tests (issue 14): the in-memory engines, a real store fed the way the
// engine feeds it (host.status, host.listed), a config for them, and the file state in a temp folder.

export const OPS: Operator = { user: 'ops', from: 'jump-a' };

export function memoryConfig(hosts: readonly string[], stateDir: string): FleetConfig {
  return {
    source: 'memory fleet',
    labels: { bizline: 'dockpit.bizline', tier: 'dockpit.tier' },
    engine: { ...DEFAULT_TUNING },
    hosts: hosts.map((name) => ({ name, url: `tcp://${name}:2375`, transport: 'tcp', endpoint: { kind: 'tcp', host: name, port: 2375 }, labels: {} }) as FleetConfig['hosts'][number]),
    pools: pools(LAN),
    lines: {},
    plans: [],
    stateDir,
    alerts: defaultAlertsConfig(),
  };
}

export const tempDir = (what: string) => fs.mkdtempSync(path.join(os.tmpdir(), `dockpit-${what}-`));

/** The file backend in `dir`, as one process opens it; closed by `closeAll`. */
export function openFileState(dir: string, operator: Operator = OPS, opened?: StateStore[]): StateStore {
  const s = fileState({ kind: 'file', dir, retention: { ...DEFAULT_RETENTION } }, { operator });
  opened?.push(s);
  return s;
}

export interface MemoryFleet {
  engine: MemoryEngine;
  store: FleetStore;
  config: FleetConfig;
  /** Applies events as the engine layer's coalescer would. */
  apply(...events: DomainEvent[]): void;
  /** Each host's status and container list as the engine has them now (a relist). */
  relist(): void;
  /** The store and the engines together, as the planners read them. */
  source(): FleetSource;
}

export function memoryFleet(engine: MemoryEngine, stateDir: string): MemoryFleet {
  const hosts = [...engine.hosts.keys()];
  const store = createFleetStore();
  const apply = (...events: DomainEvent[]) => store.setState(applyEvents(store.getState(), events), true);
  const relist = () =>
    apply(
      ...hosts.flatMap((h): DomainEvent[] =>
        engine.connected(h) && !engine.refusing.has(h)
          ? [hostUp(h, { ncpu: engine.cpus(h) }), { type: 'host.listed', host: h, containers: engine.listed(h) }]
          : [{ type: 'host.status', host: h, patch: { state: 'down', error: 'REFUSED: connect ECONNREFUSED' } }],
      ),
    );
  relist();
  return {
    engine,
    store,
    config: memoryConfig(hosts, stateDir),
    apply,
    relist,
    source: () => fleetSource(store, engine),
  };
}
