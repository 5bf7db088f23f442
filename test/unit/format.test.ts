import { describe, expect, it } from 'vitest';
import { fit, formatBool, formatBytes, formatIps, formatLatency, formatPercent, formatRate } from '../../src/render/format.js';

describe('fit', () => {
  it('pads, keeps, or cuts with an ellipsis to exactly the width', () => {
    expect(fit('web', 6)).toBe('web   ');
    expect(fit('web-01', 6)).toBe('web-01');
    expect(fit('web-012', 6)).toBe('web-0…');
    expect(fit('web', 1)).toBe('…');
    expect(fit('w', 1)).toBe('w');
    expect(fit('', 3)).toBe('   ');
    expect(fit('web', 0)).toBe('');
    expect(fit('web', -4)).toBe('');
  });
});

describe('formatLatency', () => {
  it('exact strings', () => {
    expect(formatLatency(null)).toBe('-');
    expect(formatLatency(-1)).toBe('-');
    expect(formatLatency(Number.NaN)).toBe('-');
    expect(formatLatency(Number.POSITIVE_INFINITY)).toBe('-');
    expect(formatLatency(0)).toBe('0.0ms');
    expect(formatLatency(3.25)).toBe('3.3ms');
    expect(formatLatency(9.94)).toBe('9.9ms');
    expect(formatLatency(250)).toBe('250ms');
    expect(formatLatency(9999.4)).toBe('9999ms');
    expect(formatLatency(12000)).toBe('12s');
  });
});

describe('formatIps', () => {
  it('lists ip(network), skipping networks without an address', () => {
    expect(formatIps({ biz: '10.88.1.10', bridge: '', mgmt: '192.168.5.2' })).toBe('10.88.1.10(biz) 192.168.5.2(mgmt)');
    expect(formatIps({ bridge: '' })).toBe('');
    expect(formatIps({})).toBe('');
  });
});

describe('formatBool', () => {
  it('on / off / -', () => {
    expect(formatBool(true)).toBe('on');
    expect(formatBool(false)).toBe('off');
    expect(formatBool(null)).toBe('-');
    expect(formatBool(true, 'yes', 'no')).toBe('yes');
  });
});

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

describe('formatBytes', () => {
  it('nothing to show: -', () => {
    for (const n of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0.5]) {
      expect(formatBytes(n), String(n)).toBe('-');
    }
  });

  it('exact strings: bytes whole, one decimal below 10 of a unit, whole above', () => {
    expect(formatBytes(0)).toBe('0B');
    expect(formatBytes(1)).toBe('1B');
    expect(formatBytes(1023)).toBe('1023B');
    expect(formatBytes(KiB)).toBe('1.0KiB');
    expect(formatBytes(1536)).toBe('1.5KiB');
    expect(formatBytes(10 * KiB)).toBe('10KiB');
    expect(formatBytes(500 * KiB)).toBe('500KiB');
    expect(formatBytes(MiB)).toBe('1.0MiB');
    expect(formatBytes(7.25 * MiB)).toBe('7.3MiB');
    expect(formatBytes(300 * MiB)).toBe('300MiB');
    expect(formatBytes(2.5 * GiB)).toBe('2.5GiB');
    expect(formatBytes(TiB)).toBe('1.0TiB');
    // TiB is the largest unit.
    expect(formatBytes(5000 * TiB)).toBe('5000TiB');
  });

  // Rates are bytes over a measured interval, so fractional: below 1 KiB they show as whole bytes.
  it('fractional bytes are rounded to whole bytes', () => {
    expect(formatBytes(99.70089730807578)).toBe('100B');
    expect(formatBytes(0.4)).toBe('0B');
    expect(formatBytes(1023.4)).toBe('1023B');
  });

  // BUG (reported, minor): rounding can reach the next unit or a third digit: 1 MiB − 1 byte shows '1024KiB',
  // 1023.7 bytes '1024B', 9.99 KiB '10.0KiB' (7 characters in a 7-wide MEM column).
  it('rounding never shows 1024 of a unit, nor 10.0', () => {
    expect(formatBytes(1023.7)).toBe('1.0KiB');
    expect(formatBytes(MiB - 1)).toBe('1.0MiB');
    expect(formatBytes(1023.7 * KiB)).toBe('1.0MiB');
    expect(formatBytes(9.99 * KiB)).toBe('10KiB');
  });
});

describe('formatRate', () => {
  it('bytes per second, or -', () => {
    expect(formatRate(null)).toBe('-');
    expect(formatRate(undefined)).toBe('-');
    expect(formatRate(-3)).toBe('-');
    expect(formatRate(Number.NaN)).toBe('-');
    expect(formatRate(0)).toBe('0B/s');
    expect(formatRate(512)).toBe('512B/s');
    expect(formatRate(2 * KiB)).toBe('2.0KiB/s');
    expect(formatRate(1.5 * MiB)).toBe('1.5MiB/s');
    expect(formatRate(42 * MiB)).toBe('42MiB/s');
  });

  // `ratesBetween` divides by the seconds between two reads.
  it('a fractional rate below 1 KiB/s is whole bytes', () => {
    expect(formatRate(100 / 1.003)).toBe('100B/s');
    expect(formatRate(1 / 3)).toBe('0B/s');
  });
});

describe('formatPercent', () => {
  it('nothing to show: -', () => {
    for (const p of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY, -0.1, -50]) expect(formatPercent(p), String(p)).toBe('-');
  });

  it('exact strings: one decimal below 10, whole above; over 100 (several cores) as is', () => {
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(-0)).toBe('0.0%');
    expect(formatPercent(0.04)).toBe('0.0%');
    expect(formatPercent(5.24)).toBe('5.2%');
    expect(formatPercent(9.94)).toBe('9.9%');
    expect(formatPercent(10)).toBe('10%');
    expect(formatPercent(12.4)).toBe('12%');
    expect(formatPercent(12.5)).toBe('13%');
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(350.6)).toBe('351%');
  });

  // BUG (reported, minor): the same boundary as formatBytes.
  it('9.96 rounds to 10%, not 10.0%', () => {
    expect(formatPercent(9.96)).toBe('10%');
  });
});
