import { describe, expect, it } from 'vitest';
import { thrown } from './thrown.js';
import { parseCli } from '../../src/cli/args.js';
import { UsageError } from '../../src/config/config-error.js';

const usageError = (argv: string[]): UsageError => thrown(() => parseCli(argv), UsageError, `parseCli accepted ${argv.join(' ')}`);

describe('parseCli', () => {
  it('no command opens the cockpit', () => {
    expect(parseCli([])).toEqual({
      command: 'tui',
      config: undefined,
      json: false,
      host: undefined,
      bizline: undefined,
      since: undefined,
      target: undefined,
      readOnly: false,
      help: false,
      version: false,
      dryRun: false,
      yes: false,
    });
    expect(parseCli(['--config', 'fleet.yaml'])).toMatchObject({ command: 'tui', config: 'fleet.yaml' });
    expect(parseCli(['-c', 'f.yaml', 'tui'])).toMatchObject({ command: 'tui', config: 'f.yaml' });
  });

  it('hosts [--json]', () => {
    expect(parseCli(['hosts'])).toMatchObject({ command: 'hosts', json: false });
    expect(parseCli(['hosts', '--json'])).toMatchObject({ command: 'hosts', json: true });
    expect(parseCli(['--json', 'hosts'])).toMatchObject({ command: 'hosts', json: true });
  });

  it('ps [--json] [--host H] [--bizline L]', () => {
    expect(parseCli(['ps', '--json', '--host', 'h1', '--bizline', 'pay'])).toEqual({
      command: 'ps',
      config: undefined,
      json: true,
      host: 'h1',
      bizline: 'pay',
      since: undefined,
      target: undefined,
      readOnly: false,
      help: false,
      version: false,
      dryRun: false,
      yes: false,
    });
    expect(parseCli(['ps', '--host=h2'])).toMatchObject({ command: 'ps', host: 'h2', json: false });
  });

  it('--help, -h and --version', () => {
    expect(parseCli(['-h'])).toMatchObject({ help: true });
    expect(parseCli(['ps', '--help'])).toMatchObject({ command: 'ps', help: true });
    expect(parseCli(['--version'])).toMatchObject({ version: true });
  });

  it('--json on the cockpit is refused', () => {
    expect(usageError(['--json']).message).toBe('--json does not apply to the cockpit');
  });

  it('options of another command are refused', () => {
    expect(usageError(['hosts', '--host', 'h1']).message).toBe('--host does not apply to "hosts"');
    expect(usageError(['--bizline', 'pay']).message).toBe('--bizline does not apply to the cockpit');
  });

  it('unknown option', () => {
    expect(usageError(['ps', '--all']).message).toMatch(/Unknown option '--all'/);
  });

  it('missing option value', () => {
    expect(usageError(['ps', '--host']).message).toMatch(/--host/);
  });

  it('unknown command', () => {
    expect(usageError(['bogus']).message).toBe('unknown command "bogus"');
  });

  it('extra positional', () => {
    expect(usageError(['ps', 'web']).message).toBe('unexpected argument "web"');
    expect(usageError(['hosts', 'a', 'b']).message).toBe('unexpected argument "a"');
  });

  it('lines [--json]', () => {
    expect(parseCli(['lines'])).toMatchObject({ command: 'lines', json: false });
    expect(parseCli(['lines', '--json'])).toMatchObject({ command: 'lines', json: true });
    expect(usageError(['lines', '--host', 'h1']).message).toBe('--host does not apply to "lines"');
  });

  it('inspect NAME [--json] [--host H]', () => {
    expect(parseCli(['inspect', 'web-1'])).toMatchObject({ command: 'inspect', target: 'web-1', json: false, host: undefined });
    expect(parseCli(['inspect', '--json', 'web-1', '--host', 'h2'])).toMatchObject({ command: 'inspect', target: 'web-1', json: true, host: 'h2' });
    expect(parseCli(['inspect', '3f2a9c1b'])).toMatchObject({ target: '3f2a9c1b' });
    expect(usageError(['inspect']).message).toBe('inspect needs a container name (or ID)');
    expect(usageError(['inspect', 'a', 'b']).message).toBe('unexpected argument "b"');
    expect(usageError(['inspect', 'a', '--bizline', 'pay']).message).toBe('--bizline does not apply to "inspect"');
    // --help needs no name.
    expect(parseCli(['inspect', '--help'])).toMatchObject({ command: 'inspect', help: true, target: undefined });
  });

  it('a name only goes with inspect', () => {
    expect(usageError(['lines', 'pay']).message).toBe('unexpected argument "pay"');
    expect(usageError(['events', 'web']).message).toBe('unexpected argument "web"');
  });

  it('events [--json] [--since D]', () => {
    expect(parseCli(['events'])).toMatchObject({ command: 'events', since: undefined, json: false });
    expect(parseCli(['events', '--since', '10m'])).toMatchObject({ command: 'events', since: '10m' });
    expect(parseCli(['events', '--since=2026-11-25T10:00:00Z', '--json'])).toMatchObject({ since: '2026-11-25T10:00:00Z', json: true });
    expect(usageError(['events', '--since']).message).toMatch(/--since/);
    expect(usageError(['ps', '--since', '10m']).message).toBe('--since does not apply to "ps"');
    expect(usageError(['--since', '10m']).message).toBe('--since does not apply to the cockpit');
  });

  it('top [--json] [--host H] [--bizline L]', () => {
    expect(parseCli(['top'])).toMatchObject({ command: 'top', json: false });
    expect(parseCli(['top', '--json', '--host', 'h1', '--bizline', 'pay'])).toMatchObject({ command: 'top', json: true, host: 'h1', bizline: 'pay' });
    expect(usageError(['top', '--since', '1m']).message).toBe('--since does not apply to "top"');
  });

  it('--read-only is for the cockpit only', () => {
    expect(parseCli(['--read-only'])).toMatchObject({ command: 'tui', readOnly: true });
    expect(parseCli(['tui', '--read-only', '-c', 'f.yaml'])).toMatchObject({ command: 'tui', readOnly: true, config: 'f.yaml' });
    expect(parseCli([])).toMatchObject({ readOnly: false });
    for (const command of ['hosts', 'ps', 'lines', 'events', 'top']) {
      expect(usageError([command, '--read-only']).message).toBe(`--read-only does not apply to "${command}"`);
    }
    expect(usageError(['inspect', 'web', '--read-only']).message).toBe('--read-only does not apply to "inspect"');
  });
});

describe('parseCli: state and audit (issue 11)', () => {
  it('state show | init | copy | prune, audit', () => {
    expect(parseCli(['state', 'show', '--json'])).toMatchObject({ command: 'state-show', json: true });
    expect(parseCli(['state', 'init', '--group', 'ops'])).toMatchObject({ command: 'state-init', group: 'ops' });
    expect(parseCli(['state', 'copy', '--to', 'etcd://a:2379/p', '--force'])).toMatchObject({ command: 'state-copy', stateTo: 'etcd://a:2379/p', force: true });
    expect(parseCli(['state', 'prune'])).toMatchObject({ command: 'state-prune' });
    expect(parseCli(['audit', '--since', '10m', '--json'])).toMatchObject({ command: 'audit', since: '10m', json: true });
  });

  it('refuses what does not apply', () => {
    expect(usageError(['state', 'copy']).message).toContain('state copy needs --to');
    expect(usageError(['state']).message).toContain('state needs a subcommand');
    expect(usageError(['state', 'init', '--force']).message).toContain('--force does not apply');
    expect(usageError(['audit', '--group', 'x']).message).toContain('--group does not apply');
  });
});
