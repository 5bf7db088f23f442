import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { UsageError } from '../../src/config/config-error.js';
import { unexpectedLines } from '../../src/cli/last-resort.js';
import { cockpitTerminalProblem } from '../../src/cli/terminal.js';
import { checkRunId, runIdProblem } from '../../src/state/run-id.js';
import { thrown } from './thrown.js';

// Issue 17, item 6: arguments a new user got wrong, each refused as usage (exit 2) before anything is read.

describe('run ids', () => {
  const commands = [['plan', 'status'], ['plan', 'resume'], ['plan', 'restore'], ['plan', 'abandon'], ['migration', 'status'], ['migration', 'resume'], ['migration', 'abandon']];
  it.each(['../../etc/passwd', '..', '.', 'a/b'])('%s is an invalid run id in every command that takes one', (id) => {
    for (const words of commands) {
      const err = thrown(() => parseCli([...words, id]), UsageError, `${words.join(' ')} ${id} accepted`);
      expect(err.message).toBe(`invalid run id ${JSON.stringify(id)}: a run id starts with a letter or digit, then letters, digits, ".", "_" or "-"`);
    }
  });

  it('a real run id passes, and the backends keep their own check', () => {
    expect(parseCli(['plan', 'status', '20261204T120000Z-abc123']).target).toBe('20261204T120000Z-abc123');
    expect(runIdProblem('20261204T120000Z-abc123')).toBeNull();
    expect(() => checkRunId('..')).toThrow(/^invalid run id "\.\."/);
  });
});

describe('the cockpit without a terminal', () => {
  it('says which stream is not one and which headless commands to use', () => {
    const tty = { isTTY: true };
    expect(cockpitTerminalProblem(tty, tty)).toBeNull();
    const noStdin = cockpitTerminalProblem({}, tty)!;
    expect(noStdin).toMatch(/^the cockpit needs a terminal, and stdin is not one .*dockpit lines\|ps\|hosts --json, or dockpit watch$/);
    expect(cockpitTerminalProblem({}, {})).toBe(noStdin); // stdin first: it is the usual case (cron, ssh without -t)
    const noStdout = cockpitTerminalProblem(tty, { isTTY: false })!;
    expect(noStdout).toMatch(/^the cockpit draws on a terminal, and stdout is not one \(a pipe or a file\).*dockpit watch$/);
    for (const why of [noStdin, noStdout]) expect(why).not.toContain('\n');
  });
});

describe('the last-resort handler', () => {
  it('prints one line and the way to the stack', () => {
    const err = new TypeError('x is not a function\nmore detail');
    expect(unexpectedLines(err, false)).toBe('dockpit: unexpected error: TypeError: x is not a function (rerun with DOCKPIT_DEBUG=1 for the stack trace)\n');
    expect(unexpectedLines(new Error('plain'), false)).toBe('dockpit: unexpected error: plain (rerun with DOCKPIT_DEBUG=1 for the stack trace)\n');
    expect(unexpectedLines('a string', false)).toContain('unexpected error: a string');
  });

  it('with DOCKPIT_DEBUG=1, the stack', () => {
    expect(unexpectedLines(new Error('boom'), true)).toMatch(/^dockpit: Error: boom\n {4}at /);
  });
});
