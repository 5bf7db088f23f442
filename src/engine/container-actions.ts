import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type { ContainerInspect } from './container-inspect.js';
import { DockpitError, toDockpitError } from './errors.js';
import { LogDemuxer, type LogStream } from './log-demux.js';
import { LogLineSplitter } from './log-lines.js';

// What the cockpit asks about one container (issue "The cockpit", items 2 and 8): inspect, and its log.

/** Deadline for opening a log stream (inspect, then the request) when the caller gives none. */
const DEFAULT_OPEN_TIMEOUT_MS = 10_000;

export async function inspectContainer(docker: Docker, id: string, signal: AbortSignal): Promise<ContainerInspect> {
  try {
    return (await docker.getContainer(id).inspect({ abortSignal: signal })) as unknown as ContainerInspect;
  } catch (err) {
    throw toDockpitError(err, `inspect ${id.slice(0, 12)}`);
  }
}

interface LogsOptions {
  follow: true;
  stdout: boolean;
  stderr: boolean;
  tail: number;
  timestamps: boolean;
  abortSignal: AbortSignal;
}

// With follow: true dockerode resolves to the response stream; its type definitions say Buffer.
function openLogs(docker: Docker, id: string, o: LogsOptions): Promise<Readable> {
  const container = docker.getContainer(id);
  return (container.logs as unknown as (o: LogsOptions) => Promise<Readable>).call(container, o);
}

/**
 * Streams a container's log: the last `tail` lines, then new ones as they come, as whole lines.
 * `onEnd` is called once: null when the stream ended (the container stopped), else `CODE: message`.
 * Returns a function that stops the stream; after it, neither callback is called again.
 */
export function followLogs(
  docker: Docker,
  id: string,
  tail: number,
  onLines: (lines: string[]) => void,
  onEnd: (error: string | null) => void,
  openTimeoutMs = DEFAULT_OPEN_TIMEOUT_MS,
): () => void {
  const abort = new AbortController(); // ends every request of this stream
  let stream: Readable | null = null;
  let done = false;
  let stopped = false; // the caller stopped it: no callback after that
  const finish = (error: string | null) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    abort.abort();
    stream?.destroy();
    if (!stopped) onEnd(error);
  };
  // The request can hang on an engine that accepts connections but doesn't answer (engine-facts.md);
  // once open, the stream may stay quiet for hours, so only the caller or the engine ends it.
  const timer = setTimeout(() => {
    if (!stream) finish(new DockpitError('TIMEOUT', `logs ${id.slice(0, 12)}: no answer in ${openTimeoutMs} ms`).toString());
  }, openTimeoutMs);

  const open = async () => {
    const info = await inspectContainer(docker, id, abort.signal);
    const s = await openLogs(docker, id, {
      follow: true, stdout: true, stderr: true, tail, timestamps: false, abortSignal: abort.signal,
    });
    if (done) {
      s.destroy();
      return;
    }
    stream = s;
    clearTimeout(timer);
    pipeLines(s, info.Config.Tty === true, (lines) => {
      if (!done && lines.length > 0) onLines(lines);
    }, finish);
  };
  open().catch((err: unknown) => finish(toDockpitError(err, `logs ${id.slice(0, 12)}`).toString()));

  return () => {
    stopped = true;
    finish(null);
  };
}

/** Reads a log stream to lines: raw bytes with a TTY, else demultiplexed frames, one line buffer per stream. */
function pipeLines(s: Readable, tty: boolean, onLines: (lines: string[]) => void, finish: (error: string | null) => void): void {
  const demux = tty ? null : new LogDemuxer();
  const splitters = new Map<LogStream, LogLineSplitter>();
  const splitter = (k: LogStream) => {
    let sp = splitters.get(k);
    if (!sp) splitters.set(k, (sp = new LogLineSplitter()));
    return sp;
  };
  s.on('data', (chunk: Buffer) => {
    const lines: string[] = [];
    if (!demux) lines.push(...splitter('stdout').push(chunk));
    else for (const piece of demux.push(chunk)) lines.push(...splitter(piece.stream).push(piece.payload));
    onLines(lines);
  });
  s.on('end', () => {
    onLines([...splitters.values()].flatMap((sp) => sp.flush()));
    finish(null);
  });
  s.on('error', (err) => finish(toDockpitError(err, 'log stream').toString()));
  // A socket closed without 'end' (engine died, ssh tunnel dropped) is not a normal end of the log.
  s.on('close', () => finish(new DockpitError('STREAM_ENDED', 'log stream closed').toString()));
}
