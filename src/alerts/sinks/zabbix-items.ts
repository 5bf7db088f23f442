import { hostIsUp } from '../../engine/host-up.js';
import { lineRows } from '../../store/lines.js';
import { countContainers } from '../../store/selectors.js';
import type { FleetState } from '../../store/state.js';
import type { AlertTransition } from '../types.js';
import type { ZabbixValue } from './zabbix-protocol.js';

// Issue 15, item 3: the items dockpit sends to Zabbix, all on one Zabbix host (the sink's `host`), as trapper
// items that existing triggers and dashboards use. Keys (H = a Docker host's name, L = a business line):
//   dockpit.host.up[H]           unsigned  1 while H's engine answers (up or slow), else 0
//   dockpit.host.latency[H]      float     ms of H's last health probe (not sent while unknown)
//   dockpit.host.containers[H]   unsigned  containers on H (all states)
//   dockpit.line.running[L]      unsigned  L's running containers (a down host's count as not running)
//   dockpit.line.total[L]        unsigned  L's containers
//   dockpit.line.cpu[L]          float     L's CPU, percent of one core (100 = one core busy)
//   dockpit.line.memory[L]       unsigned  L's memory, bytes
//   dockpit.alerts.firing        unsigned  alerts firing (acknowledged ones included)
//   dockpit.alert                text      one line per firing or resolve: "FIRING critical restartLoop h1/web-3: …"
// Containers without a bizline label form the line "(none)".

export type ZabbixValueType = 'float' | 'unsigned' | 'text';

export interface ZabbixItem {
  key: string;
  type: ZabbixValueType;
}

/** Zabbix's `items.value_type` of each type (0 float, 3 numeric unsigned, 4 text). */
export const ZABBIX_VALUE_TYPE: Readonly<Record<ZabbixValueType, number>> = Object.freeze({ float: 0, unsigned: 3, text: 4 });

export const ALERTS_FIRING_KEY = 'dockpit.alerts.firing';
export const ALERT_TEXT_KEY = 'dockpit.alert';

/** `name[param]`, the parameter quoted when Zabbix's key syntax needs it (`,` `]` `"` spaces…). */
export function itemKey(name: string, param: string): string {
  if (/^[A-Za-z0-9_.:/@()+-]+$/.test(param)) return `${name}[${param}]`;
  return `${name}["${param.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`;
}

function clockOf(now: number): { clock: number; ns: number } {
  return { clock: Math.floor(now / 1000), ns: (now % 1000) * 1_000_000 };
}

/** Every item a state gives values for, plus the alert items (tests create them in Zabbix from this). */
export function zabbixItems(state: Pick<FleetState, 'hostOrder' | 'hosts' | 'containers' | 'stats' | 'lineTiers'>): ZabbixItem[] {
  const items: ZabbixItem[] = [];
  for (const h of state.hostOrder) {
    items.push({ key: itemKey('dockpit.host.up', h), type: 'unsigned' }, { key: itemKey('dockpit.host.latency', h), type: 'float' }, { key: itemKey('dockpit.host.containers', h), type: 'unsigned' });
  }
  for (const l of lineRows(state)) {
    items.push(
      { key: itemKey('dockpit.line.running', l.name), type: 'unsigned' },
      { key: itemKey('dockpit.line.total', l.name), type: 'unsigned' },
      { key: itemKey('dockpit.line.cpu', l.name), type: 'float' },
      { key: itemKey('dockpit.line.memory', l.name), type: 'unsigned' },
    );
  }
  items.push({ key: ALERTS_FIRING_KEY, type: 'unsigned' }, { key: ALERT_TEXT_KEY, type: 'text' });
  return items;
}

/** The values of the host and line items now (pure: the watch sends them every interval). */
export function zabbixValues(state: Pick<FleetState, 'hostOrder' | 'hosts' | 'containers' | 'stats' | 'lineTiers' | 'alerts'>, host: string, now: number): ZabbixValue[] {
  const { clock, ns } = clockOf(now);
  const out: ZabbixValue[] = [];
  const v = (key: string, value: number) => out.push({ host, key, value, clock, ns });
  for (const h of state.hostOrder) {
    const status = state.hosts[h];
    v(itemKey('dockpit.host.up', h), hostIsUp(status?.state) ? 1 : 0);
    if (status?.latencyMs != null) v(itemKey('dockpit.host.latency', h), round(status.latencyMs));
    v(itemKey('dockpit.host.containers', h), countContainers(state.containers[h]).total);
  }
  for (const l of lineRows(state)) {
    v(itemKey('dockpit.line.running', l.name), l.running);
    v(itemKey('dockpit.line.total', l.name), l.total);
    v(itemKey('dockpit.line.cpu', l.name), round(l.cpuPercent));
    v(itemKey('dockpit.line.memory', l.name), Math.round(l.memBytes));
  }
  v(ALERTS_FIRING_KEY, state.alerts.firing);
  return out;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** "FIRING critical restartLoop h1/web-3: restarted 4 times in 2 min" (refreshes say nothing new: none). */
export function alertLine(t: AlertTransition): string | null {
  if (t.kind === 'refresh') return null;
  const { labels } = t.alert;
  const subject = labels.host && labels.container ? `${labels.host}/${labels.container}` : (labels.container ?? labels.host ?? labels.bizline ?? '-');
  return `${t.kind === 'firing' ? 'FIRING' : 'RESOLVED'} ${labels.severity} ${t.alert.rule} ${subject}: ${t.alert.summary}`;
}

/** The alert items' values for one batch of transitions; `firing` is the count after it. */
export function alertValues(transitions: readonly AlertTransition[], firing: number, host: string, now: number): ZabbixValue[] {
  const { clock, ns } = clockOf(now);
  const out: ZabbixValue[] = [];
  for (const t of transitions) {
    const line = alertLine(t);
    if (line !== null) out.push({ host, key: ALERT_TEXT_KEY, value: line, clock, ns });
  }
  out.push({ host, key: ALERTS_FIRING_KEY, value: firing, clock, ns });
  return out;
}
