import { Text } from 'ink';
import { fit } from '../../render/format.js';
import type { NavEntry } from '../routes.js';
import { useFleet } from '../store-context.js';
import { screenFor } from './registry.js';

/** The title line: a string selected from the store, so that it redraws only when its text changes. */
export function Heading({ top, readOnly, source, width }: { top: NavEntry; readOnly: boolean; source: string; width: number }) {
  const title = useFleet((s) => screenFor(top.route).title(top.route, s, top));
  return (
    <Text bold color="cyan" wrap="truncate">
      {fit(`dockpit · ${title}${readOnly ? ' [read-only]' : ''}  ${source}`, width)}
    </Text>
  );
}
