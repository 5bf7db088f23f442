import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import type { EtcdStateConfig } from '../../src/config/types.js';
import type { ContainerInspect } from '../../src/engine/container-inspect.js';
import { GENESIS_HASH } from '../../src/state/audit-chain.js';
import { etcdState } from '../../src/state/etcd/etcd-state.js';
import {
  LockBusyError,
  NameBusyError,
  StateError,
  type AuditEntry,
  type InspectRecord,
  type JournalEntry,
  type Reservation,
  type StateChange,
  type StateStore,
} from '../../src/state/types.js';

// Issue 11: the etcd backend of the state layer, against a real etcd (3.4, auth enabled, dockpit's own
// user limited to its prefix, as the README recommends). Each test works under a prefix of its own. The
// etcd is this file's own, on loopback ports that were free, started in beforeAll and removed in
// afterAll: the test needs nothing from the Docker fleet.
//
// A jump host cut off from etcd (packets dropped: calls hang) is played by a TCP proxy in front of etcd
// that stops forwarding without closing anything.

const run = promisify(execFile);
const TTL = 2;
const CALL_MS = 1000;
const OPERATOR = { user: 'alice', from: 'jump-a' };
const DOCKPIT_PASSWORD = crypto.randomBytes(9).toString('hex');
const ROOT_PASSWORD = crypto.randomBytes(9).toString('hex');

// --- a private etcd ----------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

interface TestEtcd {
  endpoint: string;
  dataDir: string;
  proc: ChildProcess;
  /** etcdctl's flags for reaching it (the CA for a TLS one). */
  flags: string[];
}

/** The TLS material of the TLS member: a CA, the member's certificate for 127.0.0.1, another CA. */
interface Pki {
  ca: string;
  cert: string;
  key: string;
  otherCa: string;
}

let etcd: TestEtcd;
let tlsEtcd: TestEtcd;
let pki: Pki;

const etcdctlAt = (e: TestEtcd, ...args: string[]) => run('etcdctl', [`--endpoints=${e.endpoint}`, ...e.flags, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });

async function makePki(dir: string): Promise<Pki> {
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => run('openssl', args);
  await ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=dockpit-test-ca');
  await ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('member.key'), '-out', f('member.csr'), '-subj', '/CN=etcd-member');
  fs.writeFileSync(f('ext'), 'subjectAltName=IP:127.0.0.1\n');
  await ssl('x509', '-req', '-in', f('member.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('member.pem'), '-days', '2', '-extfile', f('ext'));
  await ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('other.key'), '-out', f('other.pem'), '-days', '2', '-subj', '/CN=some-other-ca');
  return { ca: f('ca.pem'), cert: f('member.pem'), key: f('member.key'), otherCa: f('other.pem') };
}

/** A single-member etcd on free loopback ports, auth enabled as the README recommends. */
async function startEtcd(tls: Pki | null): Promise<TestEtcd> {
  const [client, peer] = [await freePort(), await freePort()];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-etcd-test-'));
  const log = fs.openSync(path.join(dataDir, 'etcd.log'), 'a');
  const endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${client}`;
  const proc = spawn(
    'etcd',
    [
      '--name', 't', '--data-dir', path.join(dataDir, 'data'),
      '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `t=http://127.0.0.1:${peer}`,
      ...(tls ? ['--cert-file', tls.cert, '--key-file', tls.key] : []),
    ],
    { stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  const e: TestEtcd = { endpoint, dataDir, proc, flags: tls ? [`--cacert=${tls.ca}`] : [] };
  const until = Date.now() + 20_000;
  for (;;) {
    try {
      await etcdctlAt(e, 'endpoint', 'health');
      break;
    } catch (err) {
      if (Date.now() > until || proc.exitCode !== null) throw new Error(`etcd did not start: ${fs.readFileSync(path.join(dataDir, 'etcd.log'), 'utf8').slice(-2000)}`, { cause: err });
      await sleep(100);
    }
  }
  // The recommended setup: dockpit's own user, a role limited to the prefix; `other` may use another one.
  await etcdctlAt(e, 'user', 'add', `root:${ROOT_PASSWORD}`);
  await etcdctlAt(e, 'role', 'add', 'dockpit');
  await etcdctlAt(e, 'role', 'grant-permission', 'dockpit', '--prefix=true', 'readwrite', '/dockpit/');
  await etcdctlAt(e, 'user', 'add', `dockpit:${DOCKPIT_PASSWORD}`);
  await etcdctlAt(e, 'user', 'grant-role', 'dockpit', 'dockpit');
  await etcdctlAt(e, 'role', 'add', 'other');
  await etcdctlAt(e, 'role', 'grant-permission', 'other', '--prefix=true', 'readwrite', '/other/');
  await etcdctlAt(e, 'user', 'add', `other:${DOCKPIT_PASSWORD}`);
  await etcdctlAt(e, 'user', 'grant-role', 'other', 'other');
  await etcdctlAt(e, 'auth', 'enable');
  return e;
}

async function stopEtcd(e: TestEtcd | undefined): Promise<void> {
  if (!e) return;
  if (e.proc.exitCode === null) {
    const exited = new Promise((r) => e.proc.once('exit', r));
    e.proc.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (e.proc.exitCode === null) e.proc.kill('SIGKILL');
  }
  fs.rmSync(e.dataDir, { recursive: true, force: true });
}

// --- a link that can be cut --------------------------------------------------------------------------

