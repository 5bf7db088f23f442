import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkRun, placeContainer } from '../../src/app/place-container.js';
import { parseRunSpec, type RunArgs } from '../../src/app/run-spec.js';
import { parseConfig } from '../../src/config/load-config.js';
import { DockpitError } from '../../src/engine/errors.js';
import type { NetworkFacts } from '../../src/pool/network-spec.js';
import { placeLines } from '../../src/render/place-lines.js';
import type { StateStore } from '../../src/state/types.js';
import { fileStateAt } from '../support/file-state.js';
import { MemoryPlacementEngine, type MemoryHost } from '../support/memory-placement-engine.js';

// Issue 14: the placement service (src/app/place-container.ts) that `dockpit run` and the cockpit's form
// share, against an in-memory fleet: what it decides, what it writes (ledger, audit log), which engine
// calls it makes, and how its outcome reads.

const CONFIG = parseConfig(
  `labels: { bizline: acme.line, tier: acme.tier }
hosts:
  - { name: h1, url: unix:///a }
  - { name: h2, url: unix:///b }
  - { name: h3, url: unix:///c }
ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { news: 10.88.1.0/24 }
lines:
  news: { tier: 1, pool: lan }
  forum: { tier: 2, pool: lan, hosts: [h2, h3] }
`,
  'd.yaml',
);

const GiB = 2 ** 30;
const BIZ: NetworkFacts = { id: 'n1', name: 'biz', driver: 'bridge', subnets: [{ subnet: '10.88.0.0/16', gateway: '10.88.0.1' }], parent: null, labels: {} };

const up = (name: string, more: Partial<MemoryHost> = {}): MemoryHost => ({ name, network: BIZ, memTotalBytes: 8 * GiB, ...more });
const spec = (more: Partial<RunArgs> = {}) => parseRunSpec({ name: 'news-9', line: 'news', image: 'busybox', cmd: ['sleep', '1d'], env: ['TOKEN=s3cret'], dryRun: false, ...more });

