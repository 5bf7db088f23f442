import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockpit, readFleet, removeTestContainers, runContainer, TEST_LABEL, type CliResult } from '../support/fleet.js';
import { inspectOn, poolConfig, removeByPrefix, whereIs } from '../support/pool-config.js';
import { backend, closeTestStates, etcdKey, ledgerWhere, putEtcdKey, rawSnapshot, stateSnapshot, stateWritten, testState } from '../support/state-backend.js';

// Issue 4, done means: two racing `dockpit run` for different names never get the same IP; for the same
// name one wins and the other fails with a clear message; removing a container and running it again by
// name gives it the same IP; --dry-run changes nothing. Real processes on the real fleet (unix, tcp, ssh).
// The state is on the backend under test (state-backend.ts): this file runs on files, on-etcd/ on etcd.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const IMAGE = fleet.image;
const P = 'iprun-'; // every container this file creates with dockpit

const POOLS = poolConfig(`ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { news: 10.88.60.0/24, forum: 10.88.61.0/24, ads: 10.88.62.0/24 }
lines:
  news: { tier: 1, pool: lan }
  forum: { tier: 2, pool: lan, hosts: [h2, h3] }
  ads: { tier: 3, pool: lan, hosts: [h1, h2] }
  nopool: { tier: 4 }
`);
const { file: CONFIG } = POOLS;
const ledger = () => testState(CONFIG).ledger.list();
const auditLog = () => testState(CONFIG).audit.read();

interface RunJson {
  name: string;
  host: string;
  ip: string;
  pool: string;
  network: string;
  line: string;
  id: string | null;
  dryRun: boolean;
}

function run(name: string, line: string, ...rest: string[]): Promise<CliResult> {
  // dockpit's options before IMAGE; the container's command after it.
  const opts = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  const cmd = rest.includes('--') ? rest.slice(rest.indexOf('--') + 1) : ['sleep', '86400'];
  return dockpit(['run', '--config', CONFIG, '--name', name, '--line', line, ...opts, IMAGE, ...cmd]);
}

function ok(r: CliResult): RunJson {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as RunJson;
}

async function ipOf(host: string, name: string): Promise<string> {
  return (await inspectOn(host, name)).NetworkSettings.Networks.biz!.IPAddress;
}

