import { describe, expect, it, vi } from 'vitest';
import { LogDemuxer, type LogPiece, type LogStream } from '../../src/engine/log-demux.js';
import { LogLineSplitter } from '../../src/engine/log-lines.js';

vi.mock('react', () => {
  throw new Error('the engine must not import react');
});

const enc = new TextEncoder();
const dec = new TextDecoder();

/** One frame as the engine writes it: type, three zero bytes, uint32 big-endian length, payload. */
function frame(type: 0 | 1 | 2, text: string | Uint8Array): Uint8Array {
  const payload = typeof text === 'string' ? enc.encode(text) : text;
  const out = new Uint8Array(8 + payload.length);
  out[0] = type;
  new DataView(out.buffer).setUint32(4, payload.length, false);
  out.set(payload, 8);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Joins consecutive pieces of the same stream: what a reader of the stream would see. */
function collapse(pieces: LogPiece[]): Array<[LogStream, string]> {
  const out: Array<[LogStream, Uint8Array[]]> = [];
  for (const p of pieces) {
    const last = out.at(-1);
    if (last && last[0] === p.stream) last[1].push(p.payload);
    else out.push([p.stream, [p.payload]]);
  }
  return out.map(([s, parts]) => [s, dec.decode(concat(...parts))]);
}

const STREAM = concat(
  frame(1, 'hello\n'),
  frame(2, 'oops: ☕ café\n'),
  frame(1, ''),
  frame(1, 'part one '),
  frame(1, 'part two\n'),
  frame(2, '日本語😀\n'),
);
const WANT: Array<[LogStream, string]> = [
  ['stdout', 'hello\n'],
  ['stderr', 'oops: ☕ café\n'],
  ['stdout', 'part one part two\n'],
  ['stderr', '日本語😀\n'],
];

describe('LogDemuxer', () => {
  it('demultiplexes several frames in one chunk', () => {
    const d = new LogDemuxer();
    expect(collapse(d.push(STREAM))).toEqual(WANT);
    expect(d.pending).toBe(0);
    expect(d.raw).toBe(false);
  });

  it('gives the same result with the stream split in two at every byte offset', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      const d = new LogDemuxer();
      const pieces = [...d.push(STREAM.subarray(0, cut)), ...d.push(STREAM.subarray(cut))];
      expect(collapse(pieces), `cut at ${cut}`).toEqual(WANT);
      expect(d.pending, `cut at ${cut}`).toBe(0);
    }
  });

  it('gives the same result with the stream split in three at every pair of offsets', () => {
    for (let a = 0; a <= STREAM.length; a++) {
      for (let b = a; b <= STREAM.length; b += 3) {
        const d = new LogDemuxer();
        const pieces = [...d.push(STREAM.subarray(0, a)), ...d.push(STREAM.subarray(a, b)), ...d.push(STREAM.subarray(b))];
        expect(collapse(pieces), `cuts at ${a}, ${b}`).toEqual(WANT);
      }
    }
  });

  it('gives the same result fed one byte at a time, never holding more than a header', () => {
    const d = new LogDemuxer();
    const pieces: LogPiece[] = [];
    for (const byte of STREAM) {
      pieces.push(...d.push(Uint8Array.of(byte)));
      expect(d.pending).toBeLessThanOrEqual(8 + 64);
    }
    expect(collapse(pieces)).toEqual(WANT);
  });

  it('hands out a long payload as it arrives, and says when the stream stopped inside a frame', () => {
    const big = new Uint8Array(100_000).fill(0x61);
    const bytes = frame(1, big);
    const d = new LogDemuxer();
    const first = d.push(bytes.subarray(0, 8 + 1000));
    expect(first.map((p) => p.payload.length)).toEqual([1000]);
    expect(d.pending).toBe(99_000);
    d.push(bytes.subarray(8 + 1000, 8 + 50_000));
    expect(d.pending).toBe(50_000);
  });

  it('reads the length as unsigned big-endian', () => {
    const d = new LogDemuxer();
    expect(d.push(Uint8Array.of(2, 0, 0, 0, 0x80, 0, 0, 1))).toEqual([]);
    expect(d.pending).toBe(0x80000001);
  });

  it('falls back to raw bytes when a header is not a frame header (the stream was not multiplexed)', () => {
    const d = new LogDemuxer();
    const text = enc.encode('plain tty output\nsecond line\n');
    expect(collapse(d.push(text))).toEqual([['stdout', 'plain tty output\nsecond line\n']]);
    expect(d.raw).toBe(true);
    expect(collapse(d.push(enc.encode('more\n')))).toEqual([['stdout', 'more\n']]);
  });

  it('falls back to raw after valid frames too, keeping the bytes', () => {
    const d = new LogDemuxer();
    const bytes = concat(frame(1, 'ok\n'), enc.encode('garbage!'));
    expect(collapse(d.push(bytes))).toEqual([['stdout', 'ok\ngarbage!']]);
    expect(d.raw).toBe(true);
  });
});

describe('LogLineSplitter', () => {
  const TEXT = 'first ☕ line\r\nsecond 日本語😀\n\nlast without newline';
  const LINES = ['first ☕ line', 'second 日本語😀', ''];

  it('splits lines across every chunk boundary, keeping multibyte characters whole', () => {
    const bytes = enc.encode(TEXT);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const s = new LogLineSplitter();
      const lines = [...s.push(bytes.subarray(0, cut)), ...s.push(bytes.subarray(cut))];
      expect(lines, `cut at ${cut}`).toEqual(LINES);
      expect(s.flush(), `cut at ${cut}`).toEqual(['last without newline']);
      expect(s.flush()).toEqual([]);
    }
  });

  it('cuts a line longer than the limit into pieces of the limit', () => {
    const s = new LogLineSplitter(10);
    // A full buffer is cut only when more bytes come: a line of exactly the limit stays one line.
    expect(s.push(enc.encode('0123456789abcdefghij'))).toEqual(['0123456789']);
    expect(s.push(enc.encode('xy\n'))).toEqual(['abcdefghij', 'xy']);
    expect(s.push(enc.encode('12345'))).toEqual([]);
    expect(s.push(enc.encode('67890\n'))).toEqual(['1234567890']);
  });
});
