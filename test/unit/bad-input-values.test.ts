import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireLine } from '../../src/app/require-line.js';
import { MAX_NAME_LENGTH, parseRunSpec } from '../../src/app/run-spec.js';
import { eventJson } from '../../src/cli/commands/events.js';
import { fencedButUp } from '../../src/cli/move-options.js';
import { UsageError } from '../../src/config/config-error.js';
import { engineUrlProblem } from '../../src/config/engine-url.js';
import { localEngineConfig } from '../../src/config/locate-config.js';
import { parseCpus } from '../../src/config/resource-values.js';
import { toTimelineRecord, type EngineEvent } from '../../src/engine/engine-event.js';
import { LineJsonDecoder } from '../../src/engine/line-json.js';
import { thrown } from './thrown.js';

// Issue 17, item 6: values a new user typed that passed validation and failed deep inside, or were lost.

const usage = (fn: () => unknown): string => thrown(fn, UsageError, 'accepted').message;
const runArgs = (name: string) => ({ name, line: 'news', env: [], cmd: [], dryRun: true, image: 'busybox' });

describe('run values, checked before any dry run', () => {
  it('--cpus below the engine minimum (0.01: the kernel\'s 1 ms CFS quota in a 100 ms period)', () => {
    expect(usage(() => parseCpus('0.001'))).toBe("--cpus 0.001: below the engine's minimum of 0.01 CPUs");
    expect(usage(() => parseCpus('0.0099'))).toBe("--cpus 0.0099: below the engine's minimum of 0.01 CPUs");
    expect(parseCpus('0.01')).toBe(10_000_000);
  });

  it(`container names: the engine's pattern, and at most ${MAX_NAME_LENGTH} characters (a file name in the state)`, () => {
    expect(parseRunSpec(runArgs('a'.repeat(MAX_NAME_LENGTH))).name).toHaveLength(128);
    expect(usage(() => parseRunSpec(runArgs('a'.repeat(300))))).toBe(`--name: 300 characters, at most 128 (${'a'.repeat(20)}…)`);
    expect(usage(() => parseRunSpec(runArgs('_x')))).toMatch(/^--name _x: expected letters, digits/);
    expect(usage(() => parseRunSpec(runArgs('a/b')))).toMatch(/^--name a\/b: expected letters, digits/);
  });
});

describe('--bizline', () => {
  const config = { lines: { news: { name: 'news', tier: 1, pool: null, hosts: [] } } };
  it('a line of the config, or on a container label, passes', () => {
    expect(() => requireLine(undefined, config, [])).not.toThrow();
    expect(() => requireLine('news', config, [])).not.toThrow();
    expect(() => requireLine('adhoc', config, ['adhoc', null])).not.toThrow();
  });
  it('a line nobody knows is the same error as run --line', () => {
    expect(usage(() => requireLine('nosuch', config, ['adhoc', null]))).toBe('--bizline nosuch: no such line in lines: (news) nor on any container (adhoc)');
    expect(usage(() => requireLine('nosuch', { lines: {} }, []))).toBe('--bizline nosuch: no such line in lines: (none configured) nor on any container (none other)');
  });
});

describe('--fenced of a host that is up', () => {
  it('says it is up and that --fenced is for a down host', () => {
    expect(fencedButUp('h2')).toBe('--fenced h2: h2 is up (its engine answers); --fenced is only for a host that is down: leave it out');
  });
});

describe('engine URLs', () => {
  afterEach(() => vi.unstubAllEnvs());
  it('a scheme with nothing after it says what is missing', () => {
    expect(engineUrlProblem('tcp://')).toBe("tcp:// needs the engine's host and port, e.g. tcp://10.0.0.1:2375");
    expect(engineUrlProblem('unix://')).toBe('unix:// needs the socket path, e.g. unix:///var/run/docker.sock');
    expect(engineUrlProblem('ftp://x')).toBe('expected a URL starting with unix://, tcp://, https:// or ssh://');
    expect(engineUrlProblem('tcp://10.0.0.1:2375')).toBeNull();
  });
  it('DOCKER_HOST= (set but empty) is unset, as for the docker CLI', () => {
    vi.stubEnv('DOCKER_HOST', '');
    vi.stubEnv('DOCKER_CONTEXT', 'default');
    const c = localEngineConfig();
    expect(c.source).toBe('local engine (default socket)');
    expect(c.hosts[0]).toMatchObject({ endpoint: { kind: 'unix', socketPath: '/var/run/docker.sock' } });
  });
  it('DOCKER_HOST=tcp:// says what is missing', () => {
    vi.stubEnv('DOCKER_HOST', 'tcp://');
    expect(() => localEngineConfig()).toThrow("tcp:// needs the engine's host and port, e.g. tcp://10.0.0.1:2375 (from DOCKER_HOST: tcp://)");
  });
});

describe('events: timeNano exact', () => {
  const line = '{"status":"start","id":"abc","Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"web","timeNano":"1"}},"scope":"local","time":1764849600,"timeNano":1764849600123456789}\n';
  it('the decoder keeps the 19 digits a JS number loses', () => {
    const { values } = new LineJsonDecoder(undefined, 'timeNano').push(line);
    const ev = values[0] as EngineEvent;
    expect(String(ev.timeNano)).toBe('1764849600123456800'); // the number is rounded: why the text is kept
    expect(ev.timeNanoText).toBe('1764849600123456789');
    expect(new LineJsonDecoder().push(line).values[0]).not.toHaveProperty('timeNanoText');
  });
  it('events --json prints it as a string, exactly', () => {
    const ev = new LineJsonDecoder(undefined, 'timeNano').push(line).values[0] as EngineEvent;
    const json = eventJson(toTimelineRecord('h1', ev)!);
    expect(json).toEqual({ time: '2025-12-04T12:00:00.123Z', timeNano: '1764849600123456789', host: 'h1', id: 'abc', name: 'web', action: 'start' });
    expect(JSON.parse(JSON.stringify(json)).timeNano).toBe('1764849600123456789');
  });
});