describe('dockpit run', () => {
  beforeAll(async () => {
    await removeByPrefix(hosts, P);
    await removeTestContainers(hosts);
  });
  afterAll(async () => {
    await removeByPrefix(hosts, P);
    await removeTestContainers(hosts);
    await POOLS.dispose();
    await closeTestStates();
  });

  it('six racing processes for different names get six different addresses, each the one its engine gives', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `${P}race-${x}`);
    // Spawned in the same tick: they load, snapshot the fleet and reserve at the same moment.
    const results = await Promise.all(names.map((n) => run(n, 'news', '--json')));
    const got = results.map(ok);
    expect(got.map((g) => g.name)).toEqual(names);
    expect(new Set(got.map((g) => g.ip)).size).toBe(6);
    // The lowest six of the line's range past its network address, whatever order the processes took the lock in.
    expect(got.map((g) => g.ip).sort()).toEqual(['10.88.60.1', '10.88.60.2', '10.88.60.3', '10.88.60.4', '10.88.60.5', '10.88.60.6']);
    for (const g of got) {
      expect(g).toMatchObject({ pool: 'lan', network: 'biz', line: 'news', dryRun: false });
      expect(await ipOf(g.host, g.name)).toBe(g.ip);
      expect((await inspectOn(g.host, g.name)).State.Status).toBe('running');
    }
    const reserved = await ledger();
    expect(Object.fromEntries(reserved.filter((r) => names.includes(r.name)).map((r) => [r.name, r.ip]))).toEqual(Object.fromEntries(got.map((g) => [g.name, g.ip])));
    const audit = (await auditLog()).filter((e) => e.action === 'container.run' && e.outcome === 'ok');
    expect(audit.map((e) => e.targets[0]).sort()).toEqual(got.map((g) => `${g.host}/${g.name}`).sort());
  });

  it('for the same name, one of two racing processes wins and the other fails with a clear message', async () => {
    for (const round of [1, 2, 3]) {
      const name = `${P}same-${round}`;
      const [a, b] = await Promise.all([run(name, 'news', '--json'), run(name, 'news', '--json')]);
      const codes = [a.code, b.code].sort();
      expect(codes, `${a.stderr}\n${b.stderr}`).toEqual([0, 1]);
      const [winner, loser] = a.code === 0 ? [a, b] : [b, a];
      const won = JSON.parse(winner.stdout) as RunJson;
      expect(loser.stdout).toBe('');
      expect(loser.stderr).toMatch(
        new RegExp(`dockpit: (${name} is being placed by another dockpit \\(\\S+@\\S+\\) since \\d{4}-\\d\\d-\\d\\dT|${name} already exists on ${won.host} )`),
      );
      // One container of that name in the whole fleet, one reservation.
      expect(await whereIs(hosts, name)).toEqual([won.host]);
      expect((await ledger()).filter((r) => r.name === name)).toHaveLength(1);
    }
  });

  it('removing a container and running it again by name gives it the same address, on any host', async () => {
    const name = `${P}keep`;
    const first = ok(await run(name, 'news', '--json'));
    await docker(first.host, 'rm', '-f', name);
    const again = ok(await run(name, 'news', '--json'));
    expect(again.ip).toBe(first.ip);
    expect(await ipOf(again.host, name)).toBe(first.ip);
    // Moved to another host by hand: still the same address (a reservation follows the name).
    await docker(again.host, 'rm', '-f', name);
    const other = hosts.find((h) => h !== again.host)!;
    const moved = ok(await run(name, 'news', '--json', '--host', other));
    expect([moved.host, moved.ip]).toEqual([other, first.ip]);
    expect(await ipOf(other, name)).toBe(first.ip);
    expect((await ledger()).find((r) => r.name === name)).toMatchObject({ ip: first.ip, host: other });
  });

  it('--dry-run prints the decision and changes nothing: no ledger write, no lock, no audit entry, no container', async () => {
    const name = `${P}dry`;
    // Everything in the state as dockpit reads it, and as the backend holds it (files, or etcd keys).
    const before = { contents: await stateSnapshot(CONFIG), raw: await rawSnapshot(CONFIG) };
    const now = async () => ({ contents: await stateSnapshot(CONFIG), raw: await rawSnapshot(CONFIG) });
    const containersBefore = await Promise.all(hosts.map((h) => docker(h, 'ps', '-aq')));
    const r = await run(name, 'forum', '--json', '--dry-run', '--memory', '64m');
    const d = ok(r);
    expect(d).toEqual({ name, host: d.host, ip: '10.88.61.1', pool: 'lan', network: 'biz', line: 'forum', id: null, dryRun: true });
    expect(['h2', 'h3']).toContain(d.host);
    expect(await now()).toEqual(before);
    expect(await Promise.all(hosts.map((h) => docker(h, 'ps', '-aq')))).toEqual(containersBefore);
    // In text, it says what it would do.
    const text = await run(name, 'forum', '--dry-run');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^dry run: ${name} → h[23] 10\\.88\\.61\\.1 \\(pool lan, network biz, line forum, tier 2\\)\\n  host: fewest forum containers, then most free memory: .*\\n  nothing changed\\n$`));
    expect(await now()).toEqual(before);
  });

  // Files: the folder is not made. Etcd: no key is written under the prefix.
  it(backend === 'file' ? 'a dry run on a fresh state folder does not even create it' : 'a dry run on a fresh etcd prefix writes no key there', async () => {
    const fresh = poolConfig('ipPools:\n  - { name: lan, network: biz, driver: bridge, subnet: 10.88.0.0/16, gateway: 10.88.0.1 }\nlines:\n  news: { tier: 1, pool: lan }\n');
    const r = await dockpit(['run', '--config', fresh.file, '--name', `${P}fresh`, '--line', 'news', '--dry-run', '--json', IMAGE]);
    expect(ok(r).ip).toBe('10.88.0.2');
    expect(await stateWritten(fresh.file)).toBe(false); // files: no folder; etcd: no key under the prefix
    await fresh.dispose();
  });

  it('creates the container as asked: labels, env, CPUs, memory, restart policy, command, the static address', async () => {
    const name = `${P}full`;
    const d = ok(await run(name, 'ads', '--json', '--env', 'GREETING=hi there', '--env', 'API_TOKEN=tok-9', '--cpus', '0.5', '--memory', '64m', '--restart', 'on-failure:2',
      '--', 'sh', '-c', 'echo "$GREETING"; exec sleep 86400'));
    expect(['h1', 'h2']).toContain(d.host);
    const c = await inspectOn(d.host, name);
    expect(c.Id).toBe(d.id);
    expect(c.State.Status).toBe('running');
    expect(c.Config.Labels).toMatchObject({ 'dockpit.bizline': 'ads', 'dockpit.tier': '3' });
    expect(c.Config.Env).toEqual(expect.arrayContaining(['GREETING=hi there', 'API_TOKEN=tok-9']));
    expect(c.Config.Cmd).toEqual(['sh', '-c', 'echo "$GREETING"; exec sleep 86400']);
    expect(c.HostConfig).toMatchObject({ NanoCpus: 500_000_000, Memory: 64 * 2 ** 20, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } });
    expect(c.NetworkSettings.Networks.biz).toMatchObject({ IPAddress: d.ip, IPAMConfig: { IPv4Address: d.ip } });
    expect(d.ip).toMatch(/^10\.88\.62\./);
    expect(await docker(d.host, 'logs', name)).toBe('hi there');
    // Audited, with the secret env value masked.
    const entry = (await auditLog()).find((e) => e.targets[0] === `${d.host}/${name}`)!;
    expect(entry).toMatchObject({ action: 'container.run', outcome: 'ok', details: { ip: d.ip, line: 'ads', id: d.id, env: ['GREETING=hi there', 'API_TOKEN=••••••'] } });
    expect(entry.user).toBeTruthy();
    expect(entry.from).toBeTruthy();
  });

  it('a name used anywhere in the fleet is refused, naming the host', async () => {
    await runContainer('h3', { name: `${P}hand` });
    const r = await run(`${P}hand`, 'news', '--json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`dockpit: ${P}hand already exists on h3 (running)`);
    expect((await ledger()).some((x) => x.name === `${P}hand`)).toBe(false);
    expect((await auditLog()).at(-1)).toMatchObject({ action: 'container.run', targets: [`${P}hand`], outcome: 'refused', error: `NAME_IN_USE: ${P}hand already exists on h3 (running)` });
  });

  it('skips an address a container started by hand holds on any host', async () => {
    const next = ok(await run(`${P}probe`, 'forum', '--json', '--dry-run')).ip;
    await runContainer('h1', { name: `${P}squatter`, ip: next }); // h1 is not even one of forum's hosts
    const d = ok(await run(`${P}after-squat`, 'forum', '--json'));
    expect(d.ip).not.toBe(next);
    expect(d.ip).toBe(`10.88.61.${Number(next.split('.')[3]) + 1}`);
  });

  it('host choice: fewest containers of the line, then most free memory, only among the line’s hosts', async () => {
    // forum may use h2 and h3; forum containers so far (the test above) sit on one of them.
    const forumOn = async (h: string) => (await docker(h, 'ps', '-aq', '--filter', 'label=dockpit.bizline=forum')).split('\n').filter(Boolean).length;
    const [n2, n3] = [await forumOn('h2'), await forumOn('h3')];
    const d = ok(await run(`${P}choose`, 'forum', '--json', '--dry-run'));
    if (n2 !== n3) expect(d.host).toBe(n2 < n3 ? 'h2' : 'h3');
    // ads may use h1 and h2; even them out by hand, then commit memory on the emptier-looking one.
    const adsOn = async (h: string) => (await docker(h, 'ps', '-aq', '--filter', 'label=dockpit.bizline=ads')).split('\n').filter(Boolean).length;
    for (const h of ['h1', 'h2']) {
      for (let k = await adsOn(h); k < 2; k++) await runContainer(h, { name: `${P}ads-${h}-${k}`, bizline: 'ads', tier: 3 });
    }
    const even = ok(await run(`${P}ads-next`, 'ads', '--json', '--dry-run'));
    const other = even.host === 'h1' ? 'h2' : 'h1';
    await docker(even.host, 'run', '-d', '--name', `${P}hog`, '--label', `${TEST_LABEL}=1`, '--memory', '1g', IMAGE, 'sleep', '86400');
    const weighed = ok(await run(`${P}ads-next`, 'ads', '--json', '--dry-run'));
    expect(weighed.host).toBe(other);
    const text = await run(`${P}ads-next`, 'ads', '--dry-run');
    expect(text.stdout).toMatch(new RegExp(`host: fewest ads containers, then most free memory: ${other} 2, [\\d.]+ GiB free; ${even.host} 2, [\\d.]+ GiB free`));
  });

  it('a create failure is printed and audited, and gives its new reservation back (issue 17, item 6): the retry gets the same address', async () => {
    const name = `${P}retry`;
    const failed = await dockpit(['run', '--config', CONFIG, '--name', name, '--line', 'news', '--host', 'h2', 'dockpit/no-such-image:1']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`dockpit: ${name} → h2 (10\\.88\\.60\\.\\d+) .*: create: NOT_FOUND: no such image dockpit/no-such-image:1 on host h2`));
    const ip = /→ h2 (\S+) /.exec(failed.stderr)![1]!;
    expect(failed.stderr).toContain(`${ip} is free again: nothing was reserved or left running`);
    expect(await whereIs(hosts, name)).toEqual([]);
    expect((await ledger()).find((r) => r.name === name)).toBeUndefined();
    expect((await auditLog()).at(-1)).toMatchObject({ action: 'container.run', targets: [`h2/${name}`], outcome: 'failed', error: expect.stringMatching(/^create: NOT_FOUND: /) });
    const retried = ok(await run(name, 'news', '--json', '--host', 'h2'));
    expect(retried.ip).toBe(ip);
  });

  // The same on each backend: a ledger.json cut short (files), a reservation key that is not JSON (etcd).
  it.runIf(backend === 'file')('an unreadable ledger stops the run before anything is created, and is left as it is', async () => {
    const broken = poolConfig('ipPools:\n  - { name: lan, network: biz, driver: bridge, subnet: 10.88.0.0/16, gateway: 10.88.0.1 }\nlines:\n  news: { tier: 1, pool: lan }\n');
    fs.mkdirSync(broken.stateDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(broken.stateDir, 'ledger.json'), '{"version":1,"reservations":[');
    for (const extra of [[], ['--dry-run']]) {
      const r = await dockpit(['run', '--config', broken.file, '--name', `${P}broken`, '--line', 'news', ...extra, IMAGE]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`dockpit: PARSE: ledger ${path.join(broken.stateDir, 'ledger.json')}: not JSON`);
    }
    expect(await whereIs(hosts, `${P}broken`)).toEqual([]);
    expect(fs.readFileSync(path.join(broken.stateDir, 'ledger.json'), 'utf8')).toBe('{"version":1,"reservations":[');
    expect((await testState(broken.file).audit.read()).map((e) => [e.outcome, e.error?.slice(0, 13)])).toEqual([['failed', 'PARSE: ledger']]);
    await broken.dispose();
  });

  it.runIf(backend === 'etcd')('an unreadable reservation in etcd stops the run before anything is created, and is left as it is', async () => {
    const broken = poolConfig('ipPools:\n  - { name: lan, network: biz, driver: bridge, subnet: 10.88.0.0/16, gateway: 10.88.0.1 }\nlines:\n  news: { tier: 1, pool: lan }\n');
    const key = `ledger/lan/${P}other`;
    await putEtcdKey(broken.file, key, '{"name":"iprun-other","pool":"lan","ip":');
    const written = await etcdKey(broken.file, key);
    for (const extra of [[], ['--dry-run']]) {
      const r = await dockpit(['run', '--config', broken.file, '--name', `${P}broken`, '--line', 'news', ...extra, IMAGE]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`dockpit: PARSE: ledger ${ledgerWhere(broken.file)}/lan/${P}other: not JSON`);
    }
    expect(await whereIs(hosts, `${P}broken`)).toEqual([]);
    expect(await etcdKey(broken.file, key)).toEqual(written); // same value, never rewritten
    expect((await testState(broken.file).audit.read()).map((e) => [e.outcome, e.error?.slice(0, 13)])).toEqual([['failed', 'PARSE: ledger']]);
    await broken.dispose();
  });

  it('bad usage exits 2 and contacts nothing, writes nothing', async () => {
    const fresh = poolConfig('ipPools:\n  - { name: lan, network: biz, driver: bridge, subnet: 10.88.0.0/16, gateway: 10.88.0.1 }\nlines:\n  news: { tier: 1, pool: lan, hosts: [h1] }\n  bare: { tier: 2 }\n');
    const cases: Array<[string[], string]> = [
      [['--name', `${P}u`, '--line', 'sports', IMAGE], '--line sports: no such line in lines: (news, bare)'],
      [['--name', `${P}u`, '--line', 'bare', IMAGE], '--line bare: the line has no pool: (set lines.bare.pool to one of ipPools:)'],
      [['--name', `${P}u`, '--line', 'news', '--host', 'h2', IMAGE], '--host h2: line news may only use h1'],
      [['--name', `${P}u`, '--line', 'news', '--host', 'h9', IMAGE], '--host h9: no such host'],
      [['--name', `${P}u`, '--line', 'news', '--memory', 'lots', IMAGE], '--memory lots: expected a size like 256m, 1g or 512MiB'],
      [['--name', `${P}u`, '--line', 'news', '--cpus', '0', IMAGE], '--cpus 0: expected more than 0'],
      [['--name', `${P}u`, '--line', 'news', '--env', 'JUSTAKEY', IMAGE], '--env JUSTAKEY: expected KEY=VALUE'],
      [['--name', 'a/b', '--line', 'news', IMAGE], '--name a/b: expected letters'],
      [['--line', 'news', IMAGE], 'run needs --name NAME'],
      [['--name', `${P}u`, '--line', 'news'], 'run needs an IMAGE'],
    ];
    for (const [args, message] of cases) {
      const r = await dockpit(['run', '--config', fresh.file, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`dockpit: ${message}`);
      expect(r.stdout).toBe('');
    }
    expect(await stateWritten(fresh.file)).toBe(false);
    expect(fs.existsSync(path.dirname(fresh.stateDir))).toBe(true);
    expect(fs.existsSync(fresh.stateDir)).toBe(false); // on etcd too: no folder either
    await fresh.dispose();
  });
});
