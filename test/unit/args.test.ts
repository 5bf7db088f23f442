import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { UsageError } from '../../src/config/config-error.js';

function usageError(argv: string[]): UsageError {
  try {
    parseCli(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error(`parseCli accepted ${argv.join(' ')}`);
}

describe('parseCli', () => {
  it('no command opens the cockpit', () => {
    expect(parseCli([])).toEqual({
      command: 'tui',
      config: undefined,
      json: false,
      host: undefined,
      bizline: undefined,
      help: false,
      version: false,
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
      help: false,
      version: false,
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
    expect(usageError(['top']).message).toBe('unknown command "top"');
  });

  it('extra positional', () => {
    expect(usageError(['ps', 'web']).message).toBe('unexpected argument "web"');
    expect(usageError(['hosts', 'a', 'b']).message).toBe('unexpected argument "a"');
  });
});
