import { Text } from 'ink';
import { fit } from './format.js';

export interface ScrollScreenProps {
  host: string;
  id: string;
  scroll: number;
  height: number;
  width: number;
  /** Reports how many lines the screen has, so scrolling keys can clamp. */
  onLines: (count: number) => void;
}

/** Container detail from inspect. (Placeholder until the detail view lands.) */
export function DetailScreen({ host, id, width }: ScrollScreenProps & { reveal: boolean }) {
  return <Text>{fit(`${host}/${id.slice(0, 12)}`, width)}</Text>;
}
