import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContainerInspect } from '../../src/engine/container-inspect.js';
import { DockpitError } from '../../src/engine/errors.js';
import type { FleetEngine } from '../../src/engine/fleet-engine.js';
import { inspectRecords } from '../../src/state/file/inspect-records.js';
import { stableProjection } from '../../src/state/inspect-projection.js';
import type { Container, DomainEvent } from '../../src/engine/types.js';
import { startInspectRecorder, type InspectRecorder, type RecorderOptions } from '../../src/app/inspect-recorder.js';
import { applyEvents } from '../../src/store/apply-event.js';
import { createFleetStore } from '../../src/store/fleet-store.js';

vi.mock('react', () => {
  throw new Error('the engine must not import react');
});

/** An inspect body as the engine gives it, with a field dockpit does not type (it must survive). */
function inspectOf(name: string, over: { status?: string; memory?: number; startedAt?: string; pid?: number } = {}): ContainerInspect {
  return {
    Id: `${name}-id`.padEnd(64, '0'),
    Name: `/${name}`,
    Created: '2026-11-25T10:00:00Z',
    Path: 'sleep',
    Args: ['86400'],
    Image: 'sha256:abc',
    RestartCount: 0,
    State: {
      Status: over.status ?? 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
      Pid: over.pid ?? 100, ExitCode: 0, Error: '', StartedAt: over.startedAt ?? '2026-11-25T10:00:01Z', FinishedAt: '0001-01-01T00:00:00Z',
    },
    Config: { Image: 'dockpit/busybox:latest', Cmd: ['sleep', '86400'], Entrypoint: null, Env: ['A=1'], Labels: { 'dockpit.bizline': 'news' } },
    HostConfig: {
      RestartPolicy: { Name: 'always', MaximumRetryCount: 0 }, NanoCpus: 0, CpuShares: 0, CpuQuota: 0, CpuPeriod: 0,
      Memory: over.memory ?? 64 << 20, MemorySwap: -1, PortBindings: null, Binds: null, NetworkMode: 'biz',
    },
    Mounts: [],
    NetworkSettings: {
      Ports: null,
      Networks: { biz: { IPAddress: '10.88.1.10', Gateway: '10.88.0.1', MacAddress: '02:42:0a:58:01:0a', IPAMConfig: { IPv4Address: '10.88.1.10' }, Aliases: ['abc'] } },
    },
    GraphDriver: { Name: 'overlay2' },
  } as ContainerInspect;
}

