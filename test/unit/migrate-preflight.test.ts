import { describe, expect, it } from 'vitest';
import type { IpPool } from '../../src/config/types.js';
import { createBody } from '../../src/migrate/container-spec.js';
import { preflight, type PreflightResult } from '../../src/migrate/preflight.js';
import { movePlanLines } from '../../src/migrate/preview-lines.js';
import { DEFAULT_MOVE_OPTIONS, type MoveFacts, type MoveOptions, type MovePlan } from '../../src/migrate/types.js';
import { container } from './fixtures.js';
import { BIZ_NET, host, liveSource, SHOP_ID, SHOP_IMAGE, shopApi, shopApiListed, shopApiNoData, target } from './fixtures/migrate/inspect.js';
import { LAN, pools } from './ip-fixtures.js';

// Issue 6, item 2: the preflight, from the fleet's facts to the exact steps and blockers of one move.

const POOLS: IpPool[] = pools(LAN);
const RECORDED_AT = '2026-11-25T18:00:00.000Z';

/** Moving shop-api from h1 (up, live inspect) to h2 (up, biz as pool lan wants it, image present); h3 idle. */
function facts(over: Partial<MoveFacts> = {}): MoveFacts {
  const t = over.target ?? target();
  const src = over.source ?? liveSource();
  const fleet = over.fleet ?? [host('h1', { state: src.state, containers: [shopApiListed()] }), t, host('h3')];
  return { name: 'shop-api', source: src, target: t, fleet, ...over };
}

/** shop-api recorded while h1 was up; h1 is now down. */
function recordedSource(inspect = shopApiNoData()) {
  return liveSource(inspect, { state: 'down', error: 'ECONNREFUSED: connect ECONNREFUSED', recordedAt: RECORDED_AT });
}

function opts(over: Partial<MoveOptions> = {}): MoveOptions {
  return { ...DEFAULT_MOVE_OPTIONS, ...over };
}

function planOf(r: PreflightResult): MovePlan {
  if (!r.ok) throw new Error(`refused: ${r.blocker.code} ${r.blocker.message}`);
  return r.plan;
}

const run = (f: MoveFacts = facts(), o: MoveOptions = opts()) => planOf(preflight(f, POOLS, o));
const codes = (p: MovePlan) => p.blockers.map((b) => b.code);

describe('preflight: refusals', () => {
  it('refuses a move onto the host the container is on', () => {
    const f = facts({ target: target({ name: 'h1' }) });
    expect(preflight(f, POOLS, opts())).toEqual({ ok: false, blocker: { code: 'SAME_HOST', message: 'shop-api is already on h1' } });
  });

  it('refuses a container that is not on an up source host', () => {
    expect(preflight(facts({ source: liveSource(null) }), POOLS, opts())).toEqual({
      ok: false,
      blocker: { code: 'NO_SOURCE', message: 'shop-api is not on h1' },
    });
  });

  it('refuses a down source host with no recorded configuration', () => {
    const r = preflight(facts({ source: liveSource(null, { state: 'down' }) }), POOLS, opts());
    expect(r).toEqual({
      ok: false,
      blocker: {
        code: 'NO_SOURCE',
        message: 'h1 is down and dockpit has no recorded configuration of shop-api (dockpit record, or the cockpit, records it while the host is up)',
      },
    });
  });
});

