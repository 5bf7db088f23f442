import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { UsageError } from '../../src/config/config-error.js';

// Issue 4: `dockpit network ensure` (two words) and `dockpit run … IMAGE [COMMAND…]`.

function usageError(argv: string[]): string {
  try {
    parseCli(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`parseCli accepted ${argv.join(' ')}`);
}

describe('network ensure', () => {
  it('[--host H] [--pool P] [--json]', () => {
    expect(parseCli(['network', 'ensure'])).toMatchObject({ command: 'network-ensure', host: undefined, pool: undefined, json: false });
    expect(parseCli(['network', '--json', 'ensure', '--host', 'h1', '--pool=lan'])).toMatchObject({ command: 'network-ensure', host: 'h1', pool: 'lan', json: true });
  });

  it('is two words; its options are its own', () => {
    expect(usageError(['network'])).toBe('network needs a subcommand: network ensure');
    expect(usageError(['network', 'create'])).toBe('unknown command "network create" (expected network ensure)');
    expect(usageError(['network', 'ensure', 'biz'])).toBe('unexpected argument "biz"');
    expect(usageError(['network', 'ensure', '--bizline', 'x'])).toBe('--bizline does not apply to "network ensure"');
    expect(usageError(['ps', '--pool', 'lan'])).toBe('--pool does not apply to "ps"');
    expect(usageError(['ensure'])).toBe('unknown command "ensure"');
  });
});

describe('run', () => {
  it('every option, repeated --env, then IMAGE and its command verbatim (options after IMAGE are the command’s)', () => {
    const a = parseCli([
      '-c', 'f.yaml', 'run', '--name', 'web-1', '--line', 'news', '--host', 'h2', '--env', 'A=1', '--env=B=2', '--cpus', '0.5',
      '--memory', '256m', '--restart', 'always', '--dry-run', '--json', 'busybox', 'sh', '-c', 'echo hi', '--name', 'x', '--json',
    ]);
    expect(a).toMatchObject({ command: 'run', config: 'f.yaml', host: 'h2', json: true });
    expect(a.run).toEqual({
      name: 'web-1', line: 'news', env: ['A=1', 'B=2'], cpus: '0.5', memory: '256m', restart: 'always', dryRun: true,
      image: 'busybox', cmd: ['sh', '-c', 'echo hi', '--name', 'x', '--json'],
    });
  });

  it('`--` before IMAGE is allowed; no command keeps the image’s', () => {
    expect(parseCli(['run', '--name', 'a1', '--line', 'l', '--', 'img']).run).toMatchObject({ image: 'img', cmd: [] });
    expect(parseCli(['run', '--name', 'a1', '--line', 'l', 'img']).run).toMatchObject({ image: 'img', cmd: [], env: [], dryRun: false });
  });

  it('no IMAGE leaves it for parseRunSpec; options of other commands are refused', () => {
    expect(parseCli(['run', '--name', 'a1']).run).toMatchObject({ image: undefined, cmd: [] });
    expect(usageError(['run', '--bizline', 'x', 'img'])).toBe('--bizline does not apply to "run"');
    expect(usageError(['run', '--pool', 'lan', 'img'])).toBe('--pool does not apply to "run"');
    expect(usageError(['ps', '--name', 'x'])).toBe('--name does not apply to "ps"');
    expect(usageError(['--dry-run'])).toBe('--dry-run does not apply to the cockpit');
    expect(usageError(['run', '--nope', 'img'])).toMatch(/Unknown option '--nope'/);
  });

  it('other commands have no run arguments', () => {
    expect(parseCli(['ps']).run).toBeUndefined();
  });
});