let stateDir: string;
beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-records-'));
});
afterEach(() => {
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const fileOf = (host: string, name: string) => path.join(stateDir, 'records', host, `${name}.json`);

describe('inspect records', () => {
  it('saves the whole inspect body and loads it back', async () => {
    const records = inspectRecords(stateDir, () => new Date('2026-11-25T12:00:00Z'));
    const body = inspectOf('web-1');
    expect(await records.save('h1', body)).toBe(true);
    const rec = await records.load('h1', 'web-1');
    expect(rec).toEqual({ host: 'h1', name: 'web-1', id: body.Id, seenAt: '2026-11-25T12:00:00.000Z', inspect: body });
    expect(JSON.parse(fs.readFileSync(fileOf('h1', 'web-1'), 'utf8'))).toEqual(rec);
    expect(await records.load('h1', 'nope')).toBeNull();
    expect(await records.load('h2', 'web-1')).toBeNull();
  });

  it('lists a host’s records by name, skipping temp files and unreadable records', async () => {
    const records = inspectRecords(stateDir);
    await records.save('h1', inspectOf('b'));
    await records.save('h1', inspectOf('a'));
    await records.save('h2', inspectOf('c'));
    fs.writeFileSync(path.join(stateDir, 'records', 'h1', '.b.json.123.x.tmp'), '{');
    fs.writeFileSync(fileOf('h1', 'torn'), '{"host":"h1","na');
    expect((await records.list('h1')).map((r) => r.name)).toEqual(['a', 'b']);
    expect((await records.list('h2')).map((r) => r.name)).toEqual(['c']);
    expect(await records.list('h9')).toEqual([]);
  });

  it('writes nothing when only volatile fields changed, and writes a changed configuration', async () => {
    const records = inspectRecords(stateDir);
    expect(await records.save('h1', inspectOf('web'))).toBe(true);
    const file = fileOf('h1', 'web');
    const before = fs.statSync(file);
    const text = fs.readFileSync(file, 'utf8');
    // A restart: new PID and start time, same configuration.
    expect(await records.save('h1', inspectOf('web', { pid: 4242, startedAt: '2026-11-25T11:00:00Z' }))).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(fs.statSync(file).ino).toBe(before.ino); // not even rewritten with the same text
    expect(fs.readdirSync(path.dirname(file))).toEqual(['web.json']); // no temp file left either

    expect(await records.save('h1', inspectOf('web', { memory: 128 << 20 }))).toBe(true);
    expect((await records.load('h1', 'web'))!.inspect.HostConfig.Memory).toBe(128 << 20);
    expect(await records.save('h1', inspectOf('web', { memory: 128 << 20, status: 'exited' }))).toBe(true);
  });

  it('compares configurations whatever the order of their keys', () => {
    const a = inspectOf('web');
    const b = { ...a, Config: { Labels: a.Config.Labels, Env: a.Config.Env, Cmd: a.Config.Cmd, Entrypoint: null, Image: a.Config.Image } };
    expect(stableProjection(b)).toBe(stableProjection(a));
  });

  it('reads a torn or foreign file as no record, and the next save replaces it', async () => {
    const records = inspectRecords(stateDir);
    await records.save('h1', inspectOf('web'));
    const file = fileOf('h1', 'web');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 100));
    expect(await records.load('h1', 'web')).toBeNull();
    fs.writeFileSync(file, '');
    expect(await records.load('h1', 'web')).toBeNull();
    fs.writeFileSync(file, JSON.stringify({ host: 'h1', name: 'web' }));
    expect(await records.load('h1', 'web')).toBeNull();
    // Another container's record copied in place: not this one's.
    fs.copyFileSync(file, fileOf('h1', 'other'));
    await records.save('h1', inspectOf('other'));
    fs.copyFileSync(fileOf('h1', 'other'), file);
    expect(await records.load('h1', 'web')).toBeNull();
    expect(await records.save('h1', inspectOf('web'))).toBe(true);
    expect((await records.load('h1', 'web'))!.name).toBe('web');
  });

  it('throws other read errors instead of reading them as no record', async () => {
    const records = inspectRecords(stateDir);
    fs.mkdirSync(fileOf('h1', 'web'), { recursive: true }); // a folder where the file should be: EISDIR
    await expect(records.load('h1', 'web')).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('refuses host and container names that are not safe file names', async () => {
    const records = inspectRecords(stateDir);
    for (const host of ['', '..', '.', 'a/b', '../x', '-x', 'h 1', 'x'.repeat(201)]) {
      await expect(records.load(host, 'web'), host).rejects.toBeInstanceOf(DockpitError);
      await expect(records.save(host, inspectOf('web')), host).rejects.toBeInstanceOf(DockpitError);
      await expect(records.list(host), host).rejects.toBeInstanceOf(DockpitError);
    }
    for (const name of ['..', '../../etc/passwd', 'a/b', '.hidden', '']) {
      await expect(records.load('h1', name), name).rejects.toBeInstanceOf(DockpitError);
      await expect(records.save('h1', { ...inspectOf('x'), Name: `/${name}` }), name).rejects.toBeInstanceOf(DockpitError);
      await expect(records.remove('h1', name), name).rejects.toBeInstanceOf(DockpitError);
    }
    expect(fs.existsSync(path.join(stateDir, 'records'))).toBe(false);
  });

  it('removes a record, and removing a missing one is not an error', async () => {
    const records = inspectRecords(stateDir);
    await records.save('h1', inspectOf('web'));
    await records.remove('h1', 'web');
    expect(await records.load('h1', 'web')).toBeNull();
    await records.remove('h1', 'web');
    await records.remove('h7', 'web');
  });

  it('keeps concurrent saves of one container in order', async () => {
    const records = inspectRecords(stateDir);
    const results = await Promise.all([64, 128, 256].map((mb) => records.save('h1', inspectOf('web', { memory: mb << 20 }))));
    expect(results).toEqual([true, true, true]);
    expect((await records.load('h1', 'web'))!.inspect.HostConfig.Memory).toBe(256 << 20);
  });
});

// The recorder that keeps these records fresh in the cockpit, on a fake engine: which containers it
// inspects, how many at once, and what it leaves alone.

interface FakeHost {
  client: { getContainer(id: string): { inspect(o: { abortSignal: AbortSignal }): Promise<ContainerInspect> } } | null;
}

function fakeFleet(delayMs = 5) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const bodies = new Map<string, ContainerInspect>();
  const client: NonNullable<FakeHost['client']> = {
    getContainer: (id) => ({
      async inspect() {
        calls.push(id);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, delayMs));
        inFlight--;
        const body = bodies.get(id);
        if (!body) throw Object.assign(new Error('no such container'), { statusCode: 404 });
        return body;
      },
    }),
  };
  const h1: FakeHost = { client };
  const engine = { connections: new Map([['h1', h1]]) } as unknown as FleetEngine; // only .connections is read
  const store = createFleetStore();
  const apply = (...events: DomainEvent[]) => store.setState(applyEvents(store.getState(), events), true);
  const saved: string[] = [];
  const removed: string[] = [];
  const records = {
    save: vi.fn(async (host: string, inspect: ContainerInspect) => {
      saved.push(`${host}/${inspect.Name.slice(1)}`);
      return true;
    }),
    remove: vi.fn(async (host: string, name: string) => {
      removed.push(`${host}/${name}`);
    }),
  };
  return { calls, bodies, h1, client, engine, store, apply, saved, removed, records, get maxInFlight() { return maxInFlight; } };
}

