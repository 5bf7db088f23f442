import { containerRows } from '../../store/selectors.js';
import type { FleetState } from '../../store/state.js';
import type { TableScreen } from './table-screen.js';
import { CONTAINER_STATE_COLOR } from './containers-screen.js';
import type { Container } from '../../engine/types.js';

export interface IpRow {
  ip: string;
  network: string;
  container: Container;
  /** Other containers anywhere in the fleet holding the same address on a network of the same name. */
  sharedWith: number;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function rows(state: FleetState): IpRow[] {
  const out: IpRow[] = [];
  const holders = new Map<string, number>();
  for (const c of containerRows(state)) {
    for (const [network, ip] of Object.entries(c.ips)) {
      if (!ip) continue;
      out.push({ ip, network, container: c, sharedWith: 0 });
      holders.set(`${network}/${ip}`, (holders.get(`${network}/${ip}`) ?? 0) + 1);
    }
  }
  for (const r of out) r.sharedWith = holders.get(`${r.network}/${r.ip}`)! - 1;
  return out.sort((a, b) => ipToNumber(a.ip) - ipToNumber(b.ip));
}

export const ipsScreen: TableScreen<IpRow> = {
  title: () => 'addresses',
  columns: [
    { header: 'IP', width: 15, value: (r) => r.ip, sort: (r) => ipToNumber(r.ip) },
    { header: 'NETWORK', width: 8, value: (r) => r.network },
    { header: 'HOST', width: 6, value: (r) => r.container.host },
    { header: 'CONTAINER', width: 12, flex: 2, value: (r) => r.container.name },
    { header: 'LINE', width: 8, value: (r) => r.container.bizline ?? '-' },
    { header: 'STATE', width: 10, value: (r) => r.container.state, color: (r) => CONTAINER_STATE_COLOR[r.container.state] },
    { header: 'SAME IP', width: 8, value: (r) => (r.sharedWith ? `${r.sharedWith} other` : ''), color: () => 'red' },
  ],
  rows,
  key: (r) => `${r.container.host}/${r.container.id}/${r.network}`,
  search: (r) => `${r.ip} ${r.container.name} ${r.container.host} ${r.network}`,
  open: (r) => ({ kind: 'detail', host: r.container.host, id: r.container.id }),
  detail: (r) => ({ kind: 'detail', host: r.container.host, id: r.container.id }),
  empty: 'no addresses',
};
