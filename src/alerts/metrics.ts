import { hostIsUp } from '../engine/host-up.js';
import type { Container, StatsSample } from '../engine/types.js';
import { lineRows, type LineRow } from '../store/lines.js';
import { countContainers } from '../store/selectors.js';
import type { FleetState } from '../store/state.js';
import type { AlertSink, Severity, SinkStats } from './types.js';

// Issue 15, item 4: `dockpit watch --metrics` in Prometheus' text exposition format 0.0.4. A scrape at 10,000
// containers must stay cheap: the output is built as one array of strings, the line sums come from the
// store's per-host cache (lineRows), and a container's lines are built once per Container and StatsSample
// object (the store replaces them when they change, so the caches can't go stale).

/** dockpit's own health, as the watch counts it. */
export interface SelfHealth {
  /** Engine events received (all hosts). */
  eventsReceived: number;
  /** Container re-lists (after a reconnect or a suspected gap). */
  relists: number;
  /** Store commits and the time they took, in seconds, summed. */
  commits: number;
  commitSeconds: number;
  /** Each configured sink's health. */
  sinks: readonly { name: AlertSink['name']; stats: SinkStats }[];
}

export interface MetricsOptions {
  /** Per-container series (one set per container: cardinality, hence an option). */
  perContainer: boolean;
}

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A label value as the exposition format wants it: backslash, double quote and newline escaped. */
export function escapeLabelValue(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function num(n: number): string {
  if (Number.isFinite(n)) return String(n);
  return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
}

type Type = 'gauge' | 'counter';

function family(out: string[], name: string, type: Type, help: string): void {
  out.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
}

interface ContainerLines {
  labels: string;
  state: string;
}

// Per Container object (the store replaces it when the container changes): its label set and state line.
const containerLinesCache = new WeakMap<Container, ContainerLines>();

function containerLines(c: Container): ContainerLines {
  let cl = containerLinesCache.get(c);
  if (cl === undefined) {
    const labels = `host="${escapeLabelValue(c.host)}",container="${escapeLabelValue(c.name)}",bizline="${escapeLabelValue(c.bizline ?? '')}"`;
    cl = { labels, state: `dockpit_container_state{${labels},state="${c.state}"} 1` };
    containerLinesCache.set(c, cl);
  }
  return cl;
}

interface SampleLines {
  container: Container;
  cpu: string;
  mem: string;
  limit: string | null;
}

// Per sample object: the stats rotation replaces a few samples between two scrapes, so most lines are reused.
const sampleLinesCache = new WeakMap<StatsSample, SampleLines>();

function sampleLines(c: Container, s: StatsSample): SampleLines {
  let sl = sampleLinesCache.get(s);
  if (sl === undefined || sl.container !== c) {
    const l = containerLines(c).labels;
    sl = {
      container: c,
      cpu: `dockpit_container_cpu_percent{${l}} ${num(s.cpuPercent)}`,
      mem: `dockpit_container_memory_bytes{${l}} ${num(s.memBytes)}`,
      limit: s.memLimitBytes > 0 ? `dockpit_container_memory_limit_bytes{${l}} ${num(s.memLimitBytes)}` : null,
    };
    sampleLinesCache.set(s, sl);
  }
  return sl;
}

function lineLabels(l: LineRow): string {
  return l.tier === null ? `{bizline="${escapeLabelValue(l.name)}"}` : `{bizline="${escapeLabelValue(l.name)}",tier="${l.tier}"}`;
}

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

export function renderMetrics(state: FleetState, self: SelfHealth, opts: MetricsOptions): string {
  const out: string[] = [];
  lineMetrics(out, lineRows(state));
  hostMetrics(out, state);
  if (opts.perContainer) containerMetrics(out, state);
  selfMetrics(out, state, self);
  out.push('');
  return out.join('\n');
}

function lineMetrics(out: string[], rows: readonly LineRow[]): void {
  const labels = rows.map(lineLabels);
  const each = (name: string, help: string, value: (l: LineRow) => number) => {
    family(out, name, 'gauge', help);
    for (let i = 0; i < rows.length; i++) out.push(`${name}${labels[i]} ${num(value(rows[i]!))}`);
  };
  each('dockpit_line_containers_running', "Running containers of a business line (a down host's count as not running).", (l) => l.running);
  each('dockpit_line_containers', 'Containers of a business line, all states.', (l) => l.total);
  each('dockpit_line_cpu_percent', "CPU of a business line's running containers, percent of one core (100 = one core busy).", (l) => l.cpuPercent);
  each('dockpit_line_memory_bytes', "Memory of a business line's running containers.", (l) => l.memBytes);
  each('dockpit_line_network_receive_bytes_per_second', "Network received by a business line's running containers.", (l) => l.rxBytesPerSec);
  each('dockpit_line_network_transmit_bytes_per_second', "Network sent by a business line's running containers.", (l) => l.txBytesPerSec);
}

function hostMetrics(out: string[], state: FleetState): void {
  const labels = state.hostOrder.map((h) => `{host="${escapeLabelValue(h)}"}`);
  const each = (name: string, help: string, value: (h: string) => number | null) => {
    family(out, name, 'gauge', help);
    state.hostOrder.forEach((h, i) => {
      const v = value(h);
      if (v !== null) out.push(`${name}${labels[i]} ${num(v)}`);
    });
  };
  each('dockpit_host_up', "1 while the host's engine answers (up or slow), else 0.", (h) => (hostIsUp(state.hosts[h]?.state) ? 1 : 0));
  each('dockpit_host_engine_latency_seconds', "Round trip of the host's last engine health probe (a container list).", (h) => {
    const ms = state.hosts[h]?.latencyMs;
    return ms == null ? null : ms / 1000;
  });
  each('dockpit_host_containers', 'Containers on the host, all states.', (h) => countContainers(state.containers[h]).total);
  each('dockpit_host_containers_running', 'Running containers on the host.', (h) => countContainers(state.containers[h]).running);
  each('dockpit_host_live_restore', '1 when the engine keeps containers running while dockerd is down (live-restore), 0 when not.', (h) => {
    const lr = state.hosts[h]?.liveRestore;
    return lr == null ? null : lr ? 1 : 0;
  });
}

function containerMetrics(out: string[], state: FleetState): void {
  // One pass over the containers, four families: 10,000 containers make 40,000 lines per scrape.
  const states: string[] = [];
  const cpu: string[] = [];
  const mem: string[] = [];
  const limit: string[] = [];
  for (const host of state.hostOrder) {
    const hc = state.containers[host];
    if (!hc) continue;
    const stats = state.stats[host];
    for (const id of hc.order) {
      const c = hc.byId[id]!;
      states.push(containerLines(c).state);
      const s = c.state === 'running' ? stats?.[id] : undefined;
      if (!s) continue;
      const sl = sampleLines(c, s);
      cpu.push(sl.cpu);
      mem.push(sl.mem);
      if (sl.limit !== null) limit.push(sl.limit);
    }
  }
  const emit = (name: string, help: string, lines: string[]) => {
    family(out, name, 'gauge', help);
    // One join at the end only: joining here too would copy the 3.6 MB of a 10,000-container scrape twice.
    for (const line of lines) out.push(line);
  };
  emit('dockpit_container_state', 'The container state the engine reports (1 for the current one).', states);
  emit('dockpit_container_cpu_percent', 'CPU of a running container, percent of one core.', cpu);
  emit('dockpit_container_memory_bytes', 'Memory of a running container.', mem);
  emit('dockpit_container_memory_limit_bytes', "A running container's memory limit (the host's memory when it has none).", limit);
}

function selfMetrics(out: string[], state: FleetState, self: SelfHealth): void {
  const counter = (name: string, help: string, v: number) => {
    family(out, name, 'counter', help);
    out.push(`${name} ${num(v)}`);
  };
  counter('dockpit_engine_events_total', 'Engine events received, all hosts.', self.eventsReceived);
  counter('dockpit_engine_relists_total', 'Container re-lists (after a reconnect or a suspected gap in the events).', self.relists);
  counter('dockpit_store_commits_total', 'Store commits.', self.commits);
  counter('dockpit_store_commit_seconds_total', 'Time spent in store commits.', self.commitSeconds);

  const firing: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  let acked = 0;
  for (const a of state.alerts.list) {
    if (a.state !== 'firing') continue;
    if (a.ackedUntil !== null) acked++;
    else firing[a.labels.severity]++;
  }
  family(out, 'dockpit_alerts_firing', 'gauge', 'Alerts firing and not acknowledged, by severity.');
  for (const s of SEVERITIES) out.push(`dockpit_alerts_firing{severity="${s}"} ${firing[s]}`);
  family(out, 'dockpit_alerts_acknowledged', 'gauge', 'Alerts firing but acknowledged (silenced).');
  out.push(`dockpit_alerts_acknowledged ${acked}`);

  const sinks = self.sinks.map((s) => ({ l: `{sink="${escapeLabelValue(s.name)}"}`, st: s.stats }));
  const each = (name: string, type: Type, help: string, value: (s: SinkStats) => number) => {
    family(out, name, type, help);
    for (const s of sinks) out.push(`${name}${s.l} ${num(value(s.st))}`);
  };
  each('dockpit_sink_sent_total', 'counter', 'Items a sink delivered (transitions, alerts or Zabbix values).', (s) => s.sent);
  each('dockpit_sink_failed_total', 'counter', 'Failed requests of a sink (each try), and Zabbix values the server refused.', (s) => s.failed);
  each('dockpit_sink_dropped_total', 'counter', "Items a sink dropped: its queue was full (oldest first) or a batch ran out of tries.", (s) => s.dropped);
  each('dockpit_sink_queued', 'gauge', 'Items waiting in a sink (the request in flight included).', (s) => s.queued);
  each('dockpit_sink_up', 'gauge', "1 when the sink's last request succeeded, 0 after a failure.", (s) => (s.lastError === null ? 1 : 0));
}