function container(name: string, state: Container['state'] = 'running'): Container {
  return { host: 'h1', id: `${name}-id`.padEnd(64, '0'), name, image: 'busybox', state, status: '', bizline: null, tier: null, ips: {}, labels: {}, created: 0 };
}

describe('the inspect recorder', () => {
  const recorders: InspectRecorder[] = [];
  afterEach(async () => {
    await Promise.all(recorders.splice(0).map((r) => r.stop()));
  });
  const start = (f: ReturnType<typeof fakeFleet>, opts: RecorderOptions = {}) => {
    const r = startInspectRecorder(f.engine, f.store, f.records, { debounceMs: 20, retryMs: 20, stateSettleMs: 30, maxPerSecond: 10_000, ...opts });
    recorders.push(r);
    return r;
  };

  it('records the containers it finds, then only those that appear or change', async () => {
    const f = fakeFleet();
    const [a, b] = [container('a'), container('b')];
    for (const c of [a, b, container('c')]) f.bodies.set(c.id, inspectOf(c.name));
    f.apply({ type: 'host.listed', host: 'h1', containers: [a, b] });
    const rec = start(f);
    await rec.idle();
    expect(f.saved.sort()).toEqual(['h1/a', 'h1/b']);

    // A status text change only (Up 1 minute → Up 2 minutes) is no reason to inspect.
    f.apply({ type: 'container.patched', host: 'h1', id: a.id, patch: { status: 'Up 2 minutes' } });
    await rec.idle();
    expect(f.calls).toHaveLength(2);

    f.apply({ type: 'container.updated', host: 'h1', container: container('c') });
    f.apply({ type: 'container.patched', host: 'h1', id: b.id, patch: { state: 'exited' } });
    await rec.idle();
    expect(f.saved.slice(2).sort()).toEqual(['h1/b', 'h1/c']);
  });

  it('turns an event storm into one inspect per container, at most two at a time per host', async () => {
    const f = fakeFleet(10);
    const cs = Array.from({ length: 12 }, (_, i) => container(`s${i}`));
    for (const c of cs) f.bodies.set(c.id, inspectOf(c.name));
    const rec = start(f, { debounceMs: 50 });
    f.apply({ type: 'host.listed', host: 'h1', containers: cs });
    for (let i = 0; i < 40; i++) {
      const c = cs[i % cs.length]!;
      f.apply({ type: 'container.patched', host: 'h1', id: c.id, patch: { state: i % 2 ? 'running' : 'restarting' } });
    }
    await rec.idle();
    expect(f.calls).toHaveLength(12);
    expect(f.maxInFlight).toBe(2);
  });

  it('a restart storm (die, start) costs no inspect; a change of running state that holds costs one', async () => {
    const f = fakeFleet();
    const cs = Array.from({ length: 5 }, (_, i) => container(`r${i}`));
    for (const c of cs) f.bodies.set(c.id, inspectOf(c.name));
    f.apply({ type: 'host.listed', host: 'h1', containers: cs });
    const rec = start(f, { stateSettleMs: 300 });
    await rec.idle();
    expect(f.calls).toHaveLength(5);
    for (let round = 0; round < 3; round++) {
      for (const c of cs) f.apply({ type: 'container.patched', host: 'h1', id: c.id, patch: { state: 'exited' } });
      await new Promise((r) => setTimeout(r, 20));
      for (const c of cs) f.apply({ type: 'container.patched', host: 'h1', id: c.id, patch: { state: 'running' } });
    }
    await rec.idle();
    expect(f.calls).toHaveLength(5); // back as recorded before it settled: nothing to write
    f.apply({ type: 'container.patched', host: 'h1', id: cs[0]!.id, patch: { state: 'exited' } });
    const t0 = Date.now();
    await rec.idle();
    expect(f.calls).toHaveLength(6);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250); // it waited to see the change hold
  });

  it('a restarted cockpit inspects only what its records do not already hold (same id, same running state)', async () => {
    const f = fakeFleet();
    const [kept, renewed, stopped] = [container('kept'), container('renewed'), container('stopped', 'exited')];
    for (const c of [kept, renewed, stopped]) f.bodies.set(c.id, inspectOf(c.name));
    const onDisk: Record<string, { id: string; inspect: { State: { Running: boolean } } }> = {
      kept: { id: kept.id, inspect: { State: { Running: true } } },
      renewed: { id: 'an-older-container-of-that-name', inspect: { State: { Running: true } } },
      stopped: { id: stopped.id, inspect: { State: { Running: true } } }, // it stopped while nobody watched
    };
    const records = { ...f.records, load: vi.fn(async (_h: string, name: string) => (onDisk[name] ?? null) as never) };
    f.apply({ type: 'host.listed', host: 'h1', containers: [kept, renewed, stopped] });
    const rec = startInspectRecorder(f.engine, f.store, records, { debounceMs: 20, retryMs: 20, stateSettleMs: 30, maxPerSecond: 10_000 });
    recorders.push(rec);
    await rec.idle();
    expect(f.saved.sort()).toEqual(['h1/renewed', 'h1/stopped']);
  });

  it('paces inspects fleet-wide (the first pass over a big fleet does not burst)', async () => {
    const f = fakeFleet();
    const cs = Array.from({ length: 6 }, (_, i) => container(`p${i}`));
    for (const c of cs) f.bodies.set(c.id, inspectOf(c.name));
    f.apply({ type: 'host.listed', host: 'h1', containers: cs });
    const t0 = Date.now();
    const rec = start(f, { maxPerSecond: 20 });
    await rec.idle();
    expect(f.calls).toHaveLength(6);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5 * 50 - 10); // 6 at 20 a second: 5 gaps of 50 ms
  });

  it('does not inspect a container removed before its turn, and never removes a record', async () => {
    const f = fakeFleet();
    const gone = container('gone');
    f.bodies.set(gone.id, inspectOf('gone'));
    const rec = start(f);
    f.apply({ type: 'container.updated', host: 'h1', container: gone });
    f.apply({ type: 'container.removed', host: 'h1', id: gone.id });
    await rec.idle();
    expect(f.calls).toEqual([]);
    // Removed between the list and the inspect: a 404, quietly nothing.
    const late = container('late');
    f.apply({ type: 'container.updated', host: 'h1', container: late });
    await rec.idle();
    expect(f.calls).toEqual([late.id]);
    expect(f.saved).toEqual([]);
  });

  it('pauses while a host has no connection and catches up when it is back', async () => {
    const f = fakeFleet();
    const a = container('a');
    f.bodies.set(a.id, inspectOf('a'));
    f.h1.client = null;
    const rec = start(f);
    f.apply({ type: 'container.updated', host: 'h1', container: a });
    await rec.idle(); // paused counts as idle: nothing it can do
    expect(f.calls).toEqual([]);
    f.h1.client = f.client;
    f.apply({ type: 'host.status', host: 'h1', patch: { state: 'up' } });
    await rec.idle();
    expect(f.saved).toEqual(['h1/a']);
  });

  it('retries an inspect that failed, and reports a record it could not write without stopping', async () => {
    const f = fakeFleet();
    const [a, b] = [container('a'), container('b')];
    f.bodies.set(b.id, inspectOf('b'));
    let failures = 1;
    const inspect = f.client.getContainer;
    f.client.getContainer = (id) => ({
      inspect: async (o) => {
        if (id === a.id && failures-- > 0) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        f.bodies.set(a.id, inspectOf('a'));
        return inspect(id).inspect(o);
      },
    });
    f.records.save.mockImplementationOnce(async () => {
      throw Object.assign(new Error('no space left'), { code: 'ENOSPC' });
    });
    const errors: string[] = [];
    const rec = start(f, { onError: (host, err) => errors.push(`${host} ${err.toString()}`) });
    f.apply({ type: 'host.listed', host: 'h1', containers: [a, b] });
    await waitUntil(() => f.saved.includes('h1/a'));
    await rec.idle();
    expect(errors).toEqual(['h1 UNKNOWN: inspect record of b: no space left']);
  });

  it('re-records a container whose limits were updated (an update event, no state change)', async () => {
    const f = fakeFleet();
    const a = container('a');
    f.bodies.set(a.id, inspectOf('a'));
    f.apply({ type: 'host.listed', host: 'h1', containers: [a] });
    f.apply({ type: 'container.event', event: { host: 'h1', id: a.id, name: 'a', action: 'update', timeNano: 1 } });
    const rec = start(f);
    await rec.idle();
    expect(f.calls).toHaveLength(1); // the old event only sets the watermark
    f.apply({ type: 'container.event', event: { host: 'h1', id: a.id, name: 'a', action: 'update', timeNano: 2 } });
    await rec.idle();
    expect(f.calls).toHaveLength(2);
    f.apply({ type: 'container.event', event: { host: 'h1', id: a.id, name: 'a', action: 'exec_start', timeNano: 3 } });
    await rec.idle();
    expect(f.calls).toHaveLength(2);
  });

  it('drops the record of a container the engine reports destroyed, and only then', async () => {
    const f = fakeFleet();
    const a = container('a');
    f.bodies.set(a.id, inspectOf('a'));
    f.apply({ type: 'host.listed', host: 'h1', containers: [a] });
    f.apply({ type: 'container.event', event: { host: 'h1', id: a.id, name: 'a', action: 'destroy', timeNano: 1 } });
    const rec = start(f);
    await rec.idle();
    expect(f.removed).toEqual([]); // an old event, from before the recorder started
    f.apply({ type: 'host.listed', host: 'h1', containers: [] }); // gone from the list: its host may be dying
    await rec.idle();
    expect(f.removed).toEqual([]);
    f.apply({ type: 'container.event', event: { host: 'h1', id: a.id, name: 'a', action: 'destroy', timeNano: 2 } });
    await waitUntil(() => f.removed.length > 0);
    expect(f.removed).toEqual(['h1/a']);
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
}
