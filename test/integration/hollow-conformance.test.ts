import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, readFleet } from '../support/fleet.js';
import { shapeDiff, shapeOf } from '../support/json-shape.js';

// The hollow engine (bench/hollow) stands in for 200 real engines in `npm run bench`; its figures mean
// something only if dockpit gets the same answers from it as from dockerd. The same requests go to a real
// engine of the test fleet (over TCP) and to a hollow one; status codes, content types and the JSON shapes
// (keys and value types, recursively) of every answer must be the same.

const fleet = readFleet();
const realHost = fleet.hosts.find((h) => h.tcp)!;

/**
 * /info's RegistryConfig.IndexConfigs is a map keyed by registry: the fleet's engines also list its private
 * registry (issue 17), a key that is configuration, not shape. The entries' shape is docker.io's.
 */
function withoutFleetRegistries(body: unknown): unknown {
  const info = body as { RegistryConfig?: { IndexConfigs?: Record<string, unknown> } };
  const index = info.RegistryConfig?.IndexConfigs;
  if (!index) return body;
  return { ...info, RegistryConfig: { ...info.RegistryConfig, IndexConfigs: { 'docker.io': index['docker.io'] } } };
}
const realBase = realHost.tcp.replace('tcp://', 'http://');
const NAME = 'hollow-conformance';

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

async function ask(base: string, method: string, p: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${base}${p}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type');
  return { status: res.status, contentType, body: contentType?.startsWith('application/json') && text ? JSON.parse(text) : text };
}

/** An events stream, read in the background: its lines so far. */
function follow(base: string, query: string): { lines: unknown[]; stop: () => void; ended: Promise<void> } {
  const controller = new AbortController();
  const lines: unknown[] = [];
  const ended = (async () => {
    try {
      const res = await fetch(`${base}/events?${query}`, { signal: controller.signal });
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += Buffer.from(chunk).toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) !== -1) {
          lines.push(JSON.parse(buffer.slice(0, nl)));
          buffer = buffer.slice(nl + 1);
        }
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
  })();
  return { lines, stop: () => controller.abort(), ended };
}

type Event = { Action: string; timeNano: number };

/** What a client sees of one container through a life of pause, update, stop, start, restart, rename. */
async function session(base: string, id: string, newName: string): Promise<{ answers: Record<string, Answer>; events: Event[]; backfill: Event[] }> {
  const answers: Record<string, Answer> = {};
  const entry = async (label: string, q: string) => {
    const a = await ask(base, 'GET', q);
    // Only this container's entry: the real host may hold other tests' containers with other labels.
    answers[label] = { ...a, body: (a.body as Array<{ Id: string }>).find((c) => c.Id === id) };
  };
  const events = follow(base, `filters=${encodeURIComponent(JSON.stringify({ type: ['container'] }))}`);
  await new Promise((r) => setTimeout(r, 200)); // the subscription is in place before anything happens
  const t0 = Date.now() / 1000; // the same machine: the engine's clock is ours
  answers.ping = await ask(base, 'GET', '/_ping');
  answers.version = await ask(base, 'GET', '/version');
  answers.info = await ask(base, 'GET', '/info');
  await entry('list running', '/containers/json?all=1');
  answers['list limit=1'] = await ask(base, 'GET', '/containers/json?limit=1');
  answers['inspect running'] = await ask(base, 'GET', `/containers/${id}/json`);
  answers['stats running'] = await ask(base, 'GET', `/containers/${id}/stats?stream=false&one-shot=true`);
  answers.pause = await ask(base, 'POST', `/containers/${id}/pause`);
  answers['pause again'] = await ask(base, 'POST', `/containers/${id}/pause`);
  await entry('list paused', '/containers/json?all=1');
  answers['inspect paused'] = await ask(base, 'GET', `/containers/${id}/json`);
  answers.unpause = await ask(base, 'POST', `/containers/${id}/unpause`);
  answers['unpause again'] = await ask(base, 'POST', `/containers/${id}/unpause`);
  answers.update = await ask(base, 'POST', `/containers/${id}/update`, { CpuShares: 512 });
  answers.stop = await ask(base, 'POST', `/containers/${id}/stop?t=1`);
  answers['stop again'] = await ask(base, 'POST', `/containers/${id}/stop?t=1`);
  await entry('list exited', '/containers/json?all=1');
  answers['inspect exited'] = await ask(base, 'GET', `/containers/${id}/json`);
  answers['stats exited'] = await ask(base, 'GET', `/containers/${id}/stats?stream=false&one-shot=true`);
  answers['pause exited'] = await ask(base, 'POST', `/containers/${id}/pause`);
  answers.start = await ask(base, 'POST', `/containers/${id}/start`);
  answers['start again'] = await ask(base, 'POST', `/containers/${id}/start`);
  answers.restart = await ask(base, 'POST', `/containers/${id}/restart?t=1`);
  answers.rename = await ask(base, 'POST', `/containers/${id}/rename?name=${newName}`);
  answers['inspect unknown'] = await ask(base, 'GET', '/containers/no-such-container/json');
  await new Promise((r) => setTimeout(r, 300)); // the last events reach the stream
  events.stop();
  await events.ended;
  // dockpit's backfill: the engine's past events in a window; the stream ends by itself at `until`.
  const until = Date.now() / 1000;
  const past = follow(base, `since=${t0.toFixed(9)}&until=${until.toFixed(9)}&filters=${encodeURIComponent(JSON.stringify({ type: ['container'] }))}`);
  await past.ended;
  const mine = (e: unknown) => (e as { Actor: { ID: string } }).Actor.ID === id;
  return { answers, events: events.lines.filter(mine) as Event[], backfill: past.lines.filter(mine) as Event[] };
}

