import net from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createZabbixSink, itemKey, alertLine, zabbixItems, zabbixValues, type ZabbixSink } from '../../src/alerts/sinks/zabbix.js';
import { frameZabbix, parseZabbixAnswer, senderData, unframeZabbix, type ZabbixValue } from '../../src/alerts/sinks/zabbix-protocol.js';
import { parseHostPort } from '../../src/alerts/host-port.js';
import { applyEvents } from '../../src/store/apply-event.js';
import { alert, firing, resolved, until } from './alert-sink-fixtures.js';
import { container, hostUp, listed, stateOf } from './fixtures.js';

describe('Zabbix trapper framing', () => {
  it('ZBXD, flags 0x01, the length as 8 little-endian bytes, then the JSON', () => {
    const body = senderData([{ host: 'dockpit', key: 'dockpit.host.up[h1]', value: 1, clock: 1_700_000_000 }]);
    const buf = frameZabbix(body);
    const json = '{"request":"sender data","data":[{"host":"dockpit","key":"dockpit.host.up[h1]","value":"1","clock":1700000000}]}';
    expect(buf.subarray(0, 5).toString('latin1')).toBe('ZBXD\x01');
    expect(buf.readBigUInt64LE(5)).toBe(BigInt(Buffer.byteLength(json)));
    expect(buf.subarray(13).toString('utf8')).toBe(json);
    expect(unframeZabbix(buf)).toEqual({ body: json, used: buf.length });
  });

  it('a length counts bytes, not characters', () => {
    const buf = frameZabbix({ v: 'é→' });
    expect(Number(buf.readBigUInt64LE(5))).toBe(buf.length - 13);
  });

  it('unframing waits for the whole message, reads the large-packet and compressed variants, refuses what is not Zabbix', () => {
    const buf = frameZabbix({ response: 'success' });
    for (const n of [0, 3, 5, 12, 13, buf.length - 1]) expect(unframeZabbix(buf.subarray(0, n))).toBeNull();
    const large = Buffer.alloc(21);
    large.write('ZBXD', 0, 'latin1');
    large[4] = 0x05;
    large.writeBigUInt64LE(2n, 5);
    expect(unframeZabbix(Buffer.concat([large, Buffer.from('{}')]))).toEqual({ body: '{}', used: 23 });
    const packed = zlib.deflateSync(Buffer.from('{"a":1}'));
    const zh = Buffer.alloc(13);
    zh.write('ZBXD', 0, 'latin1');
    zh[4] = 0x03;
    zh.writeUInt32LE(packed.length, 5);
    zh.writeUInt32LE(7, 9);
    expect(unframeZabbix(Buffer.concat([zh, packed]))?.body).toBe('{"a":1}');
    expect(() => unframeZabbix(Buffer.from('HTTP/1.1 400 Bad Request'))).toThrow(/not a Zabbix answer/);
  });

  it("parses the server's answer and its counts", () => {
    expect(parseZabbixAnswer('{"response":"success","info":"processed: 3; failed: 1; total: 4; seconds spent: 0.000055"}')).toEqual({
      response: 'success',
      info: 'processed: 3; failed: 1; total: 4; seconds spent: 0.000055',
      processed: 3,
      failed: 1,
      total: 4,
    });
    expect(() => parseZabbixAnswer('{"response":"failed","info":"cannot parse"}')).toThrow(/refused the request: failed \(cannot parse\)/);
    expect(() => parseZabbixAnswer('not json')).toThrow(/not JSON/);
    expect(() => parseZabbixAnswer('{"response":"success"}')).toThrow(/no "processed: N"/);
  });

  it('host:port', () => {
    expect(parseHostPort('127.0.0.1:10051')).toEqual({ host: '127.0.0.1', port: 10051 });
    expect(parseHostPort('zbx', 10051)).toEqual({ host: 'zbx', port: 10051 });
    expect(parseHostPort('[::1]:9323')).toEqual({ host: '::1', port: 9323 });
    for (const bad of ['', ':', 'a:b', 'h:99999', 'h']) expect(() => parseHostPort(bad)).toThrow(/is not host:port/);
  });
});

