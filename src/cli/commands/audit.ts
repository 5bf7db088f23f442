import { chainReportLines } from '../../state/audit-chain.js';
import { openState } from '../../state/open-state.js';
import { textTable } from '../../render/text-table.js';
import { parseSince } from './events.js';
import type { HeadlessCommand } from './types.js';

/** `dockpit audit [--since 10m|TIME] [--json]`: every change dockpit made, from every jump host sharing the state. */
export const auditCommand: HeadlessCommand = async ({ args, config, out }) => {
  const since = args.since === undefined ? undefined : new Date(Date.now() - parseSince(args.since, Date.now()));
  const state = openState(config);
  try {
    const entries = await state.audit.read(since ? { since } : {});
    if (args.json) {
      out(JSON.stringify(entries, null, 2));
      return 0;
    }
    out(`audit log: ${state.audit.where} (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}${since ? ` since ${since.toISOString()}` : ''})`);
    if (entries.length > 0) {
      out(
        textTable(
          ['AT', 'WHO', 'ACTION', 'OUTCOME', 'TARGETS', 'ERROR'],
          entries.map((e) => [e.at, `${e.user}@${e.from}`, e.action, e.outcome, e.targets.slice(0, 3).join(',') + (e.targets.length > 3 ? ` +${e.targets.length - 3}` : ''), e.error ?? '']),
        ),
      );
    }
    return 0;
  } finally {
    await state.close();
  }
};

/**
 * `dockpit audit verify [--json]` (issue 17, item 4): walks the log's hash chain and names the first changed,
 * removed or reordered entry; exit 0 intact, 1 broken.
 */
export const auditVerifyCommand: HeadlessCommand = async ({ args, config, out }) => {
  const state = openState(config);
  try {
    const report = await state.audit.verify();
    if (args.json) out(JSON.stringify({ where: state.audit.where, ...report }, null, 2));
    else for (const line of chainReportLines(report, state.audit.where)) out(line);
    return report.ok ? 0 : 1;
  } finally {
    await state.close();
  }
};
