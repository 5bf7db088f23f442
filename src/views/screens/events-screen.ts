import type { ContainerEventRecord } from '../../engine/types.js';
import { formatEventTime } from '../../render/format.js';
import { memoOnInputs } from './stable-rows.js';
import type { TableScreen } from './table-screen.js';

// Once per timeline, not once per commit: a stats sample leaves the timeline as it was.
const newestFirst = memoOnInputs((timeline: readonly ContainerEventRecord[]): ContainerEventRecord[] => [...timeline].reverse());

const ACTION_COLOR: Record<string, string> = { die: 'red', kill: 'red', oom: 'red', destroy: 'magenta', start: 'green', restart: 'yellow' };

export const eventsScreen: TableScreen<ContainerEventRecord> = {
  title: () => 'fleet events (newest first)',
  columns: [
    { header: 'TIME', width: 12, value: (e) => formatEventTime(e.timeNano), sort: (e) => e.timeNano },
    { header: 'HOST', width: 6, value: (e) => e.host },
    { header: 'CONTAINER', width: 12, flex: 2, value: (e) => e.name },
    { header: 'ACTION', width: 12, flex: 1, value: (e) => e.action, color: (e) => ACTION_COLOR[e.action.split(':')[0]!] },
  ],
  // Newest first; equal engine times keep arrival order.
  rows: (state) => newestFirst(state.timeline),
  key: (e) => `${e.host}/${e.id}/${e.timeNano}/${e.action}`,
  search: (e) => `${e.host} ${e.name} ${e.action}`,
  open: (e) => ({ kind: 'detail', host: e.host, id: e.id }),
  detail: (e) => ({ kind: 'detail', host: e.host, id: e.id }),
  empty: 'no container events since dockpit started',
};