describe('Zabbix items', () => {
  const state = stateOf([
    hostUp('h1', { latencyMs: 12.3456 }),
    hostUp('h2', { state: 'down', latencyMs: null }),
    listed('h1', [container('h1', 'a', 'web-1', { bizline: 'shop', tier: 1 }), container('h1', 'b', 'web-2', { bizline: 'shop', state: 'exited' }), container('h1', 'c', 'misc')]),
    listed('h2', [container('h2', 'd', 'web-3', { bizline: 'shop' })]),
    { type: 'stats.sampled', samples: [{ host: 'h1', id: 'a', at: 1, cpuPercent: 12.5, memBytes: 1000, memLimitBytes: 0, rxBytesPerSec: 0, txBytesPerSec: 0 }] },
    { type: 'alerts.changed', alerts: [alert(1)] },
  ]);

  it('keys: a parameter quoted only when the key syntax needs it', () => {
    expect(itemKey('dockpit.line.running', 'shop')).toBe('dockpit.line.running[shop]');
    expect(itemKey('dockpit.line.running', '(none)')).toBe('dockpit.line.running[(none)]');
    expect(itemKey('dockpit.line.running', 'a,b] "c"')).toBe('dockpit.line.running["a,b] \\"c\\""]');
  });

  it('values per host and per line, on the one Zabbix host, from the store', () => {
    const values = zabbixValues(state, 'dockpit', 1_700_000_000_250);
    const byKey = Object.fromEntries(values.map((v) => [v.key, v.value]));
    expect(byKey).toEqual({
      'dockpit.host.up[h1]': 1,
      'dockpit.host.latency[h1]': 12.346,
      'dockpit.host.containers[h1]': 3,
      'dockpit.host.up[h2]': 0,
      'dockpit.host.containers[h2]': 1,
      'dockpit.line.running[shop]': 1,
      'dockpit.line.total[shop]': 3,
      'dockpit.line.cpu[shop]': 12.5,
      'dockpit.line.memory[shop]': 1000,
      'dockpit.line.running[(none)]': 1,
      'dockpit.line.total[(none)]': 1,
      'dockpit.line.cpu[(none)]': 0,
      'dockpit.line.memory[(none)]': 0,
      'dockpit.alerts.firing': 1,
    });
    expect(new Set(values.map((v) => `${v.host} ${v.clock} ${v.ns}`))).toEqual(new Set(['dockpit 1700000000 250000000']));
    // Every key sent is one the item list names (tests create the items from it).
    const items = new Map(zabbixItems(state).map((i) => [i.key, i.type]));
    for (const v of values) expect(items.has(v.key)).toBe(true);
    expect(items.get('dockpit.alert')).toBe('text');
    expect(items.get('dockpit.line.cpu[shop]')).toBe('float');
    expect(items.get('dockpit.host.latency[h2]')).toBe('float');
  });

  it('one text line per firing or resolve', () => {
    expect(alertLine(firing(3))).toBe('FIRING critical restartLoop h1/web-3: h1/web-3: restarted 4 times in 2 min');
    expect(alertLine(resolved(3))).toMatch(/^RESOLVED critical restartLoop h1\/web-3: /);
    expect(alertLine({ kind: 'refresh', alert: alert(3) })).toBeNull();
    expect(alertLine({ kind: 'firing', alert: alert(1, { rule: 'hostDown', labels: { alertname: 'hostDown', severity: 'critical', host: 'h2' }, summary: 'h2: engine down' }) })).toBe('FIRING critical hostDown h2: h2: engine down');
  });

  it('the state after more events still gives values for every host', () => {
    const later = applyEvents(state, [hostUp('h2', { latencyMs: 3 })]);
    expect(zabbixValues(later, 'dockpit', 0).find((v) => v.key === 'dockpit.host.up[h2]')?.value).toBe(1);
  });
});

