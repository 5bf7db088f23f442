import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thrown } from './thrown.js';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfig } from '../../src/config/load-config.js';
import { DEFAULT_GUARDS } from '../../src/plans/types.js';

let dir: string;
let file: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-plans-'));
  file = path.join(dir, 'dockpit.yaml');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

const HEAD = [
  'hosts:',
  '  - { name: h1, url: unix:///run/h1.sock }',
  '  - { name: h2, url: unix:///run/h2.sock }',
  'lines:',
  '  news: { tier: 0 }',
  '  forum: { tier: 2 }',
];

/** A fresh plans folder beside the config holding these files. */
function plansDir(files: Record<string, string>): string {
  const d = fs.mkdtempSync(path.join(dir, 'plans-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(d, name), text);
  return path.basename(d);
}

const configError = (text: string): ConfigError => thrown(() => parseConfig(text, file), ConfigError, 'parseConfig accepted the config');

describe('plans in the config', () => {
  it('resolves actions, merges guards over the defaults, and records file:line', () => {
    const c = parseConfig(
      yaml(
        ...HEAD,
        'plans:',
        '  - name: double11',
        '    description: shed tier 2+ for the peak',
        '    guards: { maxDownPerLine: 0.25, parallel: 8 }',
        '    steps:',
        '      - select: { lines: [forum], minTier: 2 }',
        '        action: stop',
        '      - select: { lines: [forum] }',
        '        action: { scaleDown: { keep: 1 } }',
        '      - select: { lines: [news], hosts: [h1], names: ["web-*"] }',
        '        action: { limit: { cpus: 0.5, memory: 256m, cpuShares: 512 } }',
        '      - select: { labels: { role: cache } }',
        '        action: pause',
      ),
      file,
    );
    expect(c.plans).toEqual([
      {
        name: 'double11',
        description: 'shed tier 2+ for the peak',
        guards: { ...DEFAULT_GUARDS, maxDownPerLine: 0.25, parallel: 8 },
        steps: [
          { select: { lines: ['forum'], minTier: 2 }, action: { kind: 'stop' } },
          { select: { lines: ['forum'] }, action: { kind: 'scaleDown', keep: 1 } },
          {
            select: { lines: ['news'], hosts: ['h1'], names: ['web-*'] },
            action: { kind: 'limit', nanoCpus: 500_000_000, memoryBytes: 256 * 1024 * 1024, cpuShares: 512 },
          },
          { select: { labels: { role: 'cache' } }, action: { kind: 'pause' } },
        ],
        source: `${file}:8`,
      },
    ]);
  });

  it('a memory given as a number is bytes; a limit may set only cpu-shares', () => {
    const c = parseConfig(
      yaml(...HEAD, 'plans:', '  - name: p', '    steps:', '      - { select: {}, action: { limit: { memory: 67108864 } } }', '      - { select: {}, action: { limit: { cpuShares: 256 } } }'),
      file,
    );
    expect(c.plans[0]!.steps.map((s) => s.action)).toEqual([
      { kind: 'limit', nanoCpus: null, memoryBytes: 67108864, cpuShares: null },
      { kind: 'limit', nanoCpus: null, memoryBytes: null, cpuShares: 256 },
    ]);
    expect(c.plans[0]!.guards).toEqual(DEFAULT_GUARDS);
    expect(c.plans[0]!.guards.protectTiers).not.toBe(DEFAULT_GUARDS.protectTiers);
  });

  it('no plans: an empty list', () => {
    expect(parseConfig(yaml(...HEAD), file).plans).toEqual([]);
  });

  it('without lines: configured, a step may name any line', () => {
    const c = parseConfig(yaml('hosts:', '  - { name: h1, url: unix:///run/h1.sock }', 'plans:', '  - { name: p, steps: [{ select: { lines: [whatever] }, action: stop }] }'), file);
    expect(c.plans[0]!.steps[0]!.select.lines).toEqual(['whatever']);
  });

  const step = (select: string, action = 'stop') => yaml(...HEAD, 'plans:', '  - name: p', '    steps:', `      - select: ${select}`, `        action: ${action}`);

  it.each([
    ['{ lines: [news, shop] }', 'stop', 10, 'plans[0].steps[0].select.lines[1]', 'unknown line "shop" (lines: news, forum, or (none) for unlabelled containers)'],
    ['{ hosts: [h9] }', 'stop', 10, 'plans[0].steps[0].select.hosts[0]', 'unknown host "h9" (hosts: h1, h2)'],
    ['{ minTier: 3, maxTier: 1 }', 'stop', 10, 'plans[0].steps[0].select.minTier', 'minTier 3 is above maxTier 1: the step selects nothing'],
    ['{ tiers: [2, 0] }', 'stop', 10, 'plans[0].steps[0].select.tiers[1]', 'selects tier 0, which guards.protectTiers protects: no step may touch it (remove it here or from protectTiers)'],
    ['{}', '{ limit: {} }', 11, 'plans[0].steps[0].action.limit', 'a limit needs at least one of cpus, memory, cpuShares'],
    ['{}', '{ limit: { memory: 12q } }', 11, 'plans[0].steps[0].action.limit.memory', 'expected a size like 256m, 1g or 512MiB, at least 6MiB, got "12q"'],
    ['{}', '{ limit: { memory: 1m } }', 11, 'plans[0].steps[0].action.limit.memory', 'expected a size like 256m, 1g or 512MiB, at least 6MiB, got "1m"'],
  ])('select %s action %s: an error at its line and field', (select, action, line, field, message) => {
    const err = configError(step(select, action));
    expect({ file: err.file, line: err.line, field: err.field, message: err.message }).toEqual({ file, line, field, message });
  });

  it('scaleDown keep below 0: the schema error points at keep, not at the action union', () => {
    const err = configError(step('{}', '{ scaleDown: { keep: -1 } }'));
    expect([err.file, err.line, err.field]).toEqual([file, 11, 'plans[0].steps[0].action.scaleDown.keep']);
    expect(err.message).toMatch(/>=0/);
  });

  it('duplicate plan names in the config', () => {
    const err = configError(yaml(...HEAD, 'plans:', '  - { name: p, steps: [{ select: {}, action: stop }] }', '  - { name: p, steps: [{ select: {}, action: pause }] }'));
    expect(err.toString()).toBe(`${file}:9: plans[1].name: duplicate plan name "p" (also at ${file}:8)`);
  });
});

describe('plans in plansDir', () => {
  it('reads every *.yaml and *.yml in name order, one plan or a list per file, after the config’s', () => {
    const d = plansDir({
      'b.yml': yaml('- name: b1', '  steps: [{ select: {}, action: stop }]', '- name: b2', '  description: two', '  steps: [{ select: {}, action: pause }]'),
      'a.yaml': yaml('name: a', 'steps:', '  - { select: { lines: [forum] }, action: stop }'),
      'notes.txt': 'not a plan',
    });
    const c = parseConfig(yaml(...HEAD, `plansDir: ${d}`, 'plans:', '  - { name: c, steps: [{ select: {}, action: stop }] }'), file);
    const at = (f: string, line: number) => `${path.join(dir, d, f)}:${line}`;
    expect(c.plans.map((p) => [p.name, p.description, p.source])).toEqual([
      ['c', '', `${file}:9`],
      ['a', '', at('a.yaml', 1)],
      ['b1', '', at('b.yml', 1)],
      ['b2', 'two', at('b.yml', 3)],
    ]);
  });

  it('a name taken in the config: the file’s plan is the duplicate, at its line', () => {
    const d = plansDir({ 'x.yaml': yaml('- name: other', '  steps: [{ select: {}, action: stop }]', '- name: c', '  steps: [{ select: {}, action: stop }]') });
    const err = configError(yaml(...HEAD, `plansDir: ${d}`, 'plans:', '  - { name: c, steps: [{ select: {}, action: stop }] }'));
    expect(err.toString()).toBe(`${path.join(dir, d, 'x.yaml')}:3: [1].name: duplicate plan name "c" (also at ${file}:9)`);
  });

  it('a duplicate across two files', () => {
    const d = plansDir({ 'a.yaml': yaml('name: p', 'steps: [{ select: {}, action: stop }]'), 'b.yaml': yaml('name: p', 'steps: [{ select: {}, action: stop }]') });
    const err = configError(yaml(...HEAD, `plansDir: ${d}`));
    expect(err.toString()).toBe(`${path.join(dir, d, 'b.yaml')}:1: name: duplicate plan name "p" (also at ${path.join(dir, d, 'a.yaml')}:1)`);
  });

  it.each([
    ['an unknown line', yaml('name: p', 'steps:', '  - select: { lines: [shop] }', '    action: stop'), 3, 'steps[0].select.lines[0]', /unknown line "shop"/],
    ['an unknown host', yaml('- name: p', '  steps:', '    - select: { hosts: [h1, h3] }', '      action: stop'), 3, '[0].steps[0].select.hosts[1]', /unknown host "h3"/],
    ['minTier above maxTier', yaml('name: p', 'steps:', '  - select:', '      minTier: 2', '      maxTier: 1', '    action: stop'), 4, 'steps[0].select.minTier', /above maxTier/],
    ['keep below 0', yaml('name: p', 'steps:', '  - select: {}', '    action:', '      scaleDown:', '        keep: -2'), 6, 'steps[0].action.scaleDown.keep', />=0/],
    ['a limit with no field', yaml('name: p', 'steps:', '  - select: {}', '    action:', '      limit: {}'), 5, 'steps[0].action.limit', /at least one of cpus, memory, cpuShares/],
    ['a protected tier selected', yaml('name: p', 'guards: { protectTiers: [0, 1] }', 'steps:', '  - select: { tiers: [1] }', '    action: pause'), 4, 'steps[0].select.tiers[0]', /selects tier 1, which guards.protectTiers protects/],
    ['an unknown field', yaml('name: p', 'steps:', '  - select: { line: [news] }', '    action: stop'), 3, 'steps[0].select', /unknown field "line"/],
    ['invalid YAML', yaml('name: p', 'steps: [', '  oops: : :'), 3, undefined, /invalid YAML/],
  ])('%s: an error at the plan file’s line and field', (_what, text, line, field, message) => {
    const d = plansDir({ 'p.yaml': text });
    const err = configError(yaml(...HEAD, `plansDir: ${d}`));
    expect([err.file, err.line, err.field]).toEqual([path.join(dir, d, 'p.yaml'), line, field]);
    expect(err.message).toMatch(message);
  });

  it('a missing folder: the error points at plansDir', () => {
    const err = configError(yaml(...HEAD, 'plansDir: nowhere'));
    expect(err.toString()).toBe(`${file}:7: plansDir: no such folder ${path.join(dir, 'nowhere')}`);
  });
});
