import type { ContainerInspect } from '../engine/container-inspect.js';
import { formatBytes } from './format.js';
import { printable } from './printable.js';
import { isMaskable, maskEnvEntry } from './secret-env.js';

// A container's detail as plain lines, from one inspect: the detail screen scrolls them and
// `dockpit inspect` (without --json) prints them. Pure; exact-value tests in test/unit/detail-lines.test.ts.

const LABEL = 13;
/** Health check output can be long (a whole HTML page): the first lines say enough. */
const HEALTH_OUTPUT_LINES = 5;

const row = (label: string, value: string) => `${label.padEnd(LABEL - 1)} ${value}`;
const item = (label: string, value: string) => `  ${label.padEnd(LABEL - 3)} ${value}`;

/** An argument as a shell would need it typed, so a command line reads unambiguously. */
export function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** RFC 3339 from the engine → `2024-05-14 09:12:03 UTC`; the engine's zero time → '-'. */
export function formatTime(iso: string | undefined): string {
  if (!iso || iso.startsWith('0001-01-01')) return '-';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Nanoseconds (healthcheck intervals) → `1s`, `1.5s`, `250ms`. */
export function formatNanos(ns: number): string {
  if (ns >= 1e9) return `${+(ns / 1e9).toFixed(3)}s`;
  return `${+(ns / 1e6).toFixed(3)}ms`;
}

function command(c: ContainerInspect): string {
  const argv = [...(c.Config.Entrypoint ?? []), ...(c.Config.Cmd ?? [])];
  // No entrypoint and no cmd in the config (rare, but the engine allows it): what actually ran.
  const shown = argv.length > 0 ? argv : [c.Path, ...(c.Args ?? [])].filter((a) => a !== '');
  return shown.length > 0 ? shown.map(shellQuote).join(' ') : '-';
}

function state(c: ContainerInspect): string {
  const s = c.State;
  const parts = [s.Status];
  if (s.Running || s.Paused) parts.push(`pid ${s.Pid}`);
  else if (s.Status !== 'created') parts.push(`exit code ${s.ExitCode}`);
  if (s.OOMKilled) parts.push('OOM killed');
  if (s.Error) parts.push(`error: ${s.Error}`);
  return parts.join(' · ');
}

function health(c: ContainerInspect): string[] {
  const check = c.Config.Healthcheck;
  const test = check?.Test ?? [];
  if (test[0] === 'NONE') return [row('health', 'disabled')];
  const h = c.State.Health;
  if (!h && test.length === 0) return [row('health', 'no healthcheck')];
  const lines = [row('health', h ? `${h.Status} · failing streak ${h.FailingStreak}` : 'not checked yet')];
  if (test.length > 0 && check) {
    const cmd = test[0] === 'CMD-SHELL' ? test.slice(1).join(' ') : test.slice(test[0] === 'CMD' ? 1 : 0).map(shellQuote).join(' ');
    const every = [
      check.Interval ? `every ${formatNanos(check.Interval)}` : '',
      check.Timeout ? `timeout ${formatNanos(check.Timeout)}` : '',
      check.Retries ? `${check.Retries} retries` : '',
    ].filter(Boolean);
    lines.push(row('check', every.length > 0 ? `${cmd} (${every.join(', ')})` : cmd));
  }
  const last = h?.Log?.at(-1);
  if (last) {
    lines.push(row('last check', `${formatTime(last.End || last.Start)} · exit ${last.ExitCode}`));
    const out = last.Output.replace(/\s+$/, '').split('\n').map((l) => l.replace(/\r$/, ''));
    if (out.length === 1 && out[0] === '') lines.push('  (no output)');
    else {
      lines.push(...out.slice(0, HEALTH_OUTPUT_LINES).map((l) => `  ${l}`));
      if (out.length > HEALTH_OUTPUT_LINES) lines.push(`  … ${out.length - HEALTH_OUTPUT_LINES} more lines`);
    }
  }
  return lines;
}

function restartPolicy(c: ContainerInspect): string {
  const p = c.HostConfig.RestartPolicy;
  const name = p?.Name || 'no';
  return name === 'on-failure' && p.MaximumRetryCount > 0 ? `on-failure, at most ${p.MaximumRetryCount} retries` : name;
}

function networks(c: ContainerInspect): string[] {
  const nets = Object.entries(c.NetworkSettings.Networks ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (nets.length === 0) return ['  (none)'];
  return nets.map(([name, n]) => {
    // A static address (--ip) is what placement and IP checks care about; a dynamic one can change.
    // A stopped container has no live address, but keeps its static one: show that, so it can be found.
    const configured = n.IPAMConfig?.IPv4Address;
    const ip = n.IPAddress ? `${n.IPAddress}${n.IPPrefixLen ? `/${n.IPPrefixLen}` : ''}` : configured ?? '-';
    const kind = configured ? (n.IPAddress ? ' static' : ' static, not running') : '';
    return item(name, `${ip}${kind}  gw ${n.Gateway || '-'}  mac ${n.MacAddress || '-'}`);
  });
}

type Binding = { HostIp: string; HostPort: string };

function hostAddress(b: Binding): string {
  const ip = b.HostIp === '' ? '*' : b.HostIp.includes(':') ? `[${b.HostIp}]` : b.HostIp;
  return `${ip}:${b.HostPort}`;
}

function ports(c: ContainerInspect): string[] {
  const live = c.NetworkSettings.Ports ?? {};
  const configured = c.HostConfig.PortBindings ?? {};
  const keys = new Set([...Object.keys(c.Config.ExposedPorts ?? {}), ...Object.keys(configured), ...Object.keys(live)]);
  if (keys.size === 0) return ['  (none)'];
  const sorted = [...keys].sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b));
  return sorted.map((port) => {
    // Running: the engine's actual bindings; stopped: what was asked for.
    const bindings = live[port] ?? configured[port] ?? [];
    return item(port, bindings.length > 0 ? `→ ${bindings.map(hostAddress).join(', ')}` : 'not published');
  });
}