/** A trapper that answers like Zabbix 6.0 does: refusing the keys it doesn't know. */
async function fakeTrapper(known: (key: string) => boolean): Promise<{ addr: string; received: ZabbixValue[]; connections: number; close(): Promise<void> }> {
  const t = { addr: '', received: [] as ZabbixValue[], connections: 0, close: async () => {} };
  const server = net.createServer((sock) => {
    t.connections++;
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const msg = unframeZabbix(buf);
      if (!msg) return;
      const data = (JSON.parse(msg.body) as { data: ZabbixValue[] }).data;
      const ok = data.filter((v) => known(v.key));
      t.received.push(...ok);
      const info = `processed: ${ok.length}; failed: ${data.length - ok.length}; total: ${data.length}; seconds spent: 0.000100`;
      sock.end(frameZabbix({ response: 'success', info }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.addr = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  t.close = () => new Promise<void>((r) => server.close(() => r()));
  return t;
}

describe('Zabbix sink', () => {
  let sink: ZabbixSink | null = null;
  afterEach(async () => {
    await sink?.close(0);
    sink = null;
  });

  it('sends transitions as dockpit.alert lines and the firing count; counts the values the server refused', async () => {
    const trapper = await fakeTrapper((k) => k !== 'dockpit.line.running[gone]');
    sink = createZabbixSink({ server: trapper.addr, host: 'dockpit', now: () => 1_700_000_000_000 });
    sink.send([firing(1), firing(2)]);
    sink.send([resolved(1), { kind: 'refresh', alert: alert(2) }]);
    await until(() => sink!.stats().sent === 5);
    expect(trapper.received.map((v) => [v.key, v.value])).toEqual([
      ['dockpit.alert', 'FIRING critical restartLoop h1/web-1: h1/web-1: restarted 4 times in 2 min'],
      ['dockpit.alert', 'FIRING critical restartLoop h1/web-2: h1/web-2: restarted 4 times in 2 min'],
      ['dockpit.alerts.firing', '2'],
      ['dockpit.alert', 'RESOLVED critical restartLoop h1/web-1: h1/web-1: restarted 4 times in 2 min'],
      ['dockpit.alerts.firing', '1'],
    ]);
    expect(trapper.received.every((v) => v.host === 'dockpit')).toBe(true);
    // Two text values in one second stay apart by ns.
    expect(trapper.received[0]!.ns).not.toBe(trapper.received[1]!.ns);

    sink.sendValues([
      { host: 'dockpit', key: 'dockpit.line.running[shop]', value: 4, clock: 1 },
      { host: 'dockpit', key: 'dockpit.line.running[gone]', value: 0, clock: 1 },
    ]);
    await until(() => sink!.stats().failed === 1);
    expect(sink.stats()).toMatchObject({ sent: 6, failed: 1, queued: 0, lastError: 'ZABBIX_FAILED: processed: 1; failed: 1; total: 2; seconds spent: 0.000100' });
    // Same item, clock and ns from two calls (the periodic values and a transition in one millisecond): Zabbix
    // would drop the second as a duplicate, so each value gets its own sub-millisecond ns.
    const twice = { host: 'dockpit', key: 'dockpit.alerts.firing', value: 0, clock: 5, ns: 7_000_000 };
    sink.sendValues([twice]);
    sink.sendValues([twice]);
    await until(() => sink!.stats().sent === 8);
    const stamped = trapper.received.slice(-2).map((v) => v.ns!);
    expect(stamped[0]).not.toBe(stamped[1]);
    expect(stamped.map((ns) => Math.floor(ns / 1_000_000))).toEqual([7, 7]);
    expect(sink.stats()).toMatchObject({ sent: 8, failed: 1, queued: 0, lastError: null });
    await trapper.close();
  });

  it('a server that is away: values wait, at most the bound, the oldest dropped', async () => {
    const trapper = await fakeTrapper(() => true);
    const addr = trapper.addr;
    await trapper.close();
    sink = createZabbixSink({ server: addr, host: 'dockpit', queue: 3, timeoutMs: 200 });
    sink.sendValues([1, 2, 3, 4, 5].map((n) => ({ host: 'dockpit', key: `k${n}`, value: n, clock: 1 })));
    await until(() => sink!.stats().failed >= 1);
    expect(sink.stats()).toMatchObject({ queued: 3, dropped: 2 });
    expect(sink.stats().lastError).toMatch(/^ECONNREFUSED/);
  });
});
