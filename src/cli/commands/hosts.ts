import { hostRows } from '../../store/selectors.js';
import { formatBool, formatLatency } from '../../render/format.js';
import { connectFleet } from '../connect.js';
import { hostJson } from '../json-output.js';
import { textTable } from '../../render/text-table.js';
import { withState } from '../with-state.js';
import type { HeadlessCommand } from './types.js';

export const hostsCommand: HeadlessCommand = async ({ args, config, out }) => {
  const fleet = await connectFleet(config);
  await fleet.close();
  const rows = hostRows(fleet.store.getState());
  // `--json` stays the array of hosts (scripts index it); `dockpit state show --json` says where the state is.
  if (args.json) {
    out(JSON.stringify(rows.map(hostJson), null, 2));
    return 0;
  }
  out(textTable(
    ['HOST', 'STATE', 'ENGINE', 'LATENCY', 'RUN/TOTAL', 'LIVE-RESTORE', 'ERROR'],
    rows.map((h) => [h.name, h.state, h.engineVersion ?? '-', formatLatency(h.latencyMs), `${h.containers.running}/${h.containers.total}`, formatBool(h.liveRestore), h.error ?? '']),
  ));
  // Opening the state contacts nothing: where it is comes from the config.
  await withState(config, async (state) => out(`state: ${state.where} (${state.kind})`));
  return 0;
};
