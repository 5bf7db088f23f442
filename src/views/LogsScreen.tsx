import { Box, Text } from 'ink';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useActions } from './actions-context.js';
import { scrollPositions, type ScrollScreenProps } from './DetailScreen.js';
import { fit } from '../render/format.js';
import { appendLog, EMPTY_LOG, releaseHeld, type LogBuffer } from './log-buffer.js';
import { printable } from '../render/printable.js';

/** Lines asked for when the screen opens. */
export const LOG_TAIL = 500;
/** Lines arriving within this are drawn in one commit (engine-facts.md: React work is not throttled). */
const FLUSH_MS = 50;

interface LogState {
  key: string;
  buf: LogBuffer;
  /** Set once the stream is over: null when it ended (container stopped), else `CODE: message`. */
  end: { error: string | null } | null;
}

/** A container's log: the last LOG_TAIL lines, then new ones; follow keeps the newest at the bottom. */
export function LogsScreen({ host, id, scroll, height, width, onLines, follow }: ScrollScreenProps & { follow: boolean }) {
  const actions = useActions();
  const key = `${host}/${id}`;
  const [state, setState] = useState<LogState>({ key, buf: EMPTY_LOG, end: null });
  const paused = useRef(!follow);
  paused.current = !follow;

  useEffect(() => {
    // A new stream starts from its tail again: drop what an earlier one showed (no-op on first mount).
    setState((s) => (s.key === key && s.buf === EMPTY_LOG && !s.end ? s : { key, buf: EMPTY_LOG, end: null }));
    let pending: string[] = [];
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      const batch = pending.map(printable);
      pending = [];
      setState((s) => (s.key === key ? { ...s, buf: appendLog(s.buf, batch, paused.current) } : s));
    };
    const stop = actions.followLogs(
      host,
      id,
      LOG_TAIL,
      (lines) => {
        pending.push(...lines);
        timer ??= setTimeout(flush, FLUSH_MS);
      },
      (error) => {
        flush();
        setState((s) => (s.key === key ? { ...s, end: { error } } : s));
      },
    );
    return () => {
      if (timer) clearTimeout(timer);
      stop();
    };
  }, [actions, host, id, key]);

  useEffect(() => {
    if (follow) setState((s) => ({ ...s, buf: releaseHeld(s.buf) }));
  }, [follow]);

  const buf = state.key === key ? state.buf : EMPTY_LOG;
  const end = state.key === key ? state.end : null;
  const rows = Math.max(0, height - 1);
  const positions = scrollPositions(buf.lines.length, rows);
  // In the commit, not after it: a key read right after this frame must clamp to these lines.
  useLayoutEffect(() => onLines(positions), [onLines, positions]);
  const start = follow ? positions - 1 : Math.max(0, Math.min(scroll, positions - 1));

  const parts = [follow ? 'following' : 'paused', `${buf.lines.length} lines`];
  if (buf.held.length > 0) parts.push(`${buf.held.length} new (G shows)`);
  if (buf.dropped > 0) parts.push(`${buf.dropped} older dropped`);
  if (end) parts.push(end.error ?? 'stream ended');
  else parts.push(follow ? 'f pauses' : 'f follows');
  if (height <= 0) return null;
  return (
    <Box flexDirection="column" height={height}>
      <Text color={end?.error ? 'yellow' : 'gray'} wrap="truncate">
        {fit(parts.join(' · '), width)}
      </Text>
      {buf.lines.slice(start, start + rows).map((line, i) => (
        <Text key={start + i} wrap="truncate">
          {fit(line, width)}
        </Text>
      ))}
    </Box>
  );
}
