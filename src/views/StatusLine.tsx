import { Text } from 'ink';
import { useMemo } from 'react';
import stringWidth from 'string-width';
import { selectIpAlerts, type IpAlerts } from '../store/ip-report.js';
import { fleetSummary } from '../store/selectors.js';
import { fit } from './format.js';
import { useFleet } from './store-context.js';

const HELP = 'j/k move ⏎ open esc back q quit';

/** Issue 4: the same IP on two hosts is an outage on a bridged LAN; it outranks the error and the help. */
export function ipAlertText({ conflicts, drift }: IpAlerts): string {
  const parts: string[] = [];
  if (conflicts) parts.push(`${conflicts} IP conflict${conflicts === 1 ? '' : 's'}`);
  if (drift) parts.push(`${drift} IP drift`);
  return parts.length ? `⚠ ${parts.join(', ')}` : '';
}

/** Always visible: hosts up/total, containers running/total, the last error. One line at any width. */
export function StatusLine({ width }: { width: number }) {
  const hostOrder = useFleet((s) => s.hostOrder);
  const hosts = useFleet((s) => s.hosts);
  const containers = useFleet((s) => s.containers);
  const sum = useMemo(() => fleetSummary({ hostOrder, hosts, containers }), [hostOrder, hosts, containers]);
  const summary = fit(`hosts ${sum.hostsUp}/${sum.hostsTotal} up │ containers ${sum.running}/${sum.total} running`, width).trimEnd();
  // A memoized selector with a stable result: recomputed only when containers, pools or the ledger change.
  const alertText = ipAlertText(useFleet(selectIpAlerts));
  let rest = width - summary.length;
  const alert = alertText && rest > 3 ? fit(` │ ${alertText}`, rest).trimEnd() : '';
  rest -= stringWidth(alert);
  // The help goes first when room runs short; the error is what an operator needs.
  const errLength = sum.lastError ? sum.lastError.length + 3 : 24;
  const help = rest >= HELP.length + errLength ? ` ${HELP}` : '';
  rest -= help.length;
  const err = sum.lastError && rest > 3 ? fit(` │ ${sum.lastError}`, rest) : ' '.repeat(Math.max(0, rest));
  return (
    <Text wrap="truncate">
      <Text color={sum.hostsUp < sum.hostsTotal ? 'yellow' : 'green'}>{summary}</Text>
      {alert ? <Text color="red" bold>{alert}</Text> : null}
      <Text color="red">{err}</Text>
      <Text dimColor>{help}</Text>
    </Text>
  );
}
