import { describe, expect, it } from 'vitest';
import {
  auditCovers,
  dryRunChangedNothing,
  exactlyOnce,
  maxDownPerLine,
  noAddressTwice,
  noCalls,
  noContainerLost,
  noSecrets,
  oneRunningPerName,
  restoreExact,
  type EngineEvent,
  type Seen,
} from '../chaos/invariants.js';
import { parseChaosArgs, runSeeds } from '../chaos/seeds.js';
import { tableLines } from '../chaos/table.js';

// Issue 17, item 2: the chaos suite's invariant checkers, on hand-made engine states and event logs.

const c = (host: string, name: string, state = 'running', ips: string[] = [], shape = state): Seen => ({ host, name, state, ips, shape });
let t = 1_700_000_000_000_000_000n;
const e = (host: string, name: string, action: string, signal: string | null = null): EngineEvent => ({ host, name, action, signal, timeNano: String((t += 1_000_000n)) });

describe('chaos invariants', () => {
  it('no container lost: a moved container is fine, a vanished one is named', () => {
    expect(noContainerLost([c('h1', 'a'), c('h1', 'b')], [c('h2', 'a')])).toEqual([{ invariant: 'no container lost', text: 'h1/b (was running) is on no engine any more' }]);
    expect(noContainerLost([c('h1', 'a')], [c('h2', 'a', 'exited')])).toEqual([]);
  });

  it('one running per name: two running (or paused) copies are a violation, a stopped copy is not', () => {
    expect(oneRunningPerName([c('h1', 'a'), c('h2', 'a', 'exited'), c('h3', 'b')])).toEqual([]);
    expect(oneRunningPerName([c('h1', 'a'), c('h2', 'a', 'paused')])[0]!.text).toBe('a runs 2 times: h1/a, h2/a');
  });

  it('no address twice: across hosts, running or paused holders only', () => {
    expect(noAddressTwice([c('h1', 'a', 'running', ['10.0.0.2']), c('h2', 'b', 'exited', ['10.0.0.2'])])).toEqual([]);
    expect(noAddressTwice([c('h1', 'a', 'running', ['10.0.0.2']), c('h2', 'b', 'paused', ['10.0.0.2'])])[0]!.text).toBe('10.0.0.2 is held by h1/a and h2/b');
  });

  it('restore exact: compares state and limits per host/name, with an exemption', () => {
    const before = [c('h1', 'a', 'running', [], 'R,1cpu'), c('h2', 'b', 'running', [], 'R')];
    expect(restoreExact(before, [c('h1', 'a', 'running', [], 'R,1cpu'), c('h2', 'b', 'running', [], 'R')])).toEqual([]);
    expect(restoreExact(before, [c('h1', 'a', 'running', [], 'R,0.5cpu'), c('h2', 'b', 'exited', [], 'X')]).map((v) => v.text)).toEqual(['h1/a: R,0.5cpu, was R,1cpu', 'h2/b: X, was R']);
    expect(restoreExact(before, [c('h1', 'a', 'running', [], 'R,1cpu')], (x) => x.host !== 'h2')).toEqual([]);
  });

  it('each action once: a second stop (its SIGTERM) and a missing pause are both found', () => {
    const evs = [e('h1', 'a', 'kill', '15'), e('h1', 'a', 'die'), e('h1', 'a', 'stop'), e('h1', 'a', 'kill', '15')];
    const v = exactlyOnce(evs, { 'h1/a': { stop: 1, 'kill:15': 1 }, 'h2/b': { pause: 1 } });
    expect(v.map((x) => x.text)).toEqual(["h1/a: 2 × kill:15 in the engine's events, expected 1", "h2/b: 0 × pause in the engine's events, expected 1"]);
    expect(exactlyOnce(evs.slice(0, 3), { 'h1/a': { stop: 1, 'kill:15': 1, update: 0 } })).toEqual([]);
  });

  it('zero calls: any changing event is a call, reads (exec, top) are not', () => {
    expect(noCalls('x', [e('h1', 'a', 'exec_create'), e('h1', 'a', 'top')])).toEqual([]);
    expect(noCalls('second resume', [e('h1', 'a', 'pause')])[0]!.text).toBe('second resume: pause on h1/a');
  });

  it('guard: counts containers of a line down at once in engine-time order; an exempt one does not count', () => {
    const lineOf = new Map([['h1/a', 'L'], ['h2/b', 'L'], ['h3/c', 'L']]);
    const serial = [e('h1', 'a', 'die'), e('h1', 'a', 'start'), e('h2', 'b', 'pause'), e('h2', 'b', 'unpause')];
    expect(maxDownPerLine(serial, lineOf, 1)).toEqual([]);
    const overlapping = [e('h1', 'a', 'die'), e('h2', 'b', 'pause'), e('h3', 'c', 'stop')];
    expect(maxDownPerLine(overlapping, lineOf, 2)[0]!.text).toBe('line L: 3 down at once (maxDownPerLine 2): h1/a, h2/b, h3/c');
    expect(maxDownPerLine(overlapping, lineOf, 2, new Set(['h1/a']))).toEqual([]);
    // Out of order in the input (two hosts' logs concatenated): sorted by timeNano first.
    expect(maxDownPerLine([...serial].reverse(), lineOf, 1)).toEqual([]);
  });

  it('every change audited: by host/name, not by name alone', () => {
    const audit = [{ action: 'plan.action', targets: ['h1/a'], outcome: 'ok' }];
    expect(auditCovers(['h1/a', 'h1/a'], audit)).toEqual([]);
    expect(auditCovers(['h2/a'], audit)[0]!.text).toBe('h2/a was changed on its engine and no audit entry names it');
  });

  it('a dry run: any change of state or any changing event is a violation', () => {
    expect(dryRunChangedNothing([c('h1', 'a')], [c('h1', 'a')], [])).toEqual([]);
    expect(dryRunChangedNothing([c('h1', 'a')], [c('h1', 'a', 'exited')], [e('h1', 'a', 'stop')]).length).toBe(2);
  });

  it('no secret: names the place, never prints the secret whole', () => {
    const v = noSecrets([{ where: 'runs/x.jsonl', text: '{"env":["DB_PASSWORD=s3cr3t-abc"]}' }, { where: 'audit.log', text: 'DB_PASSWORD=••••••' }], ['s3cr3t-abc']);
    expect(v).toEqual([{ invariant: 'no secret written', text: 'runs/x.jsonl holds the secret value s3cr…' }]);
  });
});

