import Docker from 'dockerode';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { followLogs, inspectContainer } from '../../src/engine/container-actions.js';
import { DockpitError } from '../../src/engine/errors.js';

vi.mock('react', () => {
  throw new Error('the engine must not import react');
});

function frame(type: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

interface FakeOptions {
  tty?: boolean;
  inspectError?: unknown;
  logsError?: unknown;
  /** Never answers the logs request. */
  hang?: boolean;
}

/** A dockerode stand-in: the calls followLogs makes, recorded. */
function fakeDocker(o: FakeOptions = {}) {
  const stream = new PassThrough();
  const calls: { logs: Record<string, unknown>[]; inspect: number } = { logs: [], inspect: 0 };
  // Methods that need their container as `this`, as dockerode's do (they read this.modem).
  class FakeContainer {
    constructor(readonly id: string) {}
    async inspect() {
      if (!(this instanceof FakeContainer)) throw new Error('inspect called without its container');
      calls.inspect++;
      if (o.inspectError) throw o.inspectError;
      return { Id: this.id, Config: { Tty: o.tty ?? false } };
    }
    logs(opts: Record<string, unknown>) {
      if (!(this instanceof FakeContainer)) throw new Error('logs called without its container');
      calls.logs.push(opts);
      if (o.logsError) return Promise.reject(o.logsError);
      if (o.hang) return new Promise(() => undefined);
      return Promise.resolve(stream);
    }
  }
  const docker = { getContainer: (id: string) => new FakeContainer(id) } as unknown as Docker;
  return { docker, stream, calls };
}

function collect() {
  const lines: string[] = [];
  const ends: Array<string | null> = [];
  return { lines, ends, onLines: (l: string[]) => lines.push(...l), onEnd: (e: string | null) => ends.push(e) };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('followLogs', () => {
  it('asks for the tail, following, both streams, no timestamps; demultiplexes frames into lines', async () => {
    const f = fakeDocker();
    const c = collect();
    followLogs(f.docker, 'abc', 500, c.onLines, c.onEnd);
    await tick();
    expect(f.calls.logs[0]).toMatchObject({ follow: true, stdout: true, stderr: true, tail: 500, timestamps: false });
    const bytes = Buffer.concat([frame(1, 'out one\nout '), frame(2, 'err one\n'), frame(1, 'two\n')]);
    f.stream.write(bytes.subarray(0, 13));
    f.stream.write(bytes.subarray(13));
    await tick();
    // stdout's partial line is not glued to stderr's.
    expect(c.lines).toEqual(['out one', 'err one', 'out two']);
    f.stream.end(frame(2, 'last, no newline'));
    await tick();
    expect(c.lines.at(-1)).toBe('last, no newline');
    expect(c.ends).toEqual([null]);
  });

  it('reads raw bytes from a TTY container', async () => {
    const f = fakeDocker({ tty: true });
    const c = collect();
    followLogs(f.docker, 'abc', 10, c.onLines, c.onEnd);
    await tick();
    f.stream.write('\u0001tty line\r\nsecond\n');
    await tick();
    expect(c.lines).toEqual(['\u0001tty line', 'second']);
  });

  it('reports a failure to open as CODE: message, once', async () => {
    const f = fakeDocker({ inspectError: Object.assign(new Error('no such container'), { statusCode: 404, reason: 'no such container' }) });
    const c = collect();
    followLogs(f.docker, 'abcdef1234567890', 10, c.onLines, c.onEnd);
    await tick();
    expect(c.ends).toEqual(['NOT_FOUND: inspect abcdef123456: no such container']);
    expect(f.calls.logs).toHaveLength(0);
  });

  it('reports a stream that dies mid-way, and one that never opens', async () => {
    const f = fakeDocker();
    const c = collect();
    followLogs(f.docker, 'abc', 10, c.onLines, c.onEnd);
    await tick();
    f.stream.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    await tick();
    expect(c.ends).toEqual(['STREAM_ENDED: log stream: read ECONNRESET']);

    const h = fakeDocker({ hang: true });
    const d = collect();
    followLogs(h.docker, 'abc', 10, d.onLines, d.onEnd, 30);
    await new Promise((r) => setTimeout(r, 60));
    expect(d.ends).toEqual(['TIMEOUT: logs abc: no answer in 30 ms']);
  });

  it('stops: the stream is destroyed and no callback comes after', async () => {
    const f = fakeDocker();
    const c = collect();
    const stop = followLogs(f.docker, 'abc', 10, c.onLines, c.onEnd);
    await tick();
    stop();
    expect(f.stream.destroyed).toBe(true);
    expect((f.calls.logs[0]!.abortSignal as AbortSignal).aborted).toBe(true);
    await tick();
    expect(c.ends).toEqual([]);
    expect(c.lines).toEqual([]);
  });

  it('stopped before the stream opened: the late stream is closed at once', async () => {
    const f = fakeDocker();
    const c = collect();
    const stop = followLogs(f.docker, 'abc', 10, c.onLines, c.onEnd);
    stop();
    await tick();
    expect(c.ends).toEqual([]);
    expect(f.stream.destroyed || f.calls.logs.length === 0).toBe(true);
  });
});

describe('inspectContainer', () => {
  it('maps engine errors to coded errors', async () => {
    const f = fakeDocker({ inspectError: Object.assign(new Error('x'), { statusCode: 404, reason: 'no such container' }) });
    const err = await inspectContainer(f.docker, 'abcdef1234567890', AbortSignal.timeout(1000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockpitError);
    expect(String(err)).toBe('NOT_FOUND: inspect abcdef123456: no such container');
  });
});

describe('against an HTTP server speaking the engine API (real dockerode, no engine)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-api-'));
  const socketPath = path.join(dir, 'docker.sock');
  const urls: string[] = [];
  const server = http.createServer((req, res) => {
    urls.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.endsWith('/containers/abc/json')) {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ Id: 'abc', Name: '/web', Config: { Tty: false, Env: ['TOKEN=t'] } }));
    } else if (url.pathname.endsWith('/containers/abc/logs')) {
      res.setHeader('Content-Type', 'application/vnd.docker.raw-stream');
      const bytes = Buffer.concat([frame(1, 'first\nsec'), frame(2, 'an error\n'), frame(1, 'ond\n')]);
      // Written in awkward pieces, as a socket may deliver them.
      res.write(bytes.subarray(0, 3));
      setTimeout(() => res.write(bytes.subarray(3, 20)), 5);
      setTimeout(() => res.end(bytes.subarray(20)), 10);
    } else {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ message: 'No such container: missing' }));
    }
  });
  beforeAll(() => new Promise<void>((resolve) => server.listen(socketPath, resolve)));
  afterAll(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('inspects, and maps a 404 to NOT_FOUND', async () => {
    const docker = new Docker({ socketPath });
    const c = await inspectContainer(docker, 'abc', new AbortController().signal);
    expect(c).toMatchObject({ Id: 'abc', Name: '/web' });
    const err = await inspectContainer(docker, 'missing', new AbortController().signal).catch((e: unknown) => e);
    expect((err as DockpitError).code).toBe('NOT_FOUND');
  });

  it('follows a multiplexed log to its end, with the query the engine expects', async () => {
    const docker = new Docker({ socketPath });
    const c = collect();
    followLogs(docker, 'abc', 500, c.onLines, c.onEnd);
    for (let i = 0; i < 100 && c.ends.length === 0; i++) await tick();
    expect(c.lines).toEqual(['first', 'an error', 'second']);
    expect(c.ends).toEqual([null]);
    const logs = new URL(urls.find((u) => u.includes('/logs'))!, 'http://x').searchParams;
    expect(Object.fromEntries(logs)).toEqual({ follow: 'true', stdout: 'true', stderr: 'true', tail: '500', timestamps: 'false' });
  });
});
