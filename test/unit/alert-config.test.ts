import { describe, expect, it } from 'vitest';
import { defaultAlertsConfig } from '../../src/alerts/rules-config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfig } from '../../src/config/load-config.js';
import { thrown } from './thrown.js';

// Issue 15, item 2: `alerts:` in the config. Bad rule config is a ConfigError (the CLI's exit 2) pointing
// at the line of the field.

const file = '/etc/dockpit/dockpit.yaml';
const yaml = (...lines: string[]) => ['hosts:', '  - name: h1', '    url: tcp://10.0.0.1:2375', ...lines].join('\n') + '\n';
const configError = (text: string): ConfigError => thrown(() => parseConfig(text, file), ConfigError, 'parseConfig accepted the config');

describe('alerts config: defaults and tuning', () => {
  it('without `alerts:` every rule is on with its defaults, no sinks', () => {
    const cfg = parseConfig(yaml(), file);
    expect(cfg.alerts).toEqual(defaultAlertsConfig());
    expect(cfg.alerts.ackForMs).toBe(3_600_000);
    expect(cfg.alerts.evaluateEveryMs).toBe(1000);
    expect(cfg.alerts.rules.restartLoop).toMatchObject({ enabled: true, restarts: 5, withinMs: 300_000, severity: 'critical' });
    expect(cfg.alerts.rules.lineDegraded).toMatchObject({ below: 0.5, forMs: 30_000, clearMs: 30_000 });
    expect(cfg.alerts.sinks).toEqual({});
  });

  it("takes the issue's example shape, switches rules off two ways and tunes thresholds", () => {
    const cfg = parseConfig(
      yaml(
        'alerts:',
        '  ackFor: 30m',
        '  evaluateEvery: 500ms',
        '  sinks:',
        '    alertmanager: { url: http://127.0.0.1:9093/ }',
        '    zabbix: { server: 127.0.0.1:10051, host: dockpit }',
        '    webhook: { url: http://127.0.0.1:8080/hook, retries: 5 }',
        '  rules:',
        '    restartLoop: { restarts: 3, within: 2m, severity: critical }',
        '    hostDown: { for: 10s, severity: critical, labels: { team: ops } }',
        '    lineDegraded: { below: 0.5, for: 30s, severity: warning, tiers: { 0: 0.9, 1: 0.75 }, clear: 1m }',
        '    liveRestoreOff: off',
        '    runFailed: { enabled: false }',
        '    containerMemory: { above: 0.8 }',
        '    containerCpu: { above: 150 }',
        '    engineSlow: { latency: 1500ms }',
        '    oomKilled: { clearAfter: 10m }',
      ),
      file,
    );
    const a = cfg.alerts;
    expect(a.ackForMs).toBe(1_800_000);
    expect(a.evaluateEveryMs).toBe(500);
    expect(a.sinks).toEqual({
      alertmanager: { url: 'http://127.0.0.1:9093', resendMs: 60_000 },
      zabbix: { server: '127.0.0.1:10051', serverHost: '127.0.0.1', serverPort: 10051, host: 'dockpit', everyMs: 30_000 },
      webhook: { url: 'http://127.0.0.1:8080/hook', queue: 1000, retries: 5, timeoutMs: 5000 },
    });
    expect(a.rules.restartLoop).toMatchObject({ restarts: 3, withinMs: 120_000, severity: 'critical', enabled: true });
    expect(a.rules.hostDown).toMatchObject({ forMs: 10_000, labels: { team: 'ops' } });
    expect(a.rules.lineDegraded).toMatchObject({ below: 0.5, forMs: 30_000, clearMs: 60_000, tiers: { 0: 0.9, 1: 0.75 } });
    expect(a.rules.liveRestoreOff.enabled).toBe(false);
    expect(a.rules.runFailed.enabled).toBe(false);
    expect(a.rules.containerMemory.above).toBe(0.8);
    expect(a.rules.containerCpu.above).toBe(150);
    expect(a.rules.engineSlow.latencyMs).toBe(1500);
    expect(a.rules.oomKilled.clearAfterMs).toBe(600_000);
    expect(a.rules.unhealthy).toEqual(defaultAlertsConfig().rules.unhealthy);
  });
});

