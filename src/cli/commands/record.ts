import { recordFleet, type RecordResult } from '../../app/record-configs.js';
import { requireHost } from '../../app/require-host.js';
import { textTable } from '../../render/text-table.js';
import { connectFleet } from '../connect.js';
import { withState } from '../with-state.js';
import type { HeadlessCommand } from './types.js';

// `dockpit record [--host H] [--json]`: every container's configuration recorded now (src/app/record-configs.ts),
// for migrating off a host whose engine has died; exit 1 unless every host was up and every record written.

export type { RecordResult };

export const recordCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  requireHost(args.host, config);
  const results = await withState(config, async (state) => {
    // Records are writes: a state that cannot be written stops it here (exit 7), not once per container.
    await state.ready();
    const fleet = await connectFleet(config);
    try {
      return await recordFleet(config, fleet, state.records, args.host);
    } finally {
      await fleet.close();
    }
  });
  for (const r of results) {
    if (r.state === 'down') err(`dockpit: ${r.host}: not recorded, ${r.errors[0]} (its earlier records are kept)`);
    else for (const e of r.errors) err(`dockpit: ${r.host}: ${e}`);
  }
  if (args.json) out(JSON.stringify(results, null, 2));
  else {
    out(textTable(
      ['HOST', 'STATE', 'RECORDED', 'CHANGED', 'FAILED', 'PRUNED'],
      results.map((r) => [r.host, r.state, String(r.recorded), String(r.changed), String(r.failed), String(r.pruned)]),
    ));
  }
  // A down host, or a container left unrecorded: a script must know its records are not all current.
  return results.every((r) => r.state === 'up' && r.failed === 0) ? 0 : 1;
};