describe('preflight: a live, running source', () => {
  it('plans create, stop, park, start, gate, remove with nothing in the way', () => {
    const p = run();
    expect(p.blockers).toEqual([]);
    expect(p.steps).toEqual(['create', 'stop-source', 'park-source', 'start-target', 'gate', 'remove-source']);
    expect(p).toMatchObject({
      name: 'shop-api',
      from: 'h1',
      to: 'h2',
      sourceId: SHOP_ID,
      sourceState: 'running',
      sourceMode: 'live',
      recordedAt: null,
      pool: 'lan',
      network: 'biz',
      ip: '10.88.1.20',
      image: { id: SHOP_IMAGE, ref: 'dockpit/busybox:latest', action: 'present' },
      networkAction: 'present',
      localData: [],
      droppedNetworks: ['bridge'],
      gate: { kind: 'healthcheck', seconds: 5, timeoutSeconds: 60 },
      memoryBytes: 67108864,
    });
    expect(p.body).toEqual(createBody(shopApiNoData(), 'biz', '10.88.1.20'));
    expect(p.warnings).toEqual(['shop-api is also on bridge: the target is attached to biz only']);
  });

  it('leaves the parked source in place with keepSource', () => {
    expect(run(facts(), opts({ keepSource: true })).steps).toEqual(['create', 'stop-source', 'park-source', 'start-target', 'gate']);
  });

  it('creates a missing network first', () => {
    const p = run(facts({ target: target({ network: null }) }));
    expect(p.networkAction).toBe('create');
    expect(p.steps).toEqual(['network', 'create', 'stop-source', 'park-source', 'start-target', 'gate', 'remove-source']);
  });

  it('brings a missing image before the create, streamed from the live source', () => {
    const p = run(facts({ target: target({ image: 'absent' }) }));
    expect(p.image.action).toBe('stream');
    expect(p.blockers).toEqual([]);
    expect(p.steps).toEqual(['image', 'create', 'stop-source', 'park-source', 'start-target', 'gate', 'remove-source']);
    expect(run(facts({ target: target({ image: 'unknown' }) })).steps[0]).toBe('image');
  });

  it('moves a stopped source as it is: no stop, no start, no gate', () => {
    const i = shopApiNoData();
    i.State = { Status: 'exited', Running: false, Paused: false, Restarting: false };
    const p = run(facts({ source: liveSource(i) }));
    expect(p.sourceState).toBe('exited');
    expect(p.steps).toEqual(['create', 'park-source', 'remove-source']);
  });

  it('counts a paused source as running', () => {
    const i = shopApiNoData();
    i.State = { Status: 'paused', Running: true, Paused: true };
    expect(run(facts({ source: liveSource(i) })).steps).toEqual(['create', 'stop-source', 'park-source', 'start-target', 'gate', 'remove-source']);
  });
});

describe('preflight: the gate', () => {
  it('waits for the healthcheck when there is one', () => {
    expect(run(facts(), opts({ gateSeconds: 9, gateTimeoutSeconds: 120 })).gate).toEqual({ kind: 'healthcheck', seconds: 9, timeoutSeconds: 120 });
  });

  it('waits for the container to keep running when the healthcheck is ["NONE"], null or absent', () => {
    for (const hc of [{ Test: ['NONE'] }, null, undefined, { Test: [] }]) {
      const i = shopApiNoData();
      if (hc === undefined) delete i.Config.Healthcheck;
      else i.Config.Healthcheck = hc;
      expect(run(facts({ source: liveSource(i) })).gate, JSON.stringify(hc)).toEqual({ kind: 'running', seconds: 5, timeoutSeconds: 60 });
    }
  });
});