describe('alerts config: bad rule config says file:line and the field', () => {
  it('a bad duration', () => {
    const err = configError(yaml('alerts:', '  rules:', '    hostDown:', '      for: 10 seconds'));
    expect(err.line).toBe(7);
    expect(err.field).toBe('alerts.rules.hostDown.for');
    expect(err.toString()).toBe(`${file}:7: alerts.rules.hostDown.for: expected a duration such as 500ms, 10s, 2m or 1h`);
  });

  it('an unknown rule key', () => {
    const err = configError(yaml('alerts:', '  rules:', '    hostDown: { for: 10s }', '    restartLoops: { restarts: 3 }'));
    expect(err.line).toBe(7);
    expect(err.message).toBe('unknown field "restartLoops"');
    expect(err.toString()).toMatch(/^\/etc\/dockpit\/dockpit\.yaml:7: alerts\.rules: unknown field "restartLoops"$/);
  });

  it('an unknown field of a rule', () => {
    const err = configError(yaml('alerts:', '  rules:', '    restartLoop:', '      restarts: 3', '      window: 2m'));
    expect(err.line).toBe(8);
    expect(err.message).toBe('unknown field "window"');
  });

  it('a share out of range (schema)', () => {
    const err = configError(yaml('alerts:', '  rules:', '    lineDegraded:', '      for: 30s', '      below: 1.5'));
    expect(err.line).toBe(8);
    expect(err.toString()).toBe(`${file}:8: alerts.rules.lineDegraded.below: expected a share from 0 to 1`);
  });

  it('a per-tier share out of range', () => {
    const err = configError(yaml('alerts:', '  rules:', '    lineDegraded:', '      tiers:', '        0: 2'));
    expect(err.line).toBe(8);
    expect(err.field).toBe('alerts.rules.lineDegraded.tiers.0');
  });

  it('a memory threshold of 1 or more (resolved after the schema, still pointed at)', () => {
    const err = configError(yaml('alerts:', '  rules:', '    containerMemory:', '      severity: critical', '      above: 1'));
    expect(err.line).toBe(8);
    expect(err.toString()).toBe(`${file}:8: alerts.rules.containerMemory.above: expected a share of the memory limit between 0 and 1 (0.9 = 90 %)`);
  });

  it('too few restarts, a zero window, a bad severity, a label the rule sets itself', () => {
    expect(configError(yaml('alerts:', '  rules:', '    restartLoop: { restarts: 1 }')).toString()).toBe(`${file}:6: alerts.rules.restartLoop.restarts: expected at least 2 restarts`);
    expect(configError(yaml('alerts:', '  rules:', '    restartLoop:', '      within: 0s')).toString()).toBe(`${file}:7: alerts.rules.restartLoop.within: expected a window longer than 0`);
    expect(configError(yaml('alerts:', '  rules:', '    unhealthy: { severity: page }')).line).toBe(6);
    expect(configError(yaml('alerts:', '  rules:', '    unhealthy:', '      labels:', '        host: x')).toString()).toBe(
      `${file}:8: alerts.rules.unhealthy.labels.host: label "host" is set by the rule itself`,
    );
  });

  it("the sinks' shape: a bad URL, a server without a port, a zero queue, an evaluation too often", () => {
    expect(configError(yaml('alerts:', '  sinks:', '    alertmanager: { url: 127.0.0.1:9093 }')).field).toBe('alerts.sinks.alertmanager.url');
    expect(configError(yaml('alerts:', '  sinks:', '    zabbix:', '      server: zabbix.example', '      host: dockpit')).line).toBe(7);
    expect(configError(yaml('alerts:', '  sinks:', '    webhook: { url: http://x/hook, queue: 0 }')).message).toBe('expected a queue of at least 1');
    expect(configError(yaml('alerts:', '  evaluateEvery: 10ms')).toString()).toBe(`${file}:5: alerts.evaluateEvery: expected a period of at least 100ms`);
  });
});
