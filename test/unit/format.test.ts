import { describe, expect, it } from 'vitest';
import { fit, formatBool, formatIps, formatLatency } from '../../src/views/format.js';

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
