import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockpitError } from '../../src/engine/errors.js';
import { intToIp, ipToInt } from '../../src/pool/ipv4.js';
import { fileLedger, LEDGER_FILE } from '../../src/state/file/ledger.js';
import { holdName } from '../../src/state/file/name-locks.js';
import { NameBusyError, type Reservation } from '../../src/state/types.js';

// Issue 4, item 2: the ledger file, crash-safe and correct with several processes at once.

const run = promisify(execFile);
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-ledger-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const r = (name: string, ip: string): Reservation => ({ name, pool: 'lan', ip, line: 'news', host: 'h1', at: '2026-01-01T00:00:00.000Z', by: 'ops@jump' });
const add = (x: Reservation) => (current: readonly Reservation[]) => ({ next: [...current, x], result: x.ip });

async function thrown(p: Promise<unknown>): Promise<DockpitError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DockpitError);
    return err as DockpitError;
  }
  throw new Error('did not throw');
}

describe('fileLedger', () => {
  it('an absent ledger (even an absent folder) is empty; list never creates anything', async () => {
    const ledger = fileLedger(path.join(dir, 'not', 'yet'));
    expect(await ledger.list()).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'not'))).toBe(false);
  });

  it('update writes a versioned JSON file, sorted by name, and list reads it back', async () => {
    const ledger = fileLedger(path.join(dir, 'state'));
    expect(await ledger.update(add(r('web-2', '10.88.1.1')))).toBe('10.88.1.1');
    await ledger.update(add(r('web-1', '10.88.1.0')));
    expect(await ledger.list()).toEqual([r('web-1', '10.88.1.0'), r('web-2', '10.88.1.1')]);
    const file = path.join(dir, 'state', LEDGER_FILE);
    expect(ledger.file).toBe(file);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ version: 1, reservations: [r('web-1', '10.88.1.0'), r('web-2', '10.88.1.1')] });
    // No temp file and no lock left behind.
    expect(fs.readdirSync(path.join(dir, 'state'))).toEqual([LEDGER_FILE]);
  });

  it('nothing is written when change throws, and the lock is released', async () => {
    const ledger = fileLedger(dir);
    await ledger.update(add(r('a', '10.88.1.0')));
    const before = fs.readFileSync(path.join(dir, LEDGER_FILE));
    await expect(ledger.update(() => {
      throw new Error('no thanks');
    })).rejects.toThrow('no thanks');
    expect(fs.readFileSync(path.join(dir, LEDGER_FILE))).toEqual(before);
    await ledger.update(add(r('b', '10.88.1.1')));
    expect((await ledger.list()).map((x) => x.name)).toEqual(['a', 'b']);
  });

  it('refuses to write one address or one name twice', async () => {
    const ledger = fileLedger(dir);
    await ledger.update(add(r('a', '10.88.1.0')));
    expect((await thrown(ledger.update(add(r('b', '10.88.1.0'))))).toString()).toBe('CONFLICT: ledger: 10.88.1.0 would be reserved for both a and b');
    expect((await thrown(ledger.update(add(r('a', '10.88.1.5'))))).toString()).toBe('CONFLICT: ledger: a would be reserved twice');
    expect(await ledger.list()).toEqual([r('a', '10.88.1.0')]);
  });

  it('an unreadable ledger is an error, never an empty one, and is left as it is', async () => {
    const file = path.join(dir, LEDGER_FILE);
    const ledger = fileLedger(dir);
    fs.writeFileSync(file, '{"version":1,"reservations":[{"name":"a"');
    expect((await thrown(ledger.list())).code).toBe('PARSE');
    expect((await thrown(ledger.update(add(r('b', '10.88.1.1'))))).message).toMatch(/not JSON .*dockpit will not overwrite it/);
    fs.writeFileSync(file, JSON.stringify({ version: 1, reservations: [{ name: 'a', pool: 'lan' }] }));
    expect((await thrown(ledger.list())).message).toBe(`ledger ${file}: reservations.0.ip: Invalid input: expected string, received undefined; fix or restore it, dockpit will not overwrite it`);
    expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify({ version: 1, reservations: [{ name: 'a', pool: 'lan' }] }));
  });

  it('keeps fields it does not know (a newer dockpit’s) when it rewrites the file', async () => {
    const file = path.join(dir, LEDGER_FILE);
    fs.writeFileSync(file, JSON.stringify({ version: 1, journal: [1, 2], reservations: [{ ...r('a', '10.88.1.0'), lease: 'x' }] }));
    await fileLedger(dir).update(add(r('b', '10.88.1.1')));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ version: 1, journal: [1, 2], reservations: [{ ...r('a', '10.88.1.0'), lease: 'x' }, r('b', '10.88.1.1')] });
  });

  it('a temp file left by a crash mid-write changes nothing', async () => {
    const ledger = fileLedger(dir);
    await ledger.update(add(r('a', '10.88.1.0')));
    fs.writeFileSync(path.join(dir, `.${LEDGER_FILE}.999.crash.tmp`), '{"version":1,"reserv');
    expect(await ledger.list()).toEqual([r('a', '10.88.1.0')]);
    await ledger.update(add(r('b', '10.88.1.1')));
    expect((await ledger.list()).length).toBe(2);
  });

  it('a lock left by a killed process is taken over once stale (10 s without refresh)', async () => {
    const lock = path.join(dir, `${LEDGER_FILE}.lock`);
    fs.mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    const t0 = performance.now();
    await fileLedger(dir).update(add(r('a', '10.88.1.0')));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('a live lock is waited for', async () => {
    const lock = path.join(dir, `${LEDGER_FILE}.lock`);
    fs.mkdirSync(lock);
    setTimeout(() => fs.rmdirSync(lock), 300);
    const t0 = performance.now();
    await fileLedger(dir).update(add(r('a', '10.88.1.0')));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('concurrent updates in one process serialize: none is lost', async () => {
    const ledger = fileLedger(dir);
    const next = (name: string) => (current: readonly Reservation[]) => {
      const ip = intToIp(ipToInt('10.88.1.0')! + current.length);
      return { next: [...current, r(name, ip)], result: ip };
    };
    const ips = await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.update(next(`n${i}`))));
    expect(new Set(ips).size).toBe(20);
    expect((await ledger.list()).length).toBe(20);
  });

  it('N real processes × M reservations each: no address twice, no write lost', async () => {
    // The racers are plain node processes: they run the built ledger and allocator.
    for (const m of ['state/file/ledger', 'pool/allocate']) {
      const dist = path.resolve(`dist/${m}.js`);
      if (!fs.existsSync(dist) || fs.statSync(dist).mtimeMs < fs.statSync(path.resolve(`src/${m}.ts`)).mtimeMs) {
        throw new Error(`dist/${m}.js is missing or older than its source: run \`npm run build\` first`);
      }
    }
    const N = 8;
    const M = 25;
    const start = Date.now() + 1500; // every racer loaded and waiting by then
    const fixture = path.resolve('test/unit/fixtures/ledger-racer.mjs');
    const outs = await Promise.all(
      Array.from({ length: N }, (_, i) => run('node', [fixture, dir, `p${i}`, String(M), String(start)]).then((o) => JSON.parse(o.stdout) as Record<string, string>)),
    );
    const got = Object.assign({}, ...outs) as Record<string, string>;
    const ledger = await fileLedger(dir).list();
    expect(ledger.length).toBe(N * M);
    expect(Object.keys(got).length).toBe(N * M);
    // What each process was told is what the ledger holds.
    expect(Object.fromEntries(ledger.map((x) => [x.name, x.ip]))).toEqual(got);
    // Distinct, and exactly the lowest N × M addresses after the network address and the gateway.
    const ips = ledger.map((x) => ipToInt(x.ip)!).sort((a, b) => a - b);
    expect(new Set(ips).size).toBe(N * M);
    expect(ips.map(intToIp)).toEqual(Array.from({ length: N * M }, (_, k) => intToIp(ipToInt('10.88.0.2')! + k)));
    // The racers really overlapped: each one's reservations are interleaved with others'.
    const order = [...ledger].sort((a, b) => ipToInt(a.ip)! - ipToInt(b.ip)!).map((x) => x.by);
    const switches = order.filter((by, k) => k > 0 && by !== order[k - 1]).length;
    expect(switches).toBeGreaterThan(N);
  }, 60_000);
});