let dir: string;
let state: StateStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dockpit-place-'));
  state = fileStateAt(dir);
});
afterEach(async () => {
  await state.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('placement service', () => {
  it('a dry run decides from the fleet and the ledger and writes nothing, creates nothing', async () => {
    const engine = new MemoryPlacementEngine([up('h1'), up('h2'), up('h3')]);
    const o = await placeContainer({ config: CONFIG, state, engine }, spec({ dryRun: true }), undefined);
    expect(o).toMatchObject({ kind: 'planned', decision: { name: 'news-9', host: 'h1', ip: '10.88.1.1', pool: 'lan', reused: false } });
    expect(engine.calls.filter((c) => c.startsWith('create'))).toEqual([]);
    expect(await state.ledger.list()).toEqual([]);
    expect(await state.audit.read()).toEqual([]);
    expect(placeLines(o).out).toMatch(/^dry run: news-9 → h1 10\.88\.1\.1 \(pool lan, network biz, line news, tier 1\)\n {2}host: .+\n {2}nothing changed$/);
  });

  it('places on the least loaded allowed host, reserves the address, audits it with secrets masked', async () => {
    const busy = new MemoryPlacementEngine([up('h1'), up('h2'), up('h3')]);
    busy.add('h2', 'forum-1', '10.88.0.20', { line: 'forum' });
    const o = await placeContainer({ config: CONFIG, state, engine: busy }, spec({ name: 'forum-2', line: 'forum' }), undefined);
    expect(o.kind).toBe('started');
    if (o.kind !== 'started') return;
    expect(o.decision.host).toBe('h3'); // h1 not allowed for forum; h2 already runs one
    const started = busy.containers('h3').find((c) => c.id === o.id)!;
    expect(started).toMatchObject({ name: 'forum-2', state: 'running', ips: { biz: o.decision.ip }, labels: { 'acme.line': 'forum', 'acme.tier': '2' } });
    expect(await state.ledger.list()).toMatchObject([{ name: 'forum-2', pool: 'lan', ip: o.decision.ip, host: 'h3' }]);
    const audit = await state.audit.read();
    expect(audit).toMatchObject([{ action: 'container.run', targets: ['h3/forum-2'], outcome: 'ok', details: { id: o.id, ip: o.decision.ip } }]);
    expect(JSON.stringify(audit)).not.toContain('s3cret');
    // Network checks on the candidates only (h2, h3), memory weighed among several, then the census of all.
    expect(busy.calls).toEqual(['network h2 biz', 'network h3 biz', 'memory h2', 'memory h3', `create h3 forum-2`, 'census h1,h2,h3']);
    expect(placeLines(o)).toEqual({ err: [], out: `forum-2 → h3 ${o.decision.ip} (pool lan, network biz, line forum, tier 2): started ${o.id.slice(0, 12)}\n  host: ${o.decision.why}` });
  });

  it('a failed create gives its new reservation back (issue 17, item 6); the retry gets the same address', async () => {
    const engine = new MemoryPlacementEngine([up('h1')]);
    engine.failCreate = new DockpitError('NOT_FOUND', 'No such image: busybox', 404);
    const deps = { config: { ...CONFIG, hosts: CONFIG.hosts.slice(0, 1) }, state, engine };
    const first = await placeContainer(deps, spec(), 'h1');
    expect(first).toMatchObject({ kind: 'failed', stage: 'create', decision: { ip: '10.88.1.1' }, released: true });
    expect(placeLines(first).err).toEqual([
      'dockpit: news-9 → h1 10.88.1.1 (pool lan, network biz, line news, tier 1): create: NOT_FOUND: No such image: busybox',
      'dockpit: 10.88.1.1 is free again: nothing was reserved or left running',
    ]);
    expect(await state.ledger.list()).toEqual([]);
    const again = await placeContainer(deps, spec(), 'h1');
    expect(again).toMatchObject({ kind: 'started', decision: { ip: '10.88.1.1', reused: false } });
    expect((await state.audit.read()).map((e) => e.outcome)).toEqual(['failed', 'ok']);
  });

  it('an address another host took between the snapshot and the start: the new container is stopped, both audited', async () => {
    const engine = new MemoryPlacementEngine([up('h1'), up('h2')]);
    const config = { ...CONFIG, hosts: CONFIG.hosts.slice(0, 2) };
    engine.afterStart = (host, c) => {
      engine.afterStart = null;
      engine.add(host === 'h1' ? 'h2' : 'h1', 'by-hand', c.ips.biz!);
    };
    const o = await placeContainer({ config, state, engine }, spec(), 'h1');
    expect(o).toMatchObject({ kind: 'conflict', container: 'stopped', others: [{ host: 'h2', name: 'by-hand' }] });
    if (o.kind !== 'conflict') return;
    expect(engine.containers('h1').find((c) => c.id === o.id)?.state).toBe('exited');
    expect((await state.audit.read()).map((e) => `${e.action} ${e.outcome}`)).toEqual(['container.run failed', 'container.stop ok']);
    expect(await state.ledger.list()).toMatchObject([{ name: 'news-9', ip: o.decision.ip }]);
    expect(placeLines(o).err[1]).toBe(`dockpit: h1/news-9 (${o.id.slice(0, 12)}) was stopped (--keep-on-conflict leaves it running); ${o.decision.ip} stays reserved for news-9`);
  });

  it('--keep-on-conflict leaves it running', async () => {
    const engine = new MemoryPlacementEngine([up('h1'), up('h2')]);
    engine.afterStart = (_h, c) => {
      engine.afterStart = null;
      engine.add('h2', 'by-hand', c.ips.biz!);
    };
    const o = await placeContainer({ config: { ...CONFIG, hosts: CONFIG.hosts.slice(0, 2) }, state, engine }, spec({ keepOnConflict: true }), 'h1');
    expect(o).toMatchObject({ kind: 'conflict', container: 'kept' });
    expect(engine.calls.some((c) => c.startsWith('stop'))).toBe(false);
  });

  it('a host without a client is not a candidate; one down is unverified, said as a warning', async () => {
    const engine = new MemoryPlacementEngine([up('h1', { disconnected: true }), up('h2'), up('h3', { state: 'down', error: 'UNREACHABLE: gone' })]);
    const o = await placeContainer({ config: CONFIG, state, engine }, spec(), undefined);
    expect(o).toMatchObject({ kind: 'started', decision: { host: 'h2' } });
    expect(o.warnings).toContain('10.88.1.1 could not be verified on h1 (not connected)');
    expect(o.warnings).toContain('10.88.1.1 could not be verified on h3 (down)');
  });

  it('no allowed host up: refused, audited, nothing reserved', async () => {
    const engine = new MemoryPlacementEngine([up('h1'), up('h2', { state: 'down' }), up('h3', { state: 'down' })]);
    const o = await placeContainer({ config: CONFIG, state, engine }, spec({ name: 'forum-3', line: 'forum' }), undefined);
    expect(o).toMatchObject({ kind: 'refused', code: 'NO_HOST_UP' });
    expect(await state.ledger.list()).toEqual([]);
    expect(await state.audit.read()).toMatchObject([{ action: 'container.run', outcome: 'refused', targets: ['forum-3'] }]);
    expect(placeLines(o).err.at(-1)).toMatch(/^dockpit: /);
  });

  it('a name whose placement lock another holds is refused as BUSY', async () => {
    const engine = new MemoryPlacementEngine([up('h1')]);
    const other = await state.names.hold('news-9', 'someone@elsewhere');
    try {
      const o = await placeContainer({ config: CONFIG, state, engine }, spec(), 'h1');
      expect(o).toMatchObject({ kind: 'refused', code: 'BUSY' });
      expect(engine.calls).toEqual([]);
    } finally {
      await other.release();
    }
  });

  it('checkRun refuses from the config alone (exit 2)', () => {
    expect(() => checkRun(CONFIG, spec(), 'h9')).toThrow('--host h9: no such host in d.yaml (hosts: h1, h2, h3)');
    expect(() => checkRun(CONFIG, spec({ line: 'forum' }), 'h1')).toThrow('--host h1: line forum may only use h2, h3');
  });
});
