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
