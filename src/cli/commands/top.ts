import { snapshotStats } from '../../engine/stats-sampler.js';
import { containerRows } from '../../store/selectors.js';
import { formatBytes, formatPercent, formatRate } from '../../render/format.js';
import { connectFleet } from '../connect.js';
import { textTable } from '../../render/text-table.js';
import type { HeadlessCommand } from './types.js';
import { requireHost } from '../../app/require-host.js';
import { requireLine } from '../../app/require-line.js';

/** `dockpit top`: two one-shot reads a second apart of every running container (never a stream each). */
export const topCommand: HeadlessCommand = async ({ args, config, out }) => {
  requireHost(args.host, config);
  const fleet = await connectFleet(config);
  try {
    requireLine(args.bizline, config, containerRows(fleet.store.getState(), {}).map((c) => c.bizline));
    const filter = { ...(args.host !== undefined && { host: args.host }), ...(args.bizline !== undefined && { bizline: args.bizline }) };
    const running = containerRows(fleet.store.getState(), filter).filter((c) => c.state === 'running');
    const samples = await snapshotStats(running, (h) => fleet.engine.connections.get(h)?.client ?? null, {
      gapMs: 1000,
      perHost: 4,
      callTimeoutMs: config.engine.callTimeoutMs,
    });
    const rows = running.map((c) => {
      const s = samples.get(`${c.host}/${c.id}`);
      const ok = s && !('error' in s) ? s : null;
      return {
        host: c.host,
        name: c.name,
        id: c.id,
        bizline: c.bizline,
        tier: c.tier,
        cpuPercent: ok ? Math.round(ok.cpuPercent * 100) / 100 : null,
        memBytes: ok?.memBytes ?? null,
        memLimitBytes: ok?.memLimitBytes ?? null,
        rxBytesPerSec: ok ? Math.round(ok.rxBytesPerSec) : null,
        txBytesPerSec: ok ? Math.round(ok.txBytesPerSec) : null,
        error: s && 'error' in s ? s.error : null,
      };
    });
    if (args.json) out(JSON.stringify(rows, null, 2));
    else {
      out(textTable(
        ['HOST', 'NAME', 'LINE', 'CPU', 'MEM', 'RX', 'TX'],
        rows.map((r) => [r.host, r.name, r.bizline ?? '-', formatPercent(r.cpuPercent), formatBytes(r.memBytes), formatRate(r.rxBytesPerSec), formatRate(r.txBytesPerSec)]),
      ));
    }
    return 0;
  } finally {
    await fleet.close();
  }
};
