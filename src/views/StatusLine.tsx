import { Text } from 'ink';
import { useMemo } from 'react';
import { fleetSummary } from '../store/selectors.js';
import { fit } from './format.js';
import { useFleet } from './store-context.js';

const HELP = 'j/k move ⏎ open esc back q quit';

/** Always visible: hosts up/total, containers running/total, the last error. One line at any width. */
export function StatusLine({ width }: { width: number }) {
  const hostOrder = useFleet((s) => s.hostOrder);
  const hosts = useFleet((s) => s.hosts);
  const containers = useFleet((s) => s.containers);
  const sum = useMemo(() => fleetSummary({ hostOrder, hosts, containers }), [hostOrder, hosts, containers]);
  const summary = fit(`hosts ${sum.hostsUp}/${sum.hostsTotal} up │ containers ${sum.running}/${sum.total} running`, width).trimEnd();
  let rest = width - summary.length;
  // The help goes first when room runs short; the error is what an operator needs.
  const errLength = sum.lastError ? sum.lastError.length + 3 : 24;
  const help = rest >= HELP.length + errLength ? ` ${HELP}` : '';
  rest -= help.length;
  const err = sum.lastError && rest > 3 ? fit(` │ ${sum.lastError}`, rest) : ' '.repeat(Math.max(0, rest));
  return (
    <Text wrap="truncate">
      <Text color={sum.hostsUp < sum.hostsTotal ? 'yellow' : 'green'}>{summary}</Text>
      <Text color="red">{err}</Text>
      <Text dimColor>{help}</Text>
    </Text>
  );
}
