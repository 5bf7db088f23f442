import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';

describe('parseCli: watch (issue 15)', () => {
  it('watch [--metrics ADDR] [--per-container-metrics] [--json]', () => {
    expect(parseCli(['watch'])).toMatchObject({ command: 'watch', json: false });
    expect(parseCli(['watch', '--metrics', '127.0.0.1:9323', '--per-container-metrics', '--json'])).toMatchObject({
      command: 'watch',
      metrics: '127.0.0.1:9323',
      perContainerMetrics: true,
      json: true,
    });
    expect(parseCli(['watch', '--metrics', '[::1]:9323']).metrics).toBe('[::1]:9323');
  });

  it('refuses a metrics address that is not HOST:PORT, and the options elsewhere', () => {
    expect(() => parseCli(['watch', '--metrics', '9323'])).toThrow(/--metrics 9323: expected HOST:PORT/);
    expect(() => parseCli(['ps', '--metrics', '127.0.0.1:9323'])).toThrow(/--metrics does not apply to "ps"/);
    expect(() => parseCli(['--per-container-metrics'])).toThrow(/does not apply to the cockpit/);
  });
});
