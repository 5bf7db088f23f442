import { Text } from 'ink';
import type { ScrollScreenProps } from './DetailScreen.js';
import { fit } from './format.js';

/** A container's log: tail, scroll, follow. (Placeholder until the logs view lands.) */
export function LogsScreen({ host, id, width }: ScrollScreenProps & { follow: boolean }) {
  return <Text>{fit(`logs ${host}/${id.slice(0, 12)}`, width)}</Text>;
}