/** A TCP proxy to etcd. `cut()` stops forwarding (connections stay open, calls hang); `heal()` resets them. */
interface Link {
  endpoint: string;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

async function linkTo(target: string): Promise<Link> {
  const { hostname, port } = new URL(target);
  let cut = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(Number(port), hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    inbound.on('data', (d) => !cut && outbound.write(d));
    outbound.on('data', (d) => !cut && inbound.write(d));
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const destroyAll = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    cut: () => {
      cut = true;
    },
    heal: () => {
      cut = false;
      destroyAll(); // what was swallowed broke those streams: start clean
    },
    close: async () => {
      destroyAll();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A server that accepts connections and never answers (a member whose process hangs). */
async function silentServer(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

// --- helpers -----------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined> | T | null | undefined, ms = 10_000, every = 25): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null && v !== undefined && v !== false) return v;
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

const freshPrefix = (tag: string) => `/dockpit/t-${tag}-${crypto.randomBytes(4).toString('hex')}/`;

function config(prefix: string, over: Partial<EtcdStateConfig> = {}): EtcdStateConfig {
  return {
    kind: 'etcd',
    endpoints: [etcd.endpoint],
    prefix,
    tls: null,
    auth: { username: 'dockpit', password: DOCKPIT_PASSWORD },
    leaseTtlSec: TTL,
    callTimeoutMs: CALL_MS,
    retention: { journalsMs: 30 * 86_400_000, auditMs: 180 * 86_400_000 },
    ...over,
  };
}

const opened: StateStore[] = [];
const links: Link[] = [];

function open(prefix: string, over: Partial<EtcdStateConfig> = {}, operator = OPERATOR, now?: () => Date): StateStore {
  const s = etcdState(config(prefix, over), { operator, ...(now && { now }) });
  opened.push(s);
  return s;
}

/** A raw client as root, to look behind dockpit's back. */
function rootClient(): Etcd3 {
  return new Etcd3({ hosts: [etcd.endpoint], auth: { username: 'root', password: ROOT_PASSWORD } });
}

async function thrown(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

const reservation = (name: string, ip: string, pool = 'biz'): Reservation => ({ name, pool, ip, line: null, host: 'h1', at: new Date().toISOString(), by: 'alice@jump-a' });

type Rec = JournalEntry & Record<string, unknown>;
/** What is appended: a record without its `at`. */
type In = { kind: string; runId: string } & Record<string, unknown>;
const KINDS: ReadonlySet<string> = new Set(['run.start', 'intent', 'outcome', 'run.resume', 'run.end']);
const MIG_KINDS: ReadonlySet<string> = new Set(['mig.start', 'mig.end']);

function inspectOf(name: string, env: string[] = ['A=1'], pid = 42): ContainerInspect {
  return {
    Id: `id-${name}`,
    Name: `/${name}`,
    Image: 'sha256:abc',
    Config: { Image: 'busybox', Env: env, Cmd: ['sleep', '1'] },
    HostConfig: { NanoCpus: 0, Memory: 0 },
    State: { Status: 'running', Pid: pid, StartedAt: new Date().toISOString() },
    NetworkSettings: { Networks: {} },
  } as unknown as ContainerInspect;
}

// --- process hygiene: nothing unhandled, no warnings -------------------------------------------------

const problems: string[] = [];
const onRejection = (reason: unknown) => problems.push(`unhandled rejection: ${String(reason)}`);
const onWarning = (w: Error) => problems.push(`warning: ${w.name}: ${w.message}`);

let pkiDir: string;

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  process.on('warning', onWarning);
  pkiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-etcd-pki-'));
  pki = await makePki(pkiDir);
  [etcd, tlsEtcd] = await Promise.all([startEtcd(null), startEtcd(pki)]);
}, 60_000);

afterEach(async () => {
  for (const l of links.splice(0)) l.heal();
  await Promise.all(opened.splice(0).map((s) => s.close()));
  for (const l of links.splice(0)) await l.close();
});

afterAll(async () => {
  await Promise.all([stopEtcd(etcd), stopEtcd(tlsEtcd)]);
  if (pkiDir) fs.rmSync(pkiDir, { recursive: true, force: true });
  process.off('unhandledRejection', onRejection);
  process.off('warning', onWarning);
  expect(problems).toEqual([]);
});

// --- tests -------------------------------------------------------------------------------------------

describe('etcd state: connection', () => {
  it('contacts nothing until used, and names where it is', async () => {
    const port = await freePort();
    const s = open('/dockpit/', { endpoints: [`http://127.0.0.1:${port}`, 'http://127.0.0.2:2379/'] });
    expect(s.kind).toBe('etcd');
    expect(s.where).toBe(`etcd://127.0.0.1:${port},127.0.0.2:2379/dockpit/`);
    expect(s.audit.where).toBe(`etcd://127.0.0.1:${port},127.0.0.2:2379/dockpit/audit/`);
    // Subscribing and closing with nothing listening there: no error, no hang.
    const stop = s.watch(() => undefined);
    stop();
  });

  it('ready() fails fast with a StateError naming the endpoint when nothing listens there', async () => {
    const port = await freePort();
    const s = open('/dockpit/', { endpoints: [`http://127.0.0.1:${port}`] });
    const t0 = performance.now();
    const err = await thrown(s.ready());
    const ms = performance.now() - t0;
    expect(err).toBeInstanceOf(StateError);
    expect((err as StateError).code).toBe('STATE');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).toMatch(/unreachable.*ECONNREFUSED/);
    expect(ms).toBeLessThan(CALL_MS + 500);
    // Every other use fails the same way, just as fast.
    const t1 = performance.now();
    expect(await thrown(s.locks.acquire('20240101T000000Z-aaaaaa', 'alice@jump-a', []))).toBeInstanceOf(StateError);
    expect(await thrown(s.ledger.list())).toBeInstanceOf(StateError);
    expect(performance.now() - t1).toBeLessThan(2 * CALL_MS + 500);
  });

  it('ready() gives up after callTimeoutMs on a member that accepts and never answers', async () => {
    const silent = await silentServer();
    try {
      const s = open('/dockpit/', { endpoints: [silent.endpoint] });
      const t0 = performance.now();
      const err = await thrown(s.ready());
      const ms = performance.now() - t0;
      expect(err).toBeInstanceOf(StateError);
      expect(err.message).toContain(silent.endpoint);
      expect(ms).toBeGreaterThan(CALL_MS - 100);
      expect(ms).toBeLessThan(CALL_MS + 500);
      // close() does not hang on it either.
      const t1 = performance.now();
      await s.close();
      expect(performance.now() - t1).toBeLessThan(CALL_MS + 500);
    } finally {
      await silent.close();
    }
  });

  it('says so when the password is wrong, or the user may not use the prefix', async () => {
    const wrong = open(freshPrefix('auth'), { auth: { username: 'dockpit', password: 'not-it' } });
    const err = await thrown(wrong.ready());
    expect(err).toBeInstanceOf(StateError);
    expect(err.message).toMatch(/authentication failed for user dockpit/);
    const other = open(freshPrefix('perm'), { auth: { username: 'other', password: DOCKPIT_PASSWORD } });
    const denied = await thrown(other.ready());
    expect(denied).toBeInstanceOf(StateError);
    expect(denied.message).toMatch(/permission denied for user other/);
  });

  it('says so when a TLS file cannot be read', async () => {
    const s = open(freshPrefix('tls'), { endpoints: ['https://127.0.0.1:1'], tls: { ca: '/nonexistent/ca.pem', cert: null, key: null } });
    const err = await thrown(s.ready());
    expect(err).toBeInstanceOf(StateError);
    expect(err.message).toMatch(/cannot read the TLS ca file \/nonexistent\/ca.pem \(ENOENT\)/);
  });

  it('talks TLS to a member by its address, and says why when the certificate is not trusted', async () => {
    const tls = { ca: pki.ca, cert: null, key: null };
    const s = open(freshPrefix('tls-ok'), { endpoints: [tlsEtcd.endpoint], tls });
    await s.ready();
    await s.ledger.update(() => ({ next: [reservation('t1', '10.0.7.1')], result: undefined }));
    expect((await s.ledger.list()).map((r) => r.name)).toEqual(['t1']);
    // (No DeprecationWarning about an IP address as TLS servername: the hygiene check in afterAll.)
    const wrong = open(freshPrefix('tls-bad'), { endpoints: [tlsEtcd.endpoint], tls: { ...tls, ca: pki.otherCa } });
    const err = await thrown(wrong.ready());
    expect(err).toBeInstanceOf(StateError);
    expect(err.message).toContain(tlsEtcd.endpoint);
    expect(err.message).toMatch(/unreachable \(127\.0\.0\.1:\d+: TLS: unable to verify the first certificate\)/);
    const plain = open(freshPrefix('tls-plain'), { endpoints: [tlsEtcd.endpoint.replace('https:', 'http:')] });
    expect((await thrown(plain.ready())).message).toMatch(/members accept connections, but gRPC calls fail: check http:\/\/ or https:\/\//);
  });

  it("refuses a prefix that holds somebody else's keys, as a config error naming it", async () => {
    const prefix = freshPrefix('foreign');
    const s = open(prefix);
    await s.ready(); // empty: fine
    await s.audit.append({ action: 'x', targets: [], details: {}, outcome: 'ok' });
    await s.ledger.update(() => ({ next: [reservation('f1', '10.0.6.1')], result: undefined }));
    await s.ready(); // dockpit's own keys: fine
    const root = rootClient();
    try {
      for (const key of ['app/config', 'ledgerx', 'ledger.rev2', 'zzz']) {
        await root.put(`${prefix}${key}`).value('not dockpit');
        const err = await thrown(s.ready());
        expect(err, key).toBeInstanceOf(ConfigError);
        expect(err.message).toContain(`${prefix}${key}`);
        expect(String(err)).toMatch(/^state\.etcd\.prefix: /);
        await root.delete().key(`${prefix}${key}`);
      }
    } finally {
      root.close();
    }
    await s.ready();
  });

  it('ready() grants the lease and resolves against a live etcd', async () => {
    const s = open(freshPrefix('ready'));
    await s.ready();
    await s.audit.ready();
  });
});

describe('etcd state: ledger', () => {
  it('keeps read-decide-write atomic under 20 concurrent updaters from two processes', async () => {
    const prefix = freshPrefix('ledger');
    const a = open(prefix);
    const b = open(prefix, {}, { user: 'bob', from: 'jump-b' });
    const nextFree = (current: readonly Reservation[]) => {
      const used = new Set(current.map((r) => r.ip));
      for (let i = 10; ; i++) if (!used.has(`10.88.1.${i}`)) return `10.88.1.${i}`;
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).ledger.update((current) => {
          const ip = nextFree(current);
          return { next: [...current, reservation(`c${i}`, ip)], result: ip };
        }),
      ),
    );
    expect(new Set(results).size).toBe(20);
    const list = await a.ledger.list();
    expect(list).toHaveLength(20);
    expect(new Set(list.map((r) => r.ip)).size).toBe(20);
    expect(new Map(list.map((r) => [r.name, r.ip]))).toEqual(new Map(results.map((ip, i) => [`c${i}`, ip])));
    expect(list.map((r) => r.name)).toEqual([...list.map((r) => r.name)].sort());
    expect(a.ledger.where).toBe(`${a.where}ledger`);
  });

  it('writes nothing when change throws or would break the invariant; removes what change drops', async () => {
    const s = open(freshPrefix('ledger-inv'));
    await s.ledger.update(() => ({ next: [reservation('web', '10.0.0.1'), reservation('db', '10.0.0.2')], result: undefined }));
    const dup = await thrown(s.ledger.update((cur) => ({ next: [...cur, reservation('api', '10.0.0.1')], result: undefined })));
    expect(dup.message).toMatch(/10\.0\.0\.1 would be reserved for both web and api/);
    expect((dup as { code?: string }).code).toBe('CONFLICT');
    expect(await thrown(s.ledger.update(() => { throw new Error('changed my mind'); }))).toHaveProperty('message', 'changed my mind');
    expect((await s.ledger.list()).map((r) => r.name)).toEqual(['db', 'web']);
    // The same result without a write when nothing changes; a dropped reservation is deleted.
    expect(await s.ledger.update((cur) => ({ next: [...cur], result: 'same' }))).toBe('same');
    await s.ledger.update((cur) => ({ next: cur.filter((r) => r.name !== 'db'), result: undefined }));
    expect((await s.ledger.list()).map((r) => r.name)).toEqual(['web']);
  });

  it('refuses to read a damaged reservation instead of guessing', async () => {
    const prefix = freshPrefix('ledger-bad');
    const s = open(prefix);
    const root = rootClient();
    try {
      await root.put(`${prefix}ledger/biz/x`).value('{"name":"x"');
      const err = await thrown(s.ledger.list());
      expect((err as { code?: string }).code).toBe('PARSE');
      expect(err.message).toContain(`${prefix}ledger/biz/x: not JSON`);
    } finally {
      root.close();
    }
  });
});

describe('etcd state: locks', () => {
  const targets = [
    { id: 'aaa111', label: 'h1/web' },
    { id: 'bbb222', label: 'h1/db' },
  ];

  it('locks a set whole or not at all, names the holder, releases', async () => {
    const prefix = freshPrefix('locks');
    const a = open(prefix);
    const b = open(prefix, {}, { user: 'bob', from: 'jump-b' });
    const hold = await a.locks.acquire('20240101T000000Z-aaaaaa', 'alice@jump-a', targets);
    expect(hold.lost).toBeNull();
    const busy = await thrown(b.locks.acquire('20240101T000001Z-bbbbbb', 'bob@jump-b', [{ id: 'ccc333', label: 'h2/x' }, targets[1]!]));
    expect(busy).toBeInstanceOf(LockBusyError);
    expect((busy as LockBusyError).held).toEqual([{ target: targets[1], owner: expect.objectContaining({ runId: '20240101T000000Z-aaaaaa', operator: 'alice@jump-a', pid: process.pid, host: os.hostname() }) }]);
    expect(busy.message).toMatch(/h1\/db is locked by run 20240101T000000Z-aaaaaa of alice@jump-a/);
    // Nothing of the refused set was taken.
    const holders = await b.locks.holders();
    expect([...holders.keys()].sort()).toEqual(['aaa111', 'bbb222']);
    expect(holders.get('aaa111')).toMatchObject({ runId: '20240101T000000Z-aaaaaa', operator: 'alice@jump-a' });
    // The same run may take its locks again in the same process (its own keys).
    const again = await a.locks.acquire('20240101T000000Z-aaaaaa', 'alice@jump-a', targets);
    await hold.release();
    await again.release();
    expect((await b.locks.holders()).size).toBe(0);
    const hb = await b.locks.acquire('20240101T000001Z-bbbbbb', 'bob@jump-b', [{ id: 'ccc333', label: 'h2/x' }, targets[1]!]);
    await hb.release();
  });

  it('locks more containers than one etcd transaction takes', async () => {
    const prefix = freshPrefix('locks-many');
    const a = open(prefix);
    const b = open(prefix);
    const many = Array.from({ length: 250 }, (_, i) => ({ id: `c${String(i).padStart(4, '0')}`, label: `h1/c${i}` }));
    const hold = await a.locks.acquire('20240101T000000Z-many01', 'alice@jump-a', many);
    expect((await a.locks.holders()).size).toBe(250);
    // Overlapping only at the end: refused, and nothing of it kept.
    const busy = await thrown(b.locks.acquire('20240101T000000Z-many02', 'bob@jump-b', [{ id: 'a-first', label: 'h1/first' }, many[249]!]));
    expect(busy).toBeInstanceOf(LockBusyError);
    expect((await a.locks.holders()).has('a-first')).toBe(false);
    await hold.release();
    expect((await a.locks.holders()).size).toBe(0);
  });

  it('placement locks: one holder per name', async () => {
    const prefix = freshPrefix('names');
    const a = open(prefix);
    const b = open(prefix);
    const hold = await a.names.hold('web-1', 'alice@jump-a');
    const err = await thrown(b.names.hold('web-1', 'bob@jump-b'));
    expect(err).toBeInstanceOf(NameBusyError);
    expect((err as NameBusyError).by).toBe('alice@jump-a');
    expect((err as NameBusyError).since).toMatch(/^\d{4}-/);
    await b.names.hold('web-2', 'bob@jump-b');
    await hold.release();
    const hb = await b.names.hold('web-1', 'bob@jump-b');
    expect(hb.lost).toBeNull();
    await hb.release();
    expect(await thrown(a.names.hold('../x', 'alice@jump-a'))).toHaveProperty('code', 'PARSE');
  });

  it('a jump host cut off from etcd loses its lease within the TTL, stops, and another takes over after it', async () => {
    const prefix = freshPrefix('takeover');
    const link = await linkTo(etcd.endpoint);
    links.push(link);
    const a = open(prefix, { endpoints: [link.endpoint] });
    const b = open(prefix, {}, { user: 'bob', from: 'jump-b' });
    const runId = '20240101T000000Z-take01';
    const journalA = a.journal<Rec, In>('runs', KINDS);
    const journalB = b.journal<Rec, In>('runs', KINDS);
    await journalA.append({ kind: 'run.start', runId });
    const hold = await a.locks.acquire(runId, 'alice@jump-a', targets);
    const name = await a.names.hold('web-9', 'alice@jump-a');
    await journalA.append({ kind: 'intent', runId, seq: 0 });
    // While A holds the run, nobody else may write its journal.
    const refused = await thrown(journalB.append({ kind: 'intent', runId, seq: 1 }));
    expect(refused).toBeInstanceOf(StateError);
    expect(refused.message).toMatch(/is held by run .* of alice@jump-a on .*: this dockpit may not write its journal; record not written/);
    await sleep(1000); // a renewal or two went through

    const tCut = performance.now();
    link.cut();
    let tLost = 0;
    let tTaken = 0;
    await Promise.all([
      waitFor('A to notice', () => hold.lost !== null && (tLost = performance.now())),
      waitFor(
        'B to take the run',
        async () => {
          try {
            const h = await b.locks.acquire(runId, 'bob@jump-b', targets);
            tTaken = performance.now();
            return h;
          } catch (err) {
            if (err instanceof LockBusyError) return null;
            throw err;
          }
        },
        15_000,
        50,
      ),
    ]);
    // A stops before B can start: at most the TTL after its last renewal, whatever the link does.
    expect(tLost - tCut).toBeLessThan(TTL * 1000 + 200);
    expect(tLost).toBeLessThan(tTaken);
    expect(hold.lost!.message).toMatch(/lost its etcd lease at .*: another jump host may take over; stopped before touching anything else/);
    expect(name.lost).toBe(hold.lost);
    // A's appends are refused (A knows it lost the lease), B's go through, also once the link is back.
    const stale = await thrown(journalA.append({ kind: 'outcome', runId, seq: 0 }));
    expect(stale).toBeInstanceOf(StateError);
    expect(stale.message).toMatch(/lost its etcd lease/);
    link.heal();
    expect(await thrown(journalA.append({ kind: 'outcome', runId, seq: 0 }))).toBeInstanceOf(StateError);
    await journalB.append({ kind: 'run.resume', runId });
    expect((await journalB.read(runId)).map((r) => r.kind)).toEqual(['run.start', 'intent', 'run.resume']);
    // A can work again on something else with a new lease once etcd answers.
    await waitFor('A back', async () => a.ready().then(() => true, () => null), 10_000, 200);
    const other = await a.locks.acquire('20240101T000002Z-take02', 'alice@jump-a', [{ id: 'ddd444', label: 'h3/z' }]);
    expect(other.lost).toBeNull();
    // And a lost hold's release is a no-op, not an error.
    await hold.release();
  });

  it("a stale holder that hasn't noticed yet is fenced by etcd itself", async () => {
    const prefix = freshPrefix('fence');
    // A long TTL: A's next renewal (which would tell it) is 10 s away, so etcd's compare is what refuses.
    const a = open(prefix, { leaseTtlSec: 30 });
    const b = open(prefix, {}, { user: 'bob', from: 'jump-b' });
    const runId = '20240101T000000Z-fence1';
    const journalA = a.journal<Rec, In>('runs', KINDS);
    const hold = await a.locks.acquire(runId, 'alice@jump-a', targets);
    await journalA.append({ kind: 'run.start', runId });
    // Revoke A's lease behind its back (as an expiry A had not seen yet would), and let B take the run.
    const root = rootClient();
    try {
      const claim = (await root.get(`${prefix}claims/${runId}`).exec()).kvs[0]!;
      await root.leaseClient.leaseRevoke({ ID: claim.lease });
    } finally {
      root.close();
    }
    const hb = await b.locks.acquire(runId, 'bob@jump-b', targets);
    const err = await thrown(journalA.append({ kind: 'intent', runId, seq: 0 }));
    expect(err).toBeInstanceOf(StateError);
    expect(err.message).toMatch(/lost its etcd lease .*the run is now held by run .* of bob@jump-b .*: another jump host took it over; record not written/);
    expect(hold.lost).not.toBeNull();
    expect((await journalA.read(runId)).map((r) => r.kind)).toEqual(['run.start']);
    await hb.release();
  });

  it('a process that stops renewing frees its locks after the TTL (resume elsewhere)', async () => {
    const prefix = freshPrefix('expiry');
    const link = await linkTo(etcd.endpoint);
    links.push(link);
    const a = open(prefix, { endpoints: [link.endpoint] });
    const b = open(prefix);
    await a.locks.acquire('20240101T000000Z-exp001', 'alice@jump-a', targets);
    link.cut(); // as good as dead to etcd
    const t0 = performance.now();
    await waitFor('locks to expire', async () => ((await b.locks.holders()).size === 0 ? true : null), 10_000, 50);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(TTL * 1000 + 1500);
  });
});

describe('etcd state: journals', () => {
  it('reads records back in append order, lists runs sorted, and fences unclaimed runs only by claims', async () => {
    const prefix = freshPrefix('journal');
    let t = Date.parse('2024-05-01T10:00:00Z');
    const s = open(prefix, {}, OPERATOR, () => new Date(t));
    const runs = s.journal<Rec, In>('runs', KINDS);
    const migs = s.journal<Rec, In>('migrations', MIG_KINDS);
    const ids = ['20240501T100002Z-cccccc', '20240501T100000Z-aaaaaa', '20240501T100001Z-bbbbbb'];
    for (const runId of ids) {
      const r = await runs.append({ kind: 'run.start', runId, plan: 'p' });
      expect(Object.keys(r)[0]).toBe('at');
      expect(r.at).toBe(new Date(t).toISOString());
      for (let seq = 0; seq < 30; seq++) await runs.append({ kind: seq % 2 ? 'outcome' : 'intent', runId, seq });
      await runs.append({ kind: 'run.end', runId, status: 'done' });
      t -= 1000; // a clock that goes back does not reorder a run's records
    }
    await migs.append({ kind: 'mig.start', runId: '20240501T090000Z-mmmmmm' });
    const read = await runs.read(ids[0]!);
    expect(read.map((r) => r.kind)).toEqual(['run.start', ...Array.from({ length: 30 }, (_, i) => (i % 2 ? 'outcome' : 'intent')), 'run.end']);
    expect(read.slice(1, -1).map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(await runs.runs()).toEqual([...ids].sort());
    expect(await migs.runs()).toEqual(['20240501T090000Z-mmmmmm']);
    expect(await runs.read('20240501T000000Z-nobody')).toEqual([]);
    expect(await thrown(runs.read('../x'))).toHaveProperty('code', 'PARSE');
    expect(await thrown(runs.append({ kind: 'intent', runId: 'a/b' }))).toHaveProperty('code', 'PARSE');
  });

  it('concurrent appends of one run are all kept, in commit order', async () => {
    const s = open(freshPrefix('journal-par'));
    const runs = s.journal<Rec, In>('runs', KINDS);
    const runId = '20240501T100000Z-par001';
    const written = await Promise.all(Array.from({ length: 40 }, (_, seq) => runs.append({ kind: 'intent', runId, seq })));
    const read = await runs.read(runId);
    expect(read).toHaveLength(40);
    expect(new Set(read.map((r) => r.seq))).toEqual(new Set(written.map((r) => r.seq)));
  });

  it('a damaged record is an error naming its key, not a hole', async () => {
    const prefix = freshPrefix('journal-bad');
    const s = open(prefix);
    const runs = s.journal<Rec, In>('runs', KINDS);
    const runId = '20240501T100000Z-bad001';
    await runs.append({ kind: 'run.start', runId });
    await s.import.journal('runs', runId, [{ at: '2024-05-01T10:00:01.000Z', kind: 'mig.start', runId }]);
    const err = await thrown(runs.read(runId));
    expect(err).toHaveProperty('code', 'PARSE');
    expect(err.message).toContain(`${prefix}journals/runs/${runId}/`);
  });
});

describe('etcd state: audit log', () => {
  it('appends entries and reads them back in order, since a time', async () => {
    let t = Date.parse('2024-05-01T10:00:00Z');
    const s = open(freshPrefix('audit'), {}, OPERATOR, () => new Date(t));
    const a1 = await s.audit.append({ action: 'container.run', targets: ['h1/web'], details: { ip: '10.0.0.1' }, outcome: 'ok' });
    t += 1000;
    const a2 = await s.audit.append({ action: 'container.run', targets: ['h1/db'], details: {}, outcome: 'failed', error: 'CONFLICT: taken' });
    t += 1000;
    const a3 = await s.audit.append({ action: 'plan.stop', targets: ['h2/x'], details: {}, outcome: 'refused' });
    // Issue 17, item 4: each entry is linked to the one before (seq 1 to the genesis).
    expect(a1).toEqual({ at: '2024-05-01T10:00:00.000Z', user: 'alice', from: 'jump-a', action: 'container.run', targets: ['h1/web'], details: { ip: '10.0.0.1' }, outcome: 'ok', seq: 1, prev: GENESIS_HASH });
    expect([a2.seq, a3.seq]).toEqual([2, 3]);
    expect(new Set([a1.prev, a2.prev, a3.prev]).size).toBe(3);
    expect(await s.audit.verify()).toMatchObject({ ok: true, entries: 3, chained: 3, break: null });
    expect(await s.audit.read()).toEqual([a1, a2, a3]);
    expect(await s.audit.read({ since: new Date('2024-05-01T10:00:01Z') })).toEqual([a2, a3]);
    expect(await s.audit.read({ since: new Date('2024-05-01T10:00:01.001Z') })).toEqual([a3]);
    expect(s.audit.operator).toEqual(OPERATOR);
  });

  it('verify names an entry edited, deleted or swapped behind dockpit\'s back (issue 17, item 4)', async () => {
    const root = rootClient();
    try {
      // Five linked entries under a prefix of their own; the keys in the log's order (all written by one clock).
      const log = async (tag: string) => {
        const prefix = freshPrefix(tag);
        const s = open(prefix);
        for (let i = 0; i < 5; i++) await s.audit.append({ action: 'container.run', targets: [`h1/c${i}`], details: {}, outcome: 'ok' });
        const keys = await root.getAll().prefix(`${prefix}audit/`).keys();
        expect(keys).toHaveLength(5);
        expect(await s.audit.verify()).toMatchObject({ ok: true, chained: 5, break: null });
        return { s, keys };
      };

      const edited = await log('audit-edit');
      const value = await root.get(edited.keys[2]!).string();
      await root.put(edited.keys[2]!).value(value!.replace('"outcome":"ok"', '"outcome":"failed"'));
      expect(await edited.s.audit.verify()).toMatchObject({ ok: false, break: { kind: 'changed', line: 3, seq: 3 } });

      const deleted = await log('audit-delete');
      await root.delete().key(deleted.keys[2]!);
      expect(await deleted.s.audit.verify()).toMatchObject({ ok: false, break: { kind: 'removed', line: 3, seq: 4 } });

      // Two values exchanged: each key keeps its place in etcd's commit order, the entries' links do not.
      const swapped = await log('audit-swap');
      const [v1, v2] = await Promise.all([root.get(swapped.keys[1]!).string(), root.get(swapped.keys[2]!).string()]);
      await root.put(swapped.keys[1]!).value(v2!);
      await root.put(swapped.keys[2]!).value(v1!);
      expect(await swapped.s.audit.verify()).toMatchObject({ ok: false, break: { kind: 'reordered', line: 2, seq: 3 } });
    } finally {
      root.close();
    }
  });
});

describe('etcd state: inspect records', () => {
  it('saves, skips an unchanged configuration, lists, names hosts, removes', async () => {
    const prefix = freshPrefix('records');
    const s = open(prefix);
    expect(await s.records.save('h1', inspectOf('web'))).toBe(true);
    expect(await s.records.save('h1', inspectOf('web', ['A=1'], 43))).toBe(false); // only the pid changed
    expect(await s.records.save('h1', inspectOf('web', ['A=2', 'DB_PASSWORD=s3cret']))).toBe(true);
    expect(await s.records.save('h1', inspectOf('api'))).toBe(true);
    expect(await s.records.save('h2', inspectOf('db'))).toBe(true);
    const web = await s.records.load('h1', 'web');
    expect(web).toMatchObject({ host: 'h1', name: 'web', id: 'id-web' });
    expect(web!.inspect.Config.Env).toEqual(['A=2', 'DB_PASSWORD=s3cret']);
    expect((await s.records.list('h1')).map((r) => r.name)).toEqual(['api', 'web']);
    expect(await s.records.hosts()).toEqual(['h1', 'h2']);
    await s.records.remove('h1', 'web');
    expect(await s.records.load('h1', 'web')).toBeNull();
    expect(await s.records.load('h9', 'none')).toBeNull();
    expect(await thrown(s.records.load('..', 'web'))).toHaveProperty('code', 'PARSE');
    expect(await thrown(s.records.save('h1/x', inspectOf('web')))).toHaveProperty('code', 'PARSE');
    // A hand-edited value is no record (the next save replaces it).
    const root = rootClient();
    try {
      await root.put(`${prefix}records/h2/db`).value('{oops');
    } finally {
      root.close();
    }
    expect(await s.records.load('h2', 'db')).toBeNull();
    expect(await s.records.list('h2')).toEqual([]);
    expect(await s.records.save('h2', inspectOf('db'))).toBe(true);
  });
});

describe('etcd state: watch', () => {
  it('tells listeners of ledger, lock and journal changes made by another process', async () => {
    const prefix = freshPrefix('watch');
    const a = open(prefix);
    const b = open(prefix);
    const seen: StateChange[] = [];
    const stop = a.watch((c) => seen.push(c));
    // Once live, the watch tells its listeners to re-read: what changed before it is not replayed.
    await waitFor('the watch to be live', () => seen.length >= 2);
    expect(seen).toEqual([{ kind: 'ledger' }, { kind: 'locks' }]);
    seen.length = 0;
    await b.ledger.update((cur) => ({ next: [...cur, reservation('w1', '10.0.9.1')], result: undefined }));
    await waitFor('ledger change', () => seen.some((c) => c.kind === 'ledger'));
    const hold = await b.locks.acquire('20240101T000000Z-watch1', 'bob@jump-b', [{ id: 'w1', label: 'h1/w1' }]);
    await waitFor('locks change', () => seen.some((c) => c.kind === 'locks'));
    await b.journal<Rec, In>('runs', KINDS).append({ kind: 'run.start', runId: '20240101T000000Z-watch1' });
    await waitFor('journal change', () => seen.find((c) => c.kind === 'journal'));
    expect(seen.find((c) => c.kind === 'journal')).toEqual({ kind: 'journal', journal: 'runs', runId: '20240101T000000Z-watch1' });
    // One change per transaction kind, not per key.
    expect(seen.filter((c) => c.kind === 'ledger')).toHaveLength(1);
    await b.audit.append({ action: 'x', targets: [], details: {}, outcome: 'ok' }); // nothing a watcher follows
    stop();
    const n = seen.length;
    await hold.release();
    await sleep(300);
    expect(seen.length).toBe(n);
  });

  it('carries on quietly across an outage and reports what changed meanwhile', async () => {
    const prefix = freshPrefix('watch-outage');
    const link = await linkTo(etcd.endpoint);
    links.push(link);
    const a = open(prefix, { endpoints: [link.endpoint] });
    const b = open(prefix);
    const seen: StateChange[] = [];
    const stop = a.watch((c) => seen.push(c));
    await waitFor('the watch to be live', () => seen.length >= 2);
    seen.length = 0;
    await b.ledger.update((cur) => ({ next: [...cur, reservation('o1', '10.0.8.1')], result: undefined }));
    await waitFor('first change', () => seen.length > 0);
    link.cut();
    link.heal(); // connections reset: the watch stream breaks
    link.cut();
    await b.journal<Rec, In>('migrations', MIG_KINDS).append({ kind: 'mig.start', runId: '20240101T000000Z-gap001' });
    await sleep(500);
    link.heal();
    await waitFor('the change made during the outage', () => seen.find((c) => c.kind === 'journal'), 15_000);
    stop();
  });
});

describe('etcd state: prune and import', () => {
  it('imports into an empty prefix as given, then prunes ended runs and old audit entries', async () => {
    const prefix = freshPrefix('import');
    const s = open(prefix);
    expect(await s.import.isEmpty()).toBe(true);
    const old = '2024-01-01T00:00:00.000Z';
    const recent = '2024-06-01T00:00:00.000Z';
    const now = new Date('2024-06-02T00:00:00Z');
    const res = [reservation('web', '10.0.0.1'), reservation('db', '10.0.0.2', 'other')];
    await s.import.reservations(res);
    const entries = (runId: string, at: string, end: string | null): JournalEntry[] => [
      { at, kind: end === 'mig.end' ? 'mig.start' : 'run.start', runId },
      ...(end ? [{ at, kind: end, runId }] : []),
    ];
    await s.import.journal('runs', '20240101T000000Z-old001', entries('20240101T000000Z-old001', old, 'run.end'));
    await s.import.journal('runs', '20240101T000000Z-open01', entries('20240101T000000Z-open01', old, null)); // never ended: kept
    await s.import.journal('runs', '20240601T000000Z-new001', entries('20240601T000000Z-new001', recent, 'run.end'));
    await s.import.journal('migrations', '20240101T000000Z-mig001', entries('20240101T000000Z-mig001', old, 'mig.end'));
    const audit: AuditEntry[] = [
      { at: old, user: 'alice', from: 'j1', action: 'a.old', targets: [], details: {}, outcome: 'ok' },
      { at: recent, user: 'bob', from: 'j2', action: 'a.new', targets: ['h1/x'], details: { k: 1 }, outcome: 'failed', error: 'X: y' },
    ];
    await s.import.audit(audit);
    await s.import.audit(audit); // the same entries again: not duplicated
    const record: InspectRecord = { host: 'h1', name: 'web', id: 'id-web', seenAt: old, inspect: inspectOf('web') };
    await s.import.record(record);
    expect(await s.import.isEmpty()).toBe(false);

    expect(await s.ledger.list()).toEqual([...res].sort((x, y) => x.name.localeCompare(y.name)));
    expect(await s.journal<Rec, In>('runs', KINDS).read('20240101T000000Z-old001')).toEqual(entries('20240101T000000Z-old001', old, 'run.end'));
    expect(await s.audit.read()).toEqual(audit);
    expect(await s.records.load('h1', 'web')).toEqual(record);

    const pruned = await s.prune({ journalsMs: 30 * 86_400_000, auditMs: 90 * 86_400_000 }, now);
    expect(pruned).toEqual({ journals: 2, auditEntries: 1 });
    expect(await s.journal<Rec, In>('runs', KINDS).runs()).toEqual(['20240101T000000Z-open01', '20240601T000000Z-new001']);
    expect(await s.journal<Rec, In>('migrations', MIG_KINDS).runs()).toEqual([]);
    expect((await s.audit.read()).map((e) => e.action)).toEqual(['a.new']);
    expect(await s.prune({ journalsMs: 30 * 86_400_000, auditMs: 90 * 86_400_000 }, now)).toEqual({ journals: 0, auditEntries: 0 });
  });

  it('never prunes a run somebody holds', async () => {
    const prefix = freshPrefix('prune-held');
    const s = open(prefix);
    const runId = '20240101T000000Z-held01';
    await s.import.journal('runs', runId, [
      { at: '2024-01-01T00:00:00.000Z', kind: 'run.start', runId },
      { at: '2024-01-01T00:00:01.000Z', kind: 'run.end', runId },
    ]);
    const hold = await s.locks.acquire(runId, 'alice@jump-a', []); // resumed right now
    expect(await s.prune({ journalsMs: 1, auditMs: 1 }, new Date())).toEqual({ journals: 0, auditEntries: 0 });
    await hold.release();
    expect(await s.prune({ journalsMs: 1, auditMs: 1 }, new Date())).toEqual({ journals: 1, auditEntries: 0 });
  });
});

describe('etcd state: close', () => {
  it('releases everything this process held at once', async () => {
    const prefix = freshPrefix('close');
    const a = open(prefix);
    const b = open(prefix);
    const hold = await a.locks.acquire('20240101T000000Z-close1', 'alice@jump-a', [{ id: 'k1', label: 'h1/k1' }]);
    await a.names.hold('web-3', 'alice@jump-a');
    await a.close();
    expect(hold.lost?.message).toMatch(/closed its state/);
    expect((await b.locks.holders()).size).toBe(0);
    await b.names.hold('web-3', 'bob@jump-b');
    expect(await thrown(a.ledger.list())).toBeInstanceOf(StateError);
  });

  it('does not hang when etcd cannot be reached', async () => {
    const link = await linkTo(etcd.endpoint);
    links.push(link);
    const a = open(freshPrefix('close-cut'), { endpoints: [link.endpoint] });
    await a.locks.acquire('20240101T000000Z-close2', 'alice@jump-a', [{ id: 'k2', label: 'h1/k2' }]);
    const stop = a.watch(() => undefined);
    link.cut();
    const t0 = performance.now();
    await a.close();
    expect(performance.now() - t0).toBeLessThan(CALL_MS + 500);
    stop();
  });
});
