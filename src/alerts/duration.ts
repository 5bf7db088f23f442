// Durations in `alerts:` ("500ms", "10s", "2m", "1h", "1d"), as the operator writes them next to `for:`.

export const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)$/;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration matching DURATION_PATTERN; null for anything else. */
export function durationMs(text: string): number | null {
  const m = DURATION_PATTERN.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : null;
}

/** "12 s", "3 min", "2 h 5 min": how long, for a summary read at 3 a.m. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  return `${h} h ${min % 60} min`;
}
