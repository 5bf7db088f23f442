import { describe, expect, it } from 'vitest';
import { thrown } from './thrown.js';
import { parseCli, USAGE } from '../../src/cli/args.js';
import { UsageError } from '../../src/config/config-error.js';
import { moveOptions, parallelOf } from '../../src/cli/move-options.js';
import type { FleetConfig } from '../../src/config/types.js';

const usageError = (argv: string[]): UsageError => thrown(() => parseCli(argv), UsageError, `parseCli accepted ${argv.join(' ')}`);

const CONFIG = { hosts: [{ name: 'h1' }, { name: 'h2' }, { name: 'h3' }], registry: 'reg.lan:5000' } as unknown as FleetConfig;

describe('parseCli: migrate / evacuate / migration', () => {
  it('migrate NAME --to HOST with its options', () => {
    expect(parseCli(['migrate', 'web-1', '--to', 'h2', '--yes', '--json'])).toMatchObject({
      command: 'migrate', target: 'web-1', yes: true, json: true, dryRun: false,
      move: { to: ['h2'], leaveData: false, keepSource: false },
    });
    const a = parseCli(['migrate', 'web-1', '--to', 'h2', '--from', 'h1', '--dry-run', '--leave-data', '--keep-source', '--fenced', 'h1', '--gate-seconds', '7']);
    expect(a).toMatchObject({ dryRun: true, move: { to: ['h2'], from: 'h1', leaveData: true, keepSource: true, fenced: 'h1', gateSeconds: '7' } });
  });

  it('evacuate HOST, --to as a comma list, --parallel and --plan', () => {
    expect(parseCli(['evacuate', 'h1', '--to', 'h2, h3', '--parallel', '8', '--plan', 'double11'])).toMatchObject({
      command: 'evacuate', target: 'h1', move: { to: ['h2', 'h3'], parallel: '8', plan: 'double11' },
    });
    expect(parseCli(['evacuate', 'h1']).move?.to).toEqual([]);
  });

  it('migration resume | status RUN_ID, migration runs', () => {
    expect(parseCli(['migration', 'resume', 'r1', '--json'])).toMatchObject({ command: 'migration-resume', target: 'r1', json: true });
    expect(parseCli(['migration', 'status', 'r1'])).toMatchObject({ command: 'migration-status', target: 'r1' });
    expect(parseCli(['migration', 'runs'])).toMatchObject({ command: 'migration-runs' });
  });

  it('refuses a missing name or host, foreign options and extra arguments', () => {
    expect(usageError(['migrate']).message).toBe('migrate needs a container name');
    expect(usageError(['evacuate']).message).toBe('evacuate needs a host name');
    expect(usageError(['migration', 'resume']).message).toBe('migration resume needs a run id (migration runs lists them)');
    expect(usageError(['migrate', 'a', '--to', 'h2', '--parallel', '2']).message).toBe('--parallel does not apply to "migrate"');
    expect(usageError(['ps', '--to', 'h2']).message).toBe('--to does not apply to "ps"');
    expect(usageError(['migrate', 'a', 'b']).message).toBe('unexpected argument "b"');
  });

  it('the help lists them', () => {
    expect(USAGE).toMatch(/migrate NAME --to HOST/);
    expect(USAGE).toMatch(/evacuate HOST/);
    expect(USAGE).toMatch(/migration resume RUN_ID/);
  });
});

describe('moveOptions: checked against the config before anything is contacted', () => {
  const args = { to: ['h2'], leaveData: false, keepSource: true };
  it('takes the flags and the config registry', () => {
    expect(moveOptions(CONFIG, { ...args, gateSeconds: '9' })).toEqual({
      leaveData: false, keepSource: true, fenced: false, gateSeconds: 9, gateTimeoutSeconds: 60, registry: 'reg.lan:5000',
    });
    expect(parallelOf({ ...args, parallel: '12' })).toBe(12);
    expect(parallelOf(args)).toBe(4);
  });
  it('refuses unknown hosts and bad numbers', () => {
    const bad = (f: () => unknown) => thrown(f, UsageError, 'accepted').message;
    expect(bad(() => moveOptions(CONFIG, { ...args, to: ['h9'] }))).toBe('--to h9: no such host (hosts: h1, h2, h3)');
    expect(bad(() => moveOptions(CONFIG, { ...args, fenced: 'x' }))).toBe('--fenced x: no such host (hosts: h1, h2, h3)');
    expect(bad(() => moveOptions(CONFIG, { ...args, gateSeconds: '0' }))).toBe('--gate-seconds 0: expected a whole number from 1 to 3600');
    expect(bad(() => moveOptions(CONFIG, { ...args, gateSeconds: '1.5' }))).toBe('--gate-seconds 1.5: expected a whole number from 1 to 3600');
    expect(bad(() => parallelOf({ ...args, parallel: '100' }))).toBe('--parallel 100: expected a whole number from 1 to 64');
  });
});
