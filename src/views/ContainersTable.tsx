import { useMemo } from 'react';
import type { Container, ContainerState } from '../engine/types.js';
import { containerRows } from '../store/selectors.js';
import { formatIps } from './format.js';
import { useFleet } from './store-context.js';
import { Table, type Column } from './Table.js';

const STATE_COLOR: Partial<Record<ContainerState, string>> = {
  running: 'green',
  paused: 'yellow',
  restarting: 'yellow',
  exited: 'red',
  dead: 'red',
};

const COLUMNS: readonly Column<Container>[] = [
  { header: 'HOST', width: 6, value: (c) => c.host },
  { header: 'NAME', width: 12, flex: 2, value: (c) => c.name },
  { header: 'BIZLINE', width: 8, value: (c) => c.bizline ?? '-' },
  { header: 'TIER', width: 4, value: (c) => (c.tier === null ? '-' : String(c.tier)) },
  { header: 'STATE', width: 10, value: (c) => c.state, color: (c) => STATE_COLOR[c.state] },
  { header: 'STATUS', width: 12, flex: 1, value: (c) => c.status },
  { header: 'IPS', width: 12, flex: 2, value: (c) => formatIps(c.ips) },
];

export function useContainerRows(host: string | undefined): Container[] {
  const hostOrder = useFleet((s) => s.hostOrder);
  const containers = useFleet((s) => s.containers);
  return useMemo(() => containerRows({ hostOrder, containers }, host === undefined ? {} : { host }), [hostOrder, containers, host]);
}

interface ContainersTableProps {
  rows: Container[];
  host: string | undefined;
  cursor: number;
  height: number;
  width: number;
}

export function ContainersTable({ rows, ...props }: ContainersTableProps) {
  return (
    <Table
      columns={COLUMNS}
      rows={rows}
      rowKey={(c) => `${c.host}/${c.id}`}
      cursor={props.cursor}
      height={props.height}
      width={props.width}
      empty={props.host ? `no containers on ${props.host}` : 'no containers'}
    />
  );
}
