import stringWidth from 'string-width';

// Pure formatting for table cells; exact-value tests in test/unit/format.test.ts.

/** Cuts or pads to exactly `width` columns, marking a cut with '…'. */
/** Cuts or pads to exactly `width` terminal columns (wide CJK and emoji count two), marking a cut with '…'. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  let w = stringWidth(text);
  if (w <= width) return text + ' '.repeat(width - w);
  let out = '';
  w = 0;
  for (const ch of text) {
    const cw = stringWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…${' '.repeat(Math.max(0, width - 1 - w))}`;
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
  // Round first, then choose the unit, so no figure reads "1024KiB" or "10.0KiB".
  let u = 0;
  let v = Math.round(n);
  while (u < UNITS.length - 1 && v >= 1024) {
    v = n / 1024 ** ++u;
    if (v < 9.95) v = Math.round(v * 10) / 10;
    else v = Math.round(v);
  }
  if (u === 0) return `${v}B`;
  return v < 10 ? `${v.toFixed(1)}${UNITS[u]}` : `${v}${UNITS[u]}`;
}

export function formatRate(bytesPerSec: number | null | undefined): string {
  const b = formatBytes(bytesPerSec);
  return b === '-' ? b : `${b}/s`;
}

export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p) || p < 0) return '-';
  return p < 9.95 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
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

/** An engine event's time of day (UTC, ms): the events screen's and `dockpit events`' TIME column. */
export function formatEventTime(timeNano: number): string {
  return new Date(Math.floor(timeNano / 1e6)).toISOString().slice(11, 23);
}