describe('preflight: a source host that is down', () => {
  it('blocks until the host is said to be fenced', () => {
    const p = run(facts({ source: recordedSource() }));
    expect(p.blockers).toEqual([
      {
        code: 'NOT_FENCED',
        message: 'h1 is down: with live-restore its containers may still run and hold their addresses; confirm that it is fenced (powered off or cut from the LAN) with --fenced h1',
      },
    ]);
  });

  it('leaves live-restore out of the message when the host did not have it', () => {
    const p = run(facts({ source: liveSource(shopApiNoData(), { state: 'down', liveRestore: false, recordedAt: RECORDED_AT }) }));
    expect(p.blockers).toEqual([
      { code: 'NOT_FENCED', message: 'h1 is down: confirm that it is fenced (powered off or cut from the LAN) with --fenced h1' },
    ]);
  });

  it('moves from the recorded configuration once fenced: create, start, gate, never touching the source', () => {
    const p = run(facts({ source: recordedSource() }), opts({ fenced: true }));
    expect(p.blockers).toEqual([]);
    expect(p.sourceMode).toBe('recorded');
    expect(p.recordedAt).toBe(RECORDED_AT);
    expect(p.steps).toEqual(['create', 'start-target', 'gate']);
    expect(p.warnings).toContain(`from the configuration recorded at ${RECORDED_AT}: changes made since on h1 are not known`);
  });

  it('creates a recorded stopped source and nothing else', () => {
    const i = shopApiNoData();
    i.State = { Status: 'exited', Running: false };
    expect(run(facts({ source: recordedSource(i) }), opts({ fenced: true })).steps).toEqual(['create']);
  });

  it('blocks a missing image that no registry can give (the source cannot stream it)', () => {
    const p = run(facts({ source: recordedSource(), target: target({ image: 'absent' }) }), opts({ fenced: true }));
    expect(p.image.action).toBe('stream');
    expect(p.blockers).toEqual([
      { code: 'IMAGE_UNAVAILABLE', message: 'h2 lacks dockpit/busybox:latest and h1 cannot stream it (no registry configured)' },
    ]);
  });

  it('pulls a missing image referenced by tag from the registry', () => {
    const p = run(facts({ source: recordedSource(), target: target({ image: 'absent' }) }), opts({ fenced: true, registry: 'registry.lan:5000' }));
    expect(p.image).toEqual({ id: SHOP_IMAGE, ref: 'dockpit/busybox:latest', action: 'pull' });
    expect(p.blockers).toEqual([]);
    expect(p.steps).toEqual(['image', 'create', 'start-target', 'gate']);
  });

  it('cannot pull an image referenced by its ID only', () => {
    const i = shopApiNoData();
    i.Config.Image = SHOP_IMAGE;
    const p = run(facts({ source: recordedSource(i), target: target({ image: 'absent' }) }), opts({ fenced: true, registry: 'registry.lan:5000' }));
    expect(p.image.action).toBe('stream');
    expect(codes(p)).toEqual(['IMAGE_UNAVAILABLE']);
  });

  // `docker run 5b0d59026729` keeps Config.Image as typed: a short ID no registry serves, so with the
  // source down the image is unavailable, not 'pull'.
  it('cannot pull an image referenced by a short ID either', () => {
    const i = shopApiNoData();
    i.Config.Image = SHOP_IMAGE.slice('sha256:'.length, 'sha256:'.length + 12);
    const p = run(facts({ source: recordedSource(i), target: target({ image: 'absent' }) }), opts({ fenced: true, registry: 'registry.lan:5000' }));
    expect(codes(p)).toEqual(['IMAGE_UNAVAILABLE']);
  });
});

