import { containerRows } from '../../store/selectors.js';
import { formatIps } from '../../render/format.js';
import { connectFleet } from '../connect.js';
import { containerJson } from '../json-output.js';
import { textTable } from '../../render/text-table.js';
import { requireHost } from '../../app/require-host.js';
import { requireLine } from '../../app/require-line.js';
import type { HeadlessCommand } from './types.js';
import { warnDownHosts } from './warn-down.js';

export const psCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  requireHost(args.host, config);
  const fleet = await connectFleet(config);
  await fleet.close();
  const state = fleet.store.getState();
  requireLine(args.bizline, config, containerRows(state, {}).map((c) => c.bizline));
  const filter = { ...(args.host !== undefined && { host: args.host }), ...(args.bizline !== undefined && { bizline: args.bizline }) };
  const rows = containerRows(state, filter);
  warnDownHosts(state, err);
  if (args.json) {
    out(JSON.stringify(rows.map(containerJson), null, 2));
    return 0;
  }
  out(textTable(
    ['HOST', 'NAME', 'BIZLINE', 'TIER', 'STATE', 'STATUS', 'IPS'],
    rows.map((c) => [c.host, c.name, c.bizline ?? '-', c.tier === null ? '-' : String(c.tier), c.state, c.status, formatIps(c.ips)]),
  ));
  return 0;
};
