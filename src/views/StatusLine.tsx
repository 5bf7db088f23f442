import { Text } from 'ink';
import { memo } from 'react';
import { alertCountText, worstFiring } from '../render/alert-lines.js';
import { SEVERITY_COLOR } from './screens/alerts-screen.js';
import { selectIpAlerts, type IpAlerts } from '../store/ip-report.js';
import { fleetSummary } from '../store/selectors.js';
import { selectTeamStatus } from '../store/team.js';
import { layoutStatus, teamForms } from './status-parts.js';
import { shallowEqual } from './equality.js';
import { useFleet, useFleetWith } from './store-context.js';

/** Issue 4: the same IP on two hosts is an outage on a bridged LAN; it outranks the error and the help. */
export function ipAlertText({ conflicts, drift }: IpAlerts): string {
  const parts: string[] = [];
  if (conflicts) parts.push(`${conflicts} IP conflict${conflicts === 1 ? '' : 's'}`);
  if (drift) parts.push(`${drift} IP drift`);
  return parts.length ? `⚠ ${parts.join(', ')}` : '';
}

const TEAM_COLOR = { running: 'cyan', done: 'green' } as const;

/**
 * Always visible: hosts up/total, containers running/total, alerts firing (issue 15), IP conflicts, other operators' runs (issue 11),
 * the last error. One line at any width. Memoized: the shell redrawing does not redraw it; its own selectors
 * do when what it shows changes.
 */
export const StatusLine = memo(function StatusLine({ width }: { width: number }) {
  // The counts it shows, not the maps they come from: a probe's latency or a stats sample changes neither.
  const sum = useFleetWith(fleetSummary, shallowEqual);
  // Memoized selectors with stable results: recomputed only when containers, pools or the ledger change;
  // the team's only when another operator's run changes.
  const alert = ipAlertText(useFleet(selectIpAlerts));
  const team = useFleet(selectTeamStatus);
  // Issue 15: two primitives, so only an alerts.changed that changes the count or its colour redraws this.
  const firing = useFleet((s) => s.alerts.firing);
  const worst = useFleet((s) => worstFiring(s.alerts.list));
  const parts = layoutStatus(width, {
    summary: `hosts ${sum.hostsUp}/${sum.hostsTotal} up │ containers ${sum.running}/${sum.total} running`,
    alerts: alertCountText(firing),
    alert,
    team: teamForms(team),
    error: sum.lastError,
  });
  const status = team.lead?.status;
  return (
    <Text wrap="truncate">
      <Text color={sum.hostsUp < sum.hostsTotal ? 'yellow' : 'green'}>{parts.summary}</Text>
      {parts.alerts ? <Text color={worst ? SEVERITY_COLOR[worst] : undefined} bold={worst === 'critical'}>{parts.alerts}</Text> : null}
      {parts.alert ? <Text color="red" bold>{parts.alert}</Text> : null}
      {parts.team ? <Text color={status === 'running' || status === 'done' ? TEAM_COLOR[status] : 'yellow'}>{parts.team}</Text> : null}
      <Text color="red">{parts.error}</Text>
      <Text dimColor>{parts.help}</Text>
    </Text>
  );
});
