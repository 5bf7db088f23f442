// Pure formatting for table cells; exact-value tests in test/unit/format.test.ts.

/** Cuts or pads to exactly `width` columns, marking a cut with '…'. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return text.padEnd(width);
}

export function formatLatency(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  if (ms < 10_000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(0)}s`;
}

export function formatIps(ips: Record<string, string>): string {
  return Object.entries(ips)
    .filter(([, ip]) => ip)
    .map(([net, ip]) => `${ip}(${net})`)
    .join(' ');
}

export function formatBool(v: boolean | null, yes = 'on', no = 'off'): string {
  return v === null ? '-' : v ? yes : no;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '-';
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${Math.round(v)}B` : `${v < 10 ? v.toFixed(1) : Math.round(v)}${UNITS[u]}`;
}

export function formatRate(bytesPerSec: number | null | undefined): string {
  const b = formatBytes(bytesPerSec);
  return b === '-' ? b : `${b}/s`;
}

export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p) || p < 0) return '-';
  return p < 10 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** The last `width` points as bars, scaled to the larger of `floor` and the series' maximum. */
export function sparkline(points: readonly number[], width: number, floor = 100): string {
  if (width <= 0) return '';
  const shown = points.slice(-width);
  const max = Math.max(floor, ...shown.filter(Number.isFinite));
  const bars = shown.map((p) => (Number.isFinite(p) && p > 0 ? BARS[Math.min(7, Math.floor((p / max) * 8))]! : ' '));
  return bars.join('').padStart(width);
}
