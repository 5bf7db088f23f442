import type { FleetConfig } from '../config/types.js';
import { UsageError } from '../config/config-error.js';
import { FleetEngine } from '../engine/fleet-engine.js';
import { createCoalescer, createFleetStore, type FleetStore } from '../store/fleet-store.js';
import { containerRows, hostRows } from '../store/selectors.js';
import { formatIps, formatLatency } from '../views/format.js';
import type { CliArgs } from './args.js';
import { containerJson, hostJson } from './json-output.js';
import { textTable } from './text-table.js';

/** Connects every host once (each bounded by its own deadlines), then returns the store's picture. */
async function snapshot(config: FleetConfig): Promise<FleetStore> {
  const store = createFleetStore();
  const coalescer = createCoalescer(store);
  const engine = new FleetEngine(config, coalescer.sink);
  engine.start();
  await engine.settled();
  await engine.stop();
  coalescer.flush();
  coalescer.stop();
  return store;
}

export async function runHeadless(args: CliArgs, config: FleetConfig, out: (s: string) => void): Promise<number> {
  if (args.host !== undefined && !config.hosts.some((h) => h.name === args.host)) {
    throw new UsageError(`--host ${args.host}: no such host in ${config.source} (hosts: ${config.hosts.map((h) => h.name).join(', ')})`);
  }
  const store = await snapshot(config);
  const state = store.getState();
  if (args.command === 'hosts') {
    const rows = hostRows(state);
    if (args.json) out(JSON.stringify(rows.map(hostJson), null, 2));
    else {
      out(textTable(
        ['HOST', 'STATE', 'ENGINE', 'LATENCY', 'RUN/TOTAL', 'LIVE-RESTORE', 'ERROR'],
        rows.map((h) => [h.name, h.state, h.engineVersion ?? '-', formatLatency(h.latencyMs), `${h.containers.running}/${h.containers.total}`, h.liveRestore === null ? '-' : h.liveRestore ? 'on' : 'off', h.error ?? '']),
      ));
    }
    return 0;
  }
  const filter = { ...(args.host !== undefined && { host: args.host }), ...(args.bizline !== undefined && { bizline: args.bizline }) };
  const rows = containerRows(state, filter);
  if (args.json) out(JSON.stringify(rows.map(containerJson), null, 2));
  else {
    out(textTable(
      ['HOST', 'NAME', 'BIZLINE', 'TIER', 'STATE', 'STATUS', 'IPS'],
      rows.map((c) => [c.host, c.name, c.bizline ?? '-', c.tier === null ? '-' : String(c.tier), c.state, c.status, formatIps(c.ips)]),
    ));
    const down = hostRows(state).filter((h) => h.state === 'down');
    for (const h of down) out(`warning: host ${h.name} is down: ${h.error ?? 'unknown'}`);
  }
  return 0;
}
