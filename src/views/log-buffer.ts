// The log screen's lines, bounded (issue "The cockpit", item 2). While paused, new lines are held apart so
// the lines being read don't move; following again appends them. Pure; tests in test/unit/log-buffer.test.ts.

export const LOG_LIMIT = 5000;

export interface LogBuffer {
  /** The lines shown, oldest first, at most `limit`. */
  lines: readonly string[];
  /** Lines that arrived while paused, at most `limit`. */
  held: readonly string[];
  /** Lines not kept since the screen opened, to stay within the bound. */
  dropped: number;
}

export const EMPTY_LOG: LogBuffer = { lines: [], held: [], dropped: 0 };

function keepLast(lines: readonly string[], limit: number): { kept: readonly string[]; cut: number } {
  const cut = Math.max(0, lines.length - limit);
  return { kept: cut > 0 ? lines.slice(cut) : lines, cut };
}

export function appendLog(buf: LogBuffer, incoming: readonly string[], paused: boolean, limit = LOG_LIMIT): LogBuffer {
  if (incoming.length === 0) return buf;
  if (paused) {
    const { kept, cut } = keepLast([...buf.held, ...incoming], limit);
    return { ...buf, held: kept, dropped: buf.dropped + cut };
  }
  const { kept, cut } = keepLast([...buf.lines, ...buf.held, ...incoming], limit);
  return { lines: kept, held: [], dropped: buf.dropped + cut };
}

/** Following again: the held lines join the shown ones. */
export function releaseHeld(buf: LogBuffer, limit = LOG_LIMIT): LogBuffer {
  if (buf.held.length === 0) return buf;
  const { kept, cut } = keepLast([...buf.lines, ...buf.held], limit);
  return { lines: kept, held: [], dropped: buf.dropped + cut };
}
