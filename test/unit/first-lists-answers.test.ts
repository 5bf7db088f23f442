import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { FirstListResult } from '../../src/engine/first-lists-types.js';
import { startFirstLists } from '../../src/engine/first-lists.js';

// first-lists.ts (issue 16): the worker moves each list's body to the main thread unparsed, and the main thread
// parses and maps it. A body that is not a container list fails that host (its own connection lists it then);
// the others are taken. The worker here is a stand-in that posts the answers an engine could give.

const config = parseConfig(
  ['hosts:', ...['a', 'b', 'c', 'd'].map((h, i) => `  - { name: ${h}, url: "tcp://127.0.0.1:${2375 + i}" }`)].join('\n'),
  'dockpit.yaml',
);

/** Worker code posting, for each host it is given, the body `bodies[host]` (moved, as the real worker does). */
function standIn(bodies: Record<string, string>): string {
  return `
const { parentPort, workerData } = require('node:worker_threads');
const bodies = ${JSON.stringify(bodies)};
for (const { name } of workerData.hosts) {
  const body = new Uint8Array(Buffer.from(bodies[name], 'utf8'));
  parentPort.postMessage({ host: name, ok: true, body, latencyMs: 1 }, [body.buffer]);
}`;
}

const entry = (name: string, labels: Record<string, string>) => ({
  Id: `${name}-id`.padEnd(64, '0'),
  Names: [`/${name}`],
  Image: 'busybox',
  State: 'running',
  Status: 'Up 2 minutes',
  Labels: labels,
  NetworkSettings: { Networks: { biz: { IPAddress: '10.88.1.5' } } },
  Created: 1796466143,
});

function results(bodies: Record<string, string>): Promise<Map<string, FirstListResult>> {
  const lists = startFirstLists(config, { minHosts: 1, source: standIn(bodies) });
  expect(lists).not.toBeNull();
  return new Promise((resolve) => {
    const got = new Map<string, FirstListResult>();
    lists!.listen((r) => {
      got.set(r.host, r);
      if (got.size === 4) resolve(got);
    });
  });
}

describe('first lists: the bodies the worker moves', () => {
  it('maps a list, and fails a host whose body is not one, naming why', async () => {
    const got = await results({
      a: JSON.stringify([entry('news-1', { [config.labels.bizline]: 'news', [config.labels.tier]: '1' }), entry('x', {})]),
      b: '[{"Id": "cut sh',
      c: '{"message": "page not found"}',
      d: '[]',
    });
    const a = got.get('a');
    expect(a?.ok).toBe(true);
    if (!a?.ok) return;
    expect(a.containers.map((c) => [c.host, c.name, c.bizline, c.tier, c.ips.biz])).toEqual([
      ['a', 'news-1', 'news', 1, '10.88.1.5'],
      ['a', 'x', null, null, '10.88.1.5'],
    ]);
    expect(got.get('b')).toMatchObject({ ok: false, error: expect.stringMatching(/JSON/) });
    expect(got.get('c')).toEqual({ host: 'c', ok: false, error: 'the list is not an array' });
    expect(got.get('d')).toMatchObject({ ok: true, containers: [] });
  });
});