describe('preflight: blockers on the target side', () => {
  it('blocks a target host that is down, with its error', () => {
    const p = run(facts({ target: target({ state: 'down', error: 'TIMEOUT: no answer in 3000 ms' }) }));
    expect(p.blockers).toEqual([{ code: 'TARGET_DOWN', message: 'h2 is down (TIMEOUT: no answer in 3000 ms)' }]);
    expect(codes(run(facts({ target: target({ state: 'connecting' }) })))).toEqual(['TARGET_DOWN']);
    expect(codes(run(facts({ target: target({ state: 'degraded' }) })))).toEqual([]);
  });

  it('blocks a name taken on the target, saying what holds it', () => {
    const holder = (state: 'dead' | 'exited' | 'running' | 'created') =>
      run(facts({ target: target({ containers: [container('h2', '9c8b7a6f5e4d3c2b1a00ffeeddccbbaa', 'shop-api', { state })] }) })).blockers;
    expect(holder('dead')).toEqual([{ code: 'NAME_TAKEN', message: 'h2 already has a Dead container named shop-api (9c8b7a6f5e4d): remove it first' }]);
    expect(holder('exited')).toEqual([{ code: 'NAME_TAKEN', message: 'h2 already has a leftover exited container named shop-api (9c8b7a6f5e4d): remove it first' }]);
    expect(holder('created')).toEqual([{ code: 'NAME_TAKEN', message: 'h2 already has a leftover created container named shop-api (9c8b7a6f5e4d): remove it first' }]);
    expect(holder('running')).toEqual([{ code: 'NAME_TAKEN', message: 'h2 already has a running container named shop-api (9c8b7a6f5e4d): remove it first' }]);
  });

  it('blocks an address held by another container anywhere in the fleet', () => {
    const t = target();
    const h3 = host('h3', { containers: [container('h3', 'ab12', 'squatter', { state: 'exited', ips: { biz: '10.88.1.20' } })] });
    const p = run(facts({ target: t, fleet: [host('h1', { containers: [shopApiListed()] }), t, h3] }));
    expect(p.blockers).toEqual([{ code: 'IP_TAKEN', message: '10.88.1.20 is held by h3/squatter (exited)' }]);
  });

  it('a host that does not answer is unknown, not empty (issue 13): last seen holding the address blocks, never seen warns', () => {
    const t = target();
    const h3 = host('h3', { state: 'down', error: 'TIMEOUT: no answer', containers: [container('h3', 'ab12', 'squatter', { state: 'running', ips: { biz: '10.88.1.20' } })] });
    const lastSeen = run(facts({ target: t, fleet: [host('h1', { containers: [shopApiListed()] }), t, h3] }));
    expect(lastSeen.blockers).toEqual([{ code: 'IP_TAKEN', message: '10.88.1.20 is held by h3/squatter (running) as last seen: h3 is down' }]);
    const blind = run(facts({ target: t, fleet: [host('h1', { containers: [shopApiListed()] }), t, host('h3', { state: 'connecting', containers: [] })] }));
    expect(blind.blockers).toEqual([]);
    expect(blind.warnings).toContain('not seen: h3 (connecting) did not answer: whether it holds 10.88.1.20 is not known');
  });

  it('does not count the source itself, by ID or by name, as holding its address', () => {
    expect(run().blockers).toEqual([]);
    const byName = host('h1', { containers: [shopApiListed({ id: 'recreated0000' })] });
    expect(run(facts({ fleet: [byName, target()] })).blockers).toEqual([]);
    // Another container on the source host with the address is not the source.
    const other = host('h1', { containers: [shopApiListed(), container('h1', 'cd34', 'shop-api_parked_old', { state: 'exited', ips: { biz: '10.88.1.20' } })] });
    expect(run(facts({ fleet: [other, target()] })).blockers).toEqual([{ code: 'IP_TAKEN', message: '10.88.1.20 is held by h1/shop-api_parked_old (exited)' }]);
  });

  it('blocks a volume left behind unless leaveData', () => {
    const p = run(facts({ source: liveSource(shopApi()) }));
    expect(p.blockers).toEqual([
      { code: 'LOCAL_DATA', message: 'shop-api has data on h1 that cannot move (volume shop-data → /data): --leave-data starts it on h2 without it' },
    ]);
    const left = run(facts({ source: liveSource(shopApi()) }), opts({ leaveData: true }));
    expect(left.blockers).toEqual([]);
    expect(left.localData).toEqual([{ type: 'volume', source: 'shop-data', destination: '/data' }]);
  });

  it("blocks a target network that differs from the pool's", () => {
    const wrong = { ...BIZ_NET, subnets: [{ subnet: '10.99.0.0/16', gateway: '10.99.0.1' }] };
    const p = run(facts({ target: target({ network: wrong }) }));
    expect(p.blockers).toEqual([
      {
        code: 'NETWORK_MISMATCH',
        message: "h2's network biz differs from pool lan: subnet 10.99.0.0/16 (pool lan wants 10.88.0.0/16), gateway 10.99.0.1 (pool lan wants 10.88.0.1)",
      },
    ]);
    // Not looked up: taken on trust.
    const { network: _n, ...unknown } = target();
    expect(run(facts({ target: { ...unknown } })).blockers).toEqual([]);
  });

  it('blocks a tag on the target that names another image', () => {
    const p = run(facts({ target: target({ image: 'other-id' }) }));
    expect(p.blockers).toEqual([
      { code: 'IMAGE_TAG_CONFLICT', message: "h2's dockpit/busybox:latest is another image than shop-api's (sha256:5b0d59026729)" },
    ]);
    // Never "present on the target" in the preview (issue 13, item 6): the tag there is another image.
    expect(p.image.action).toBe('conflict');
    expect(movePlanLines(p)[1]).toContain('dockpit/busybox:latest names another image on the target (blocked)');
  });

  it('collects every blocker at once', () => {
    const t = target({ state: 'down', error: null, image: 'other-id', containers: [container('h2', 'dead00000000', 'shop-api', { state: 'dead' })] });
    const p = run(facts({ source: recordedSource(shopApi()), target: t }));
    expect(codes(p)).toEqual(['NOT_FENCED', 'TARGET_DOWN', 'NAME_TAKEN', 'LOCAL_DATA', 'IMAGE_TAG_CONFLICT']);
  });
});

describe('preflight: no pool', () => {
  it('moves without a static address, warning about it', () => {
    const p = planOf(preflight(facts(), [], opts()));
    expect(p).toMatchObject({ pool: null, network: null, ip: null, networkAction: 'none', droppedNetworks: ['bridge'] });
    expect('NetworkingConfig' in p.body).toBe(false);
    expect(p.warnings).toEqual(['shop-api is on no pool\'s network: it moves without a static address', 'shop-api is also on bridge: the target is attached to biz only']);
  });
});
