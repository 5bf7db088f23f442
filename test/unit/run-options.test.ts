import { describe, expect, it } from 'vitest';
import { containerCreateBody, parseCpus, parseEnv, parseMemory, parseRestart, parseRunSpec } from '../../src/cli/run-options.js';
import { UsageError } from '../../src/config/config-error.js';
import type { PlacementDecision } from '../../src/pool/place.js';

// `dockpit run` option values: exact conversions, and a clear usage error (exit 2) for each bad one.

function usage(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('run options', () => {
  it.each([
    ['256m', 256 * 2 ** 20],
    ['1g', 2 ** 30],
    ['1.5g', 1.5 * 2 ** 30],
    ['512MiB', 512 * 2 ** 20],
    ['1GB', 2 ** 30],
    ['6m', 6 * 2 ** 20],
    ['8192k', 8 * 2 ** 20],
    ['10485760', 10 * 2 ** 20],
    ['10485760b', 10 * 2 ** 20],
  ])('--memory %s = %d bytes', (text, bytes) => {
    expect(parseMemory(text)).toBe(bytes);
  });

  it('bad --memory values', () => {
    expect(usage(() => parseMemory('lots'))).toBe('--memory lots: expected a size like 256m, 1g or 512MiB');
    expect(usage(() => parseMemory('1x'))).toBe('--memory 1x: expected a size like 256m, 1g or 512MiB');
    expect(usage(() => parseMemory('-1g'))).toBe('--memory -1g: expected a size like 256m, 1g or 512MiB');
    expect(usage(() => parseMemory('4m'))).toBe("--memory 4m: below the engine's minimum of 6MiB");
  });

  it('--cpus', () => {
    expect(parseCpus('1.5')).toBe(1_500_000_000);
    expect(parseCpus('0.25')).toBe(250_000_000);
    expect(parseCpus('2')).toBe(2_000_000_000);
    expect(usage(() => parseCpus('0'))).toBe('--cpus 0: expected more than 0');
    expect(usage(() => parseCpus('two'))).toBe('--cpus two: expected a number of CPUs like 0.5 or 2');
    expect(usage(() => parseCpus('-1'))).toBe('--cpus -1: expected a number of CPUs like 0.5 or 2');
  });

  it('--env KEY=VALUE', () => {
    expect(parseEnv('A=1')).toBe('A=1');
    expect(parseEnv('URL=a=b')).toBe('URL=a=b');
    expect(parseEnv('EMPTY=')).toBe('EMPTY=');
    expect(usage(() => parseEnv('NOVALUE'))).toBe('--env NOVALUE: expected KEY=VALUE');
    expect(usage(() => parseEnv('=x'))).toBe('--env =x: expected KEY=VALUE');
    expect(usage(() => parseEnv('A B=x'))).toBe('--env A B=x: expected KEY=VALUE');
  });

  it('--restart', () => {
    expect(parseRestart('always')).toEqual({ Name: 'always', MaximumRetryCount: 0 });
    expect(parseRestart('on-failure:3')).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect(parseRestart('unless-stopped')).toEqual({ Name: 'unless-stopped', MaximumRetryCount: 0 });
    expect(usage(() => parseRestart('sometimes'))).toBe('--restart sometimes: expected no, always, unless-stopped, on-failure or on-failure:N');
    expect(usage(() => parseRestart('always:3'))).toBe('--restart always:3: expected no, always, unless-stopped, on-failure or on-failure:N');
  });

  it('parseRunSpec needs a name the engine accepts, a line and an image', () => {
    const base = { env: [], cmd: [], dryRun: false };
    expect(usage(() => parseRunSpec({ ...base, line: 'news', image: 'x' }))).toBe('run needs --name NAME');
    expect(usage(() => parseRunSpec({ ...base, name: 'a', line: 'news', image: 'x' }))).toMatch(/^--name a: expected letters/);
    expect(usage(() => parseRunSpec({ ...base, name: 'we/b', line: 'news', image: 'x' }))).toMatch(/^--name we\/b: /);
    expect(usage(() => parseRunSpec({ ...base, name: 'web', image: 'x' }))).toBe('run needs --line LINE');
    expect(usage(() => parseRunSpec({ ...base, name: 'web', line: 'news' }))).toBe('run needs an IMAGE');
    expect(parseRunSpec({ ...base, name: 'web-1', line: 'news', image: 'busybox', cmd: ['sleep', '1'], env: ['A=1'], cpus: '0.5', memory: '64m', restart: 'always' })).toEqual({
      name: 'web-1', line: 'news', image: 'busybox', cmd: ['sleep', '1'], env: ['A=1'], nanoCpus: 500_000_000, memoryBytes: 64 * 2 ** 20,
      restart: { Name: 'always', MaximumRetryCount: 0 }, dryRun: false,
    });
  });

  it('the create body: labels, limits, restart policy, and the pool network with the static address', () => {
    const d: PlacementDecision = { name: 'web-1', line: 'news', tier: 1, host: 'h2', ip: '10.88.1.7', pool: 'lan', network: 'biz', labels: { 'dockpit.bizline': 'news', 'dockpit.tier': '1' }, reused: false, why: '' };
    const spec = parseRunSpec({ name: 'web-1', line: 'news', image: 'busybox', cmd: ['sleep', '9'], env: ['A=1'], cpus: '1.5', memory: '64m', restart: 'on-failure:2', dryRun: false });
    expect(containerCreateBody(d, spec)).toEqual({
      name: 'web-1',
      Image: 'busybox',
      Cmd: ['sleep', '9'],
      Env: ['A=1'],
      Labels: { 'dockpit.bizline': 'news', 'dockpit.tier': '1' },
      HostConfig: { NetworkMode: 'biz', NanoCpus: 1_500_000_000, Memory: 64 * 2 ** 20, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } },
      NetworkingConfig: { EndpointsConfig: { biz: { IPAMConfig: { IPv4Address: '10.88.1.7' } } } },
    });
    // No command: the image's own; no limits: none set.
    const bare = containerCreateBody(d, parseRunSpec({ name: 'web-1', line: 'news', image: 'busybox', cmd: [], env: [], dryRun: false }));
    expect(bare).not.toHaveProperty('Cmd');
    expect(bare.HostConfig).toEqual({ NetworkMode: 'biz' });
  });
});
