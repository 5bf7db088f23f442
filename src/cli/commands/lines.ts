import { lineRows, tierText } from '../../store/lines.js';
import { formatBytes, formatPercent } from '../../render/format.js';
import { connectFleet } from '../connect.js';
import { textTable } from '../../render/text-table.js';
import type { HeadlessCommand } from './types.js';
import { warnDownHosts } from './warn-down.js';

export const linesCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  const fleet = await connectFleet(config);
  await fleet.close();
  const state = fleet.store.getState();
  const rows = lineRows(state);
  warnDownHosts(state, err);
  if (args.json) {
    out(JSON.stringify(rows.map((l) => ({
      name: l.name, tier: l.tier, tierSource: l.tierSource, tierDisagree: l.tierDisagree, labelTiers: l.labelTiers, health: l.health, running: l.running, total: l.total, hosts: l.hosts,
      cpuPercent: l.sampled ? l.cpuPercent : null, memBytes: l.sampled ? l.memBytes : null,
      rxBytesPerSec: l.sampled ? l.rxBytesPerSec : null, txBytesPerSec: l.sampled ? l.txBytesPerSec : null,
    })), null, 2));
    return 0;
  }
  out(textTable(
    ['LINE', 'TIER', 'HEALTH', 'RUN/TOTAL', 'CPU', 'MEM', 'HOSTS'],
    rows.map((l) => [l.name, tierText(l), l.health, `${l.running}/${l.total}`, formatPercent(l.sampled ? l.cpuPercent : null), formatBytes(l.sampled ? l.memBytes : null), l.hosts.join(',')]),
  ));
  return 0;
};
