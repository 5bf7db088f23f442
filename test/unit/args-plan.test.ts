import { describe, expect, it } from 'vitest';
import { thrown } from './thrown.js';
import { parseCli, USAGE } from '../../src/cli/args.js';
import { UsageError } from '../../src/config/config-error.js';

const usageError = (argv: string[]): UsageError => thrown(() => parseCli(argv), UsageError, `parseCli accepted ${argv.join(' ')}`);

describe('parseCli: plan ls / plan show', () => {
  it('plan ls [--json]', () => {
    expect(parseCli(['plan', 'ls'])).toMatchObject({ command: 'plan-ls', json: false, target: undefined });
    expect(parseCli(['--config', 'f.yaml', 'plan', 'ls', '--json'])).toMatchObject({ command: 'plan-ls', json: true, config: 'f.yaml' });
  });

  it('plan apply NAME [--dry-run] [--yes] [--json], restore/resume/status RUN_ID, runs', () => {
    expect(parseCli(['plan', 'apply', 'double11', '--yes', '--json'])).toMatchObject({ command: 'plan-apply', target: 'double11', yes: true, json: true, dryRun: false });
    expect(parseCli(['plan', 'apply', 'double11', '--dry-run'])).toMatchObject({ command: 'plan-apply', dryRun: true, yes: false });
    expect(parseCli(['plan', 'restore', 'r1'])).toMatchObject({ command: 'plan-restore', target: 'r1' });
    expect(parseCli(['plan', 'resume', 'r1', '--json'])).toMatchObject({ command: 'plan-resume', target: 'r1', json: true });
    expect(parseCli(['plan', 'status', 'r1'])).toMatchObject({ command: 'plan-status', target: 'r1' });
    expect(parseCli(['plan', 'runs', '--json'])).toMatchObject({ command: 'plan-runs', json: true });
  });

  it('plan show NAME [--json]', () => {
    expect(parseCli(['plan', 'show', 'double11', '--json'])).toMatchObject({ command: 'plan-show', target: 'double11', json: true });
    expect(parseCli(['plan', '--json', 'show', 'double11'])).toMatchObject({ command: 'plan-show', target: 'double11' });
  });

  it('refuses a missing or unknown subcommand, a missing name, extra arguments and foreign options', () => {
    expect(usageError(['plan']).message).toBe('plan needs a subcommand: plan ls or plan show or plan apply or plan restore or plan resume or plan status or plan runs or plan abandon');
    expect(usageError(['plan', 'apply-now', 'x']).message).toBe('unknown command "plan apply-now" (expected plan ls or plan show or plan apply or plan restore or plan resume or plan status or plan runs or plan abandon)');
    expect(usageError(['plan', 'restore']).message).toBe('plan restore needs a run id (plan runs lists them)');
    expect(usageError(['plan', 'runs', '--yes']).message).toBe('--yes does not apply to "plan runs"');
    expect(usageError(['plan', 'show']).message).toBe('plan show needs a plan name');
    expect(usageError(['plan', 'show', 'a', 'b']).message).toBe('unexpected argument "b"');
    expect(usageError(['plan', 'ls', 'x']).message).toBe('unexpected argument "x"');
    expect(usageError(['plan', 'ls', '--host', 'h1']).message).toBe('--host does not apply to "plan ls"');
    expect(usageError(['plan', 'show', 'p', '--dry-run']).message).toBe('--dry-run does not apply to "plan show"');
  });

  it('network ensure still parses as before', () => {
    expect(parseCli(['network', 'ensure', '--pool', 'lan'])).toMatchObject({ command: 'network-ensure', pool: 'lan' });
    expect(usageError(['network']).message).toBe('network needs a subcommand: network ensure');
    expect(usageError(['network', 'rm']).message).toBe('unknown command "network rm" (expected network ensure)');
  });

  it('USAGE lists both', () => {
    expect(USAGE).toContain('  plan ls [--json]   the degradation plans');
    expect(USAGE).toContain('  plan show NAME [--json]');
  });
});
