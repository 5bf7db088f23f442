import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { fleetSummary } from '../store/selectors.js';
import { fit } from './format.js';
import { useFleet } from './store-context.js';

/** Always visible: hosts up/total, containers running/total, the last error. */
export function StatusLine({ width }: { width: number }) {
  const hostOrder = useFleet((s) => s.hostOrder);
  const hosts = useFleet((s) => s.hosts);
  const containers = useFleet((s) => s.containers);
  const sum = useMemo(() => fleetSummary({ hostOrder, hosts, containers }), [hostOrder, hosts, containers]);
  const left = `hosts ${sum.hostsUp}/${sum.hostsTotal} up │ containers ${sum.running}/${sum.total} running`;
  const help = 'j/k move ⏎ open esc back q quit';
  const err = sum.lastError ? ` │ ${sum.lastError}` : '';
  const room = Math.max(0, width - left.length - help.length - 2);
  return (
    <Box>
      <Text color={sum.hostsUp < sum.hostsTotal ? 'yellow' : 'green'}>{left}</Text>
      <Text color="red">{fit(err, room)}</Text>
      <Text dimColor> {help}</Text>
    </Box>
  );
}
