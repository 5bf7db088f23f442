import type { FleetConfig } from '../../config/types.js';
import { detect, type IpReport } from '../../pool/detect.js';
import type { Reservation } from '../../state/types.js';
import { containerRows, hostRows } from '../../store/selectors.js';
import { connectFleet } from '../connect.js';
import { conflictText, ipReportText } from '../../render/ip-lines.js';
import { withState } from '../with-state.js';
import type { HeadlessCommand } from './types.js';
import { warnDownHosts } from './warn-down.js';

// `dockpit ip`: the IP view's headless twin (issue 4). What the engines report is the truth; the ledger
// says what each name should hold. A conflict is reported, not a failure: exit 0, and a word on stderr.

function errorText(err: unknown): string {
  const e = err as { code?: unknown };
  return err instanceof Error && typeof e.code === 'string' ? `${e.code}: ${err.message}` : String(err instanceof Error ? err.message : err);
}

/** The JSON of `dockpit ip --json`; without a readable ledger, what depends on it is null. */
export function ipJson(config: FleetConfig, report: IpReport, reservations: Reservation[] | null, hosts: ReturnType<typeof hostRows>, ledger: { file: string; error: string | null }) {
  return {
    pools: report.pools.map((p) => ({
      name: p.name,
      network: p.network,
      driver: config.pools.find((q) => q.name === p.name)?.driver ?? null,
      subnet: p.subnet,
      gateway: p.gateway,
      size: p.size,
      used: p.used,
      free: p.free,
      lines: p.lines,
    })),
    reservations,
    conflicts: report.conflicts,
    drift: reservations ? report.drift : null,
    outside: report.outside,
    stale: reservations ? report.stale : null,
    hosts: hosts.map((h) => ({ name: h.name, state: h.state, error: h.error })),
    ledger,
  };
}

export const ipCommand: HeadlessCommand = ({ args, config, out, err }) => withState(config, async ({ ledger }) => {
  // Read while the engines connect; neither waits for the other.
  const reading = ledger.list().then(
    (list) => ({ list, error: null }),
    (e: unknown) => ({ list: null, error: errorText(e) }),
  );
  const fleet = await connectFleet(config);
  await fleet.close();
  const { list, error } = await reading;
  const state = fleet.store.getState();
  const hosts = hostRows(state);
  const report = detect({
    hosts: hosts.map((h) => ({ name: h.name, state: h.state })),
    containers: containerRows(state),
    pools: config.pools,
    reservations: list ?? [],
  });
  if (error) err(`warning: ledger ${ledger.where}: ${error}`);
  warnDownHosts(state, err);
  if (args.json) {
    out(JSON.stringify(ipJson(config, report, list, hosts, { file: ledger.where, error }), null, 2));
    return 0;
  }
  if (config.pools.length === 0) err(`warning: no ipPools in ${config.source}`);
  out(ipReportText(report, list));
  if (report.conflicts.length > 0) {
    err(`dockpit: ${report.conflicts.length} IP conflict${report.conflicts.length === 1 ? '' : 's'}: ${report.conflicts.map(conflictText).join('; ')}`);
  }
  return 0;
});
