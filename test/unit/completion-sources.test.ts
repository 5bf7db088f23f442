import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { completionSources } from '../../src/cli/completion-sources.js';
import { loadConfigFile } from '../../src/config/load-config.js';

// Completion reads names with the YAML parser alone (completion-sources.ts): here they are checked against
// what the real loader makes of the same files, so the two cannot drift apart unnoticed.

let dir: string;
let config: string;

const CONFIG = `
state: ./state
hosts:
  - { name: alpha, url: "tcp://127.0.0.1:1" }
  - { name: beta, url: "unix:///nonexistent.sock" }
ipPools:
  - { name: biz, network: biz, driver: bridge, subnet: 10.88.0.0/16, gateway: 10.88.0.1, ranges: { news: 10.88.1.0/24 } }
lines:
  news: { tier: 0, pool: biz }
  forum: { tier: 2 }
plans:
  - name: shed-forum
    steps: [{ select: { lines: [forum] }, action: stop }]
plansDir: plans
`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-completion-'));
  config = path.join(dir, 'fleet.yaml');
  fs.writeFileSync(config, CONFIG);
  fs.mkdirSync(path.join(dir, 'plans'));
  fs.writeFileSync(path.join(dir, 'plans', 'night.yaml'), 'name: night\nsteps: [{ select: { lines: [forum] }, action: pause }]\n');
  fs.writeFileSync(
    path.join(dir, 'plans', 'more.yml'),
    '- name: a-list-one\n  steps: [{ select: { lines: [news] }, action: stop }]\n- name: a-list-two\n  steps: [{ select: { lines: [news] }, action: stop }]\n',
  );
  fs.writeFileSync(path.join(dir, 'plans', 'notes.txt'), 'not a plan\n');
  for (const [journal, id] of [['runs', '20261204T130000Z-abc123'], ['migrations', '20261204T120000Z-zzz999']] as const) {
    fs.mkdirSync(path.join(dir, 'state', journal), { recursive: true });
    fs.writeFileSync(path.join(dir, 'state', journal, `${id}.jsonl`), '');
  }
  fs.mkdirSync(path.join(dir, 'home'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  // Hermetic: no ~/.config/dockpit/config.yaml of the machine.
  vi.stubEnv('HOME', path.join(dir, 'home'));
  return () => vi.unstubAllEnvs();
});

describe('completionSources', () => {
  it("the config's names are the ones the loader reads; run ids are the state folder's journals", () => {
    const loaded = loadConfigFile(config);
    const s = completionSources(['--config', config, 'ps', '--host', '']);
    expect(s.hosts()).toEqual(loaded.hosts.map((h) => h.name));
    expect(s.lines().sort()).toEqual(Object.keys(loaded.lines).sort());
    expect(s.pools()).toEqual(loaded.pools.map((p) => p.name));
    expect(s.plans().sort()).toEqual(loaded.plans.map((p) => p.name).sort());
    expect(loaded.stateDir).toBe(path.join(dir, 'state'));
    expect(s.runs('runs')).toEqual(['20261204T130000Z-abc123']);
    expect(s.runs('migrations')).toEqual(['20261204T120000Z-zzz999']);
  });

  it('finds the config as dockpit does: --config=F, -c F, then ./dockpit.yaml relative to the shell', () => {
    expect(completionSources([`--config=${config}`, '']).hosts()).toEqual(['alpha', 'beta']);
    expect(completionSources(['-c', 'fleet.yaml', ''], dir).hosts()).toEqual(['alpha', 'beta']);
    const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'));
    fs.copyFileSync(config, path.join(cwd, 'dockpit.yaml'));
    expect(completionSources(['ps', '--host', ''], cwd).hosts()).toEqual(['alpha', 'beta']);
  });

  it('no config anywhere: the local engine, as locateConfig makes it', () => {
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    expect(completionSources([''], empty).hosts()).toEqual(['local']);
    expect(completionSources([''], empty).lines()).toEqual([]);
  });

  it('a broken config, a missing file or a state on etcd give no names and never throw', () => {
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(broken, 'hosts: [ {name: x\n  : : :\n');
    const b = completionSources(['--config', broken, '']);
    expect([b.hosts(), b.lines(), b.pools(), b.plans(), b.runs('runs')]).toEqual([[], [], [], [], []]);
    const missing = completionSources(['--config', path.join(dir, 'nope.yaml'), '']);
    expect([missing.hosts(), missing.runs('runs')]).toEqual([[], []]);
    const etcd = path.join(dir, 'etcd.yaml');
    fs.writeFileSync(etcd, 'state: etcd://10.0.0.5:2379/dockpit\nhosts: [{ name: x, url: "tcp://127.0.0.1:1" }]\nplansDir: nowhere\n');
    const e = completionSources(['--config', etcd, '']);
    expect(e.hosts()).toEqual(['x']);
    expect(e.runs('runs')).toEqual([]);
    expect(e.plans()).toEqual([]);
  });
});