function mounts(c: ContainerInspect): string[] {
  if ((c.Mounts ?? []).length === 0) return ['  (none)'];
  return c.Mounts.map((m) => item(m.Type, `${m.Name ?? m.Source} → ${m.Destination} (${m.RW ? 'rw' : 'ro'})`));
}

function cpus(nano: number): string {
  return `${+(nano / 1e9).toFixed(3)}`;
}

function resources(c: ContainerInspect): string[] {
  const h = c.HostConfig;
  const period = h.CpuPeriod || 100_000; // the kernel's CFS default, µs
  const quota = h.CpuQuota > 0 ? `${h.CpuQuota}µs per ${period}µs (${cpus((h.CpuQuota / period) * 1e9)} cpus)` : '-';
  let memory = h.Memory > 0 ? formatBytes(h.Memory) : 'unlimited';
  if (h.MemorySwap === -1) memory += ', swap unlimited';
  else if (h.MemorySwap > 0) memory += `, memory+swap ${formatBytes(h.MemorySwap)}`;
  return [
    item('cpus', h.NanoCpus > 0 ? cpus(h.NanoCpus) : 'unlimited'),
    item('cpu shares', h.CpuShares > 0 ? String(h.CpuShares) : 'default'),
    item('cpu quota', quota),
    item('memory', memory),
  ];
}

function labels(c: ContainerInspect): string[] {
  const entries = Object.entries(c.Config.Labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length > 0 ? entries.map(([k, v]) => `  ${k}=${v}`) : ['  (none)'];
}

function env(c: ContainerInspect, reveal: boolean): string[] {
  const list = c.Config.Env ?? [];
  const secrets = list.filter(isMaskable).length;
  const head = secrets === 0 ? `env (${list.length})` : `env (${list.length}, ${secrets} secret value${secrets === 1 ? '' : 's'} ${reveal ? 'shown' : 'masked'})`;
  return ['', head, ...(list.length > 0 ? list.map((e) => `  ${reveal ? e : maskEnvEntry(e)}`) : ['  (none)'])];
}

/** The detail of one container on `host`; secret env values masked unless `reveal`. */
export function detailLines(host: string, c: ContainerInspect, reveal: boolean): string[] {
  const imageId = c.Image.replace(/^sha256:/, '').slice(0, 12);
  const lines = [
    row('host', host),
    row('name', c.Name.replace(/^\//, '')),
    row('id', c.Id.slice(0, 12)),
    row('image', imageId && c.Config.Image !== c.Image ? `${c.Config.Image} (${imageId})` : c.Config.Image || c.Image),
    row('command', command(c)),
    row('state', state(c)),
    ...health(c),
    row('restart', restartPolicy(c)),
    row('restarts', String(c.RestartCount)),
    row('created', formatTime(c.Created)),
    row('started', formatTime(c.State.StartedAt)),
    row('finished', formatTime(c.State.FinishedAt)),
    '',
    'networks',
    ...networks(c),
    '',
    'ports',
    ...ports(c),
    '',
    'mounts',
    ...mounts(c),
    '',
    'resources',
    ...resources(c),
    '',
    `labels (${Object.keys(c.Config.Labels ?? {}).length})`,
    ...labels(c),
    ...env(c, reveal),
  ];
  return lines.map(printable);
}
