import { describe, expect, it } from 'vitest';
import { COMMAND_OPTIONS, parseCli, SECOND_WORDS, SUBCOMMANDS, type CommandName } from '../../src/cli/args.js';
import { completeWords, type Completion, type CompletionSources } from '../../src/cli/completion-words.js';

// Issue 16, item 3: what Tab offers after each word. The shells' side (the scripts calling __complete) is
// test/integration/completion.test.ts.

const sources: CompletionSources = {
  hosts: () => ['h1', 'h2', 'h3'],
  lines: () => ['news', 'forum'],
  pools: () => ['biz'],
  plans: () => ['shed-ads', 'night'],
  runs: (journal) => (journal === 'runs' ? ['20261204T130000Z-abc123'] : ['20261204T120000Z-zzz999']),
};

const words = (line: string): string[] => {
  const c: Completion = completeWords(line.split(' '), sources);
  if (c.kind !== 'words') throw new Error(`expected words for "${line}", got ${c.kind}`);
  return c.words;
};

describe('completeWords', () => {
  it('the first word: every command as it is typed, groups for two-word commands, never tui', () => {
    const first = words('');
    expect(first).toContain('ps');
    expect(first).toContain('plan');
    expect(first).toContain('config');
    expect(first).toContain('completion');
    expect(first).not.toContain('tui');
    expect(first).not.toContain('plan-show');
    expect(words('pl')).toEqual(['plan']);
    expect(words('m')).toEqual(['migrate', 'migration']);
  });

  it('every command the parser knows is reachable by completion, and parses as completed', () => {
    // From the parser's own table: a command added to args.ts completes without a second list.
    const reached = new Set<CommandName>();
    for (const first of words('')) {
      const group = SUBCOMMANDS[first];
      const argvs = group ? words(`${first} `).map((sub) => [first, sub]) : [[first], ...(SECOND_WORDS[first] ? words(`${first} `).map((w) => [first, w]) : [])];
      for (const argv of argvs) {
        // --help: a command's required arguments are not what this test is about.
        reached.add(parseCli([...argv, '--help']).command);
      }
    }
    const all = (Object.keys(COMMAND_OPTIONS) as CommandName[]).filter((c) => c !== 'tui');
    expect([...reached].sort()).toEqual(all.sort());
  });

  it('subcommands of a group, and the second word of a command that has one (audit verify)', () => {
    expect(words('plan ')).toEqual(['abandon', 'apply', 'ls', 'restore', 'resume', 'runs', 'show', 'status']);
    expect(words('audit ')).toEqual(['verify']);
    expect(words('audit verify --')).toEqual(['--config', '--help', '--json']);
    expect(words('audit --')).toEqual(['--config', '--help', '--json', '--since']);
    expect(words('')).not.toContain('audit-verify');
    expect(words('config ')).toEqual(['check']);
    expect(words('state c')).toEqual(['copy']);
  });

  it("options: the command's own and the global ones, those already given left out (--env may repeat)", () => {
    expect(words('ps --')).toEqual(['--bizline', '--config', '--help', '--host', '--json']);
    expect(words('ps --json --')).toEqual(['--bizline', '--config', '--help', '--host']);
    expect(words('config check --')).toEqual(['--config', '--help', '--json']);
    expect(words('run --env A=1 --e')).toEqual(['--env']);
    expect(words('--')).toEqual(['--config', '--help', '--read-only', '--version']);
  });

  it('option values: hosts, lines, plans, pools, restart policies; a file for --config', () => {
    expect(words('ps --host ')).toEqual(['h1', 'h2', 'h3']);
    expect(words('ps --bizline f')).toEqual(['forum']);
    expect(words('run --name x --line ')).toEqual(['forum', 'news']);
    expect(words('evacuate h1 --plan ')).toEqual(['night', 'shed-ads']);
    expect(words('network ensure --pool ')).toEqual(['biz']);
    expect(words('run --restart u')).toEqual(['unless-stopped']);
    expect(words('migrate web --to h')).toEqual(['h1', 'h2', 'h3']);
    expect(completeWords(['--config', ''], sources)).toEqual({ kind: 'files' });
    expect(completeWords(['state', 'copy', '--to', ''], sources)).toEqual({ kind: 'files' });
    // Free text: nothing to offer.
    expect(words('events --since ')).toEqual([]);
  });

  it("evacuate --to takes a list: the last item completes, the ones given are kept and not offered again", () => {
    expect(words('evacuate h1 --to h2,')).toEqual(['h2,h1', 'h2,h3']);
    expect(words('evacuate h1 --to h2,h3')).toEqual(['h2,h3']);
  });

  it('--opt=value: as one word (zsh) and split at "=" (bash)', () => {
    expect(words('ps --host=h')).toEqual(['--host=h1', '--host=h2', '--host=h3']);
    expect(completeWords(['ps', '--host', '=', ''], sources)).toEqual({ kind: 'words', words: ['h1', 'h2', 'h3'] });
    expect(completeWords(['ps', '--host', '=', 'h1', ''], sources)).toEqual({ kind: 'words', words: [] });
    expect(completeWords(['ps', '--host', '=', 'h1', '--j'], sources)).toEqual({ kind: 'words', words: ['--json'] });
  });

  it("positional arguments: plan names, run ids of the right journal, a host to evacuate, a shell", () => {
    expect(words('plan show ')).toEqual(['night', 'shed-ads']);
    expect(words('plan apply --dry-run s')).toEqual(['shed-ads']);
    expect(words('plan status ')).toEqual(['20261204T130000Z-abc123']);
    expect(words('plan abandon 2026')).toEqual(['20261204T130000Z-abc123']);
    expect(words('migration resume ')).toEqual(['20261204T120000Z-zzz999']);
    expect(words('evacuate ')).toEqual(['h1', 'h2', 'h3']);
    expect(words('completion ')).toEqual(['bash', 'zsh']);
    // One positional only: nothing after it.
    expect(words('plan show night ')).toEqual([]);
    // A value is not the positional: --config's value does not count.
    expect(words('--config f.yaml plan show ')).toEqual(['night', 'shed-ads']);
    expect(words('-c f.yaml plan show n')).toEqual(['night']);
  });

  it("nothing for what dockpit does not own: run's image and command, after --, an unknown command", () => {
    expect(words('run --name x busybox --')).toEqual([]);
    expect(words('run --name x busybox sh ')).toEqual([]);
    expect(words('nosuch ')).toEqual([]);
    expect(words('plan nosuch ')).toEqual([]);
    expect(words('inspect ')).toEqual([]);
  });

  it('sources are read only when the word needs them', () => {
    const asked: string[] = [];
    const spy: CompletionSources = {
      hosts: () => (asked.push('hosts'), []),
      lines: () => (asked.push('lines'), []),
      pools: () => (asked.push('pools'), []),
      plans: () => (asked.push('plans'), []),
      runs: () => (asked.push('runs'), []),
    };
    completeWords(['ps', '--'], spy);
    completeWords(['pl'], spy);
    expect(asked).toEqual([]);
    completeWords(['ps', '--host', ''], spy);
    expect(asked).toEqual(['hosts']);
  });
});