/** The first event of each action, by action. */
function byAction(events: Event[]): Map<string, Event> {
  const out = new Map<string, Event>();
  for (const e of events) if (!out.has(e.Action)) out.set(e.Action, e);
  return out;
}

let hollow: ChildProcess;
let hollowBase: string;
let hollowId: string;
let realId: string;

describe('a hollow engine answers as a real one does', () => {
  let real: Awaited<ReturnType<typeof session>>;
  let fake: Awaited<ReturnType<typeof session>>;

  beforeAll(async () => {
    await docker(realHost.name, 'rm', '-f', NAME).catch(() => undefined);
    // Created by hand, not with the tests' usual label: labels are a map, and both sides must hold the same keys.
    realId = await docker(realHost.name, 'run', '-d', '--name', NAME, '--label', 'dockpit.bizline=news', '--label', 'dockpit.tier=1',
      '--network', 'biz', '--ip', '10.88.250.10', fleet.image, 'sleep', '86400');
    hollow = spawn(process.execPath, [path.resolve('bench/hollow/main.mjs'), '--hosts', '1', '--per-host', '3', '--probes', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const first = await new Promise<{ hosts: Array<{ port: number }> }>((resolve, reject) => {
      readline.createInterface({ input: hollow.stdout! }).once('line', (l) => resolve(JSON.parse(l)));
      hollow.once('exit', (code) => reject(new Error(`hollow engine exited with ${code}`)));
    });
    hollowBase = `http://127.0.0.1:${first.hosts[0]!.port}`;
    const list = (await ask(hollowBase, 'GET', '/containers/json')).body as Array<{ Id: string }>;
    hollowId = list[0]!.Id;
    [real, fake] = await Promise.all([session(realBase, realId, `${NAME}-renamed`), session(hollowBase, hollowId, 'hollow-renamed')]);
  }, 60_000);

  afterAll(async () => {
    hollow?.kill();
    await docker(realHost.name, 'rm', '-f', NAME, `${NAME}-renamed`).catch(() => undefined);
  });

  const labels = ['ping', 'version', 'info', 'list running', 'list limit=1', 'inspect running', 'stats running', 'pause', 'pause again',
    'list paused', 'inspect paused', 'unpause', 'unpause again', 'update', 'stop', 'stop again', 'list exited', 'inspect exited',
    'stats exited', 'pause exited', 'start', 'start again', 'restart', 'rename', 'inspect unknown'];

  it.each(labels)('%s: same status, content type and JSON shape', (label) => {
    const r = real.answers[label]!;
    const h = fake.answers[label]!;
    expect(r.body, `the real engine answered ${label}`).toBeDefined();
    expect({ status: h.status, contentType: h.contentType }).toEqual({ status: r.status, contentType: r.contentType });
    expect(shapeDiff(shapeOf(label === 'info' ? withoutFleetRegistries(r.body) : r.body), shapeOf(h.body))).toEqual([]);
  });

  it('emits the same actions for the same requests, each event in the same shape, live and replayed', () => {
    const realActions = byAction(real.events);
    const fakeActions = byAction(fake.events);
    expect([...fakeActions.keys()].sort()).toEqual([...realActions.keys()].sort());
    for (const [action, e] of realActions) {
      expect(shapeDiff(shapeOf(e), shapeOf(fakeActions.get(action))), action).toEqual([]);
    }
    // Backfill: the same events again, in order (dockpit's timeline after a reconnect depends on it).
    const seen = (events: Event[]) => events.map((e) => `${e.Action}@${e.timeNano}`);
    expect(seen(fake.backfill)).toEqual(seen(fake.events));
    expect(seen(real.backfill)).toEqual(seen(real.events));
  });

  it('changes state as the real one does: the list and inspect say the same after each step', () => {
    for (const side of [real, fake]) {
      const state = (label: string) => (side.answers[label]!.body as { State: string | { Status: string } }).State;
      expect([state('list running'), state('list paused'), state('list exited')]).toEqual(['running', 'paused', 'exited']);
      expect(['inspect running', 'inspect paused', 'inspect exited'].map((l) => (state(l) as { Status: string }).Status)).toEqual(['running', 'paused', 'exited']);
    }
  });
});
