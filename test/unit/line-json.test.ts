import { describe, expect, it, vi } from 'vitest';
import { LineJsonDecoder } from '../../src/engine/line-json.js';

vi.mock('react', () => {
  throw new Error('the engine must not import react');
});

const enc = new TextEncoder();

const EVENTS = [
  { Type: 'container', Action: 'start', Actor: { ID: 'abc', Attributes: { name: 'café-☕' } }, timeNano: 1 },
  { Type: 'container', Action: 'die', Actor: { ID: 'def', Attributes: { name: '日本語😀' } }, timeNano: 2 },
];
const STREAM = EVENTS.map((e) => JSON.stringify(e)).join('\n') + '\n';

describe('LineJsonDecoder', () => {
  it('decodes a stream split into two chunks at every byte offset', () => {
    const bytes = enc.encode(STREAM);
    expect(bytes.length).toBeGreaterThan(STREAM.length); // multibyte characters present
    for (let cut = 0; cut <= bytes.length; cut++) {
      const d = new LineJsonDecoder();
      const a = d.push(bytes.subarray(0, cut));
      const b = d.push(bytes.subarray(cut));
      expect([...a.values, ...b.values], `cut at ${cut}`).toEqual(EVENTS);
      expect([...a.bad, ...b.bad], `cut at ${cut}`).toEqual([]);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const d = new LineJsonDecoder();
    const values: unknown[] = [];
    for (const byte of enc.encode(STREAM)) values.push(...d.push(Uint8Array.of(byte)).values);
    expect(values).toEqual(EVENTS);
  });

  it('returns a value only once its newline arrives', () => {
    const d = new LineJsonDecoder();
    expect(d.push('{"a":1}')).toEqual({ values: [], bad: [] });
    expect(d.push('\n')).toEqual({ values: [{ a: 1 }], bad: [] });
  });

  it('returns several objects of one chunk in order, skipping blank and CRLF lines', () => {
    const d = new LineJsonDecoder();
    expect(d.push('{"a":1}\r\n\n  \n{"b":2}\n[3]\n{"c"')).toEqual({ values: [{ a: 1 }, { b: 2 }, [3]], bad: [] });
    expect(d.push(':4}\n')).toEqual({ values: [{ c: 4 }], bad: [] });
  });

  it('reports a bad line and keeps parsing the following lines', () => {
    const d = new LineJsonDecoder();
    expect(d.push('{"a":1}\n{"b":\n{"c":3}\n')).toEqual({ values: [{ a: 1 }, { c: 3 }], bad: ['{"b":'] });
    expect(d.push('{"d":4}\n')).toEqual({ values: [{ d: 4 }], bad: [] });
  });

  it('cuts a reported bad line to 200 characters', () => {
    const d = new LineJsonDecoder();
    const junk = 'x'.repeat(500);
    expect(d.push(`${junk}\n`).bad).toEqual(['x'.repeat(200)]);
  });

  it('drops an over-long unfinished line, reports it, and decodes the lines after it', () => {
    const d = new LineJsonDecoder(64);
    const long = `{"pad":"${'y'.repeat(100)}`;
    expect(d.push(long)).toEqual({ values: [], bad: [long.slice(0, 200)] });
    const after = d.push('"}\n{"ok":true}\n');
    expect(after.values).toEqual([{ ok: true }]);
  });

  it('keeps a line just under the limit', () => {
    const d = new LineJsonDecoder(64);
    const line = JSON.stringify({ pad: 'z'.repeat(50) });
    expect(line.length).toBeLessThanOrEqual(64);
    expect(d.push(line)).toEqual({ values: [], bad: [] });
    expect(d.push('\n').values).toEqual([{ pad: 'z'.repeat(50) }]);
  });
});