describe('holdName: one placement per name at a time', () => {
  it('a second hold of the same name fails at once, naming who holds it and since when', async () => {
    const hold = await holdName(dir, 'web-1', 'alice@jump', () => new Date('2026-03-01T10:00:00.000Z'));
    const t0 = performance.now();
    let busy: unknown;
    try {
      await holdName(dir, 'web-1', 'bob@jump');
    } catch (err) {
      busy = err;
    }
    expect(busy).toBeInstanceOf(NameBusyError);
    expect((busy as Error).message).toBe('web-1 is being placed by another dockpit (alice@jump) since 2026-03-01T10:00:00.000Z');
    expect((busy as NameBusyError).code).toBe('CONFLICT'); // a coded error: the place service maps it by type to its BUSY refusal (exit 1)
    expect(performance.now() - t0).toBeLessThan(1000);
    // Another name is free meanwhile.
    await (await holdName(dir, 'web-2', 'bob@jump')).release();
    await hold.release();
    expect(fs.readdirSync(path.join(dir, 'placing'))).toEqual([]);
    await (await holdName(dir, 'web-1', 'bob@jump')).release();
  });

  it('a hold left by a killed process is taken over once stale', async () => {
    fs.mkdirSync(path.join(dir, 'placing', 'web-1.lock'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'placing', 'web-1.owner.json'), JSON.stringify({ by: 'dead@jump', since: '2026-01-01T00:00:00.000Z', pid: 1 }));
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, 'placing', 'web-1.lock'), old, old);
    const hold = await holdName(dir, 'web-1', 'bob@jump');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'placing', 'web-1.owner.json'), 'utf8'))).toMatchObject({ by: 'bob@jump', pid: process.pid });
    await hold.release();
  });
});