describe('chaos seeds and arguments', () => {
  it('run 1 uses the seed itself (so --seed S --runs 1 replays it), the others are fixed and distinct', () => {
    const s = runSeeds(42, 5);
    expect(s[0]).toBe(42);
    expect(new Set(s).size).toBe(5);
    expect(runSeeds(42, 5)).toEqual(s);
    expect(runSeeds(s[3]!, 1)).toEqual([s[3]]);
  });

  it('parses --seed, --runs, --only (also with =) and refuses the rest', () => {
    expect(parseChaosArgs(['--seed', '7', '--runs=3', '--only', 'f3,F4'], () => 1)).toEqual({ seed: 7, runs: 3, only: ['F3', 'F4'] });
    expect(parseChaosArgs([], () => 99)).toEqual({ seed: 99, runs: 20, only: null });
    expect(() => parseChaosArgs(['--runs', '0'], () => 1)).toThrow('--runs 0: expected a whole number from 1');
    expect(() => parseChaosArgs(['--seed'], () => 1)).toThrow('--seed: a value is missing');
    expect(() => parseChaosArgs(['--fast'], () => 1)).toThrow('--fast: unknown argument');
  });
});

describe('chaos table', () => {
  it('one row per scenario, then each violation with the seed that replays it', () => {
    const rows = [
      { scenario: 'F4', title: 'dockpit killed', seed: 5, chose: 'crash-after:journal:3', ms: 2000, violations: [] },
      { scenario: 'F4', title: 'dockpit killed', seed: 9, chose: 'crash-during:call:1:0', ms: 4000, violations: [{ invariant: 'each action once', text: 'h1/a: 2 × stop' }] },
      { scenario: 'F6', title: 'race', seed: 5, chose: '0/0', ms: 1000, violations: [], error: 'boom' },
    ];
    expect(tableLines(rows, 5)).toEqual([
      'SCENARIO  RUNS  VIOLATIONS  PER RUN  SEED  WHAT',
      'F4        2     1           3.0 s    5     dockpit killed',
      'F6        1     1           1.0 s    5     race',
      '',
      'violations (replay one run: npm run chaos -- --seed S --runs 1 --only ID):',
      '  F4 seed 9 (crash-during:call:1:0): each action once: h1/a: 2 × stop',
      '  F6 seed 5 (0/0): the run failed: boom',
    ]);
  });
});
