// Issue 11 benchmarks on the real test fleet's etcd cluster (3 members, as dockpit's etcd user, a fresh key
// prefix per run, deleted afterwards), in process against dist/ (build first):
//
// 1. Reserving an address: the ledger `update` that `dockpit run` makes (placeAndReserve: read every
//    reservation, pick the lowest free address, write), etcd against the file backend, sequential and
//    interleaved (file, etcd, etcd, file …) on ledgers that start with the same 500 reservations; then, for
//    context, 2 processes × 50 racing on each backend (every address they get must be distinct).
// 2. (plan-bench.mjs) `dockpit plan apply` with the state on etcd against the state in files.
// 3. Space: 10,000 inspect records saved through `records.save`: etcd's db size before and after
//    (`etcdctl endpoint status`, dbSizeInUse and dbSize, after a compaction and defrag so both start from the
//    live data), against the bytes of the records themselves; the time of the saves against the same saves
//    into a state folder. The records' prefix is deleted, and the cluster compacted and defragmented, after.
//
// `node bench/state-bench.mjs` runs these rows alone on a fleet that is up (DOCKPIT_FLEET_ID as usual).
// The racing processes are this file too: `node bench/state-bench.mjs race-worker CONFIG TAG COUNT`.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, median, percentile, run, timeIt } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FLEET_ID = process.env.DOCKPIT_FLEET_ID;
const FLEET_DIR = process.env.DOCKPIT_FLEET_DIR ?? `/tmp/dockpit-fleet${FLEET_ID ? `-${FLEET_ID}` : ''}`;
const FLEET_SH = path.join(ROOT, 'test/fleet/fleet.sh');
const FIXTURE = path.join(ROOT, 'test/unit/fixtures/inspect-shop-api.json');
const dist = (p) => pathToFileURL(path.join(ROOT, 'dist', p)).href;

const LINE = 'sbench';
const BY = 'bench@state-bench';

// --- shared with plan-bench.mjs -------------------------------------------------------------------------

export const readFleet = () => JSON.parse(fs.readFileSync(path.join(FLEET_DIR, 'fleet.json'), 'utf8'));

/** The fleet's dockpit.yaml (its hosts) without its `state:`, for a benchmark to give its own. */
export const fleetConfigBase = () => fs.readFileSync(path.join(FLEET_DIR, 'dockpit.yaml'), 'utf8').replace(/^state: .*\n/m, '').trimEnd();

/** A key prefix of this run's own under dockpit's (the dockpit etcd user may use only /dockpit/…). */
export function benchPrefix(fleet, what) {
  return `${fleet.etcd.users.dockpit.prefix}bench-${what}-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}/`;
}

/** `state:` on the fleet's etcd cluster under `prefix`, as dockpit's etcd user. */
export function etcdStateYaml(fleet, prefix) {
  const u = fleet.etcd.users.dockpit;
  return `state:
  etcd:
    endpoints: [${fleet.etcd.endpoints.join(', ')}]
    prefix: ${prefix}
    user: ${u.user}
    password: ${u.password}`;
}

/** etcdctl against every member, as etcd's root (fleet.sh etcdctl). */
export async function etcdctl(...args) {
  return (await run('bash', [FLEET_SH, 'etcdctl', ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

/** Deletes every key under `prefix`; resolves to how many there were. */
export async function dropPrefix(prefix) {
  return Number((await etcdctl('del', '--prefix', prefix)).trim() || 0);
}

/** Every member's status: [{ endpoint, revision, dbSize, dbSizeInUse }]. */
async function memberStatus() {
  const all = JSON.parse(await etcdctl('endpoint', 'status', '-w', 'json'));
  return all.map((m) => ({
    endpoint: m.Endpoint,
    revision: Number(m.Status.header.revision),
    dbSize: Number(m.Status.dbSize),
    dbSizeInUse: m.Status.dbSizeInUse === undefined ? null : Number(m.Status.dbSizeInUse),
  }));
}

/** Compacts etcd's history to now and defragments every member: the db then holds the live keys only. */
async function compactAndDefrag() {
  const rev = Math.max(...(await memberStatus()).map((m) => m.revision));
  await etcdctl('compact', String(rev), '--physical').catch((e) => {
    // Already compacted to this revision (nothing was written since): nothing to do.
    if (!/required revision has been compacted/.test(`${e.stderr}`)) throw e;
  });
  await etcdctl('defrag', '--command-timeout=120s');
}

// --- 1. reserving an address ----------------------------------------------------------------------------

function reservationYaml(stateYaml) {
  return `${fleetConfigBase()}
${stateYaml}
ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { ${LINE}: 10.88.64.0/20 }
lines:
  ${LINE}: { tier: 3, pool: lan }
`;
}

const intToIp = (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** `n` reservations of the bench's line, from 10.88.64.1 up, spread over the hosts. */
function seedReservations(n, hosts) {
  const base = (10 << 24) + (88 << 16) + (64 << 8);
  const at = new Date().toISOString();
  return Array.from({ length: n }, (_, i) => ({
    name: `seed-${String(i).padStart(4, '0')}`, pool: 'lan', ip: intToIp(base + 1 + i), line: LINE, host: hosts[i % hosts.length].name, at, by: BY,
  }));
}

/** Every configured host up with no container: placement's facts, as `dockpit run` gathers them. */
const factsOf = (config) => config.hosts.map((h) => ({ name: h.name, state: 'up', error: null, containers: [] }));

/** Throws unless the ledger holds `expected` reservations with as many distinct names and addresses. */
function checkDistinct(what, all, expected) {
  const ips = new Set(all.map((r) => r.ip));
  const names = new Set(all.map((r) => r.name));
  if (all.length !== expected || ips.size !== expected || names.size !== expected) {
    throw new Error(`state bench: ${what}: the ledger holds ${all.length} reservations, ${names.size} names and ${ips.size} distinct addresses; expected ${expected} of each`);
  }
}

/** The racing process: opens the state, says "ready", waits for "go", reserves `count` addresses, prints JSON. */
async function raceWorker(configFile, tag, count) {
  const { loadConfigFile } = await import(dist('config/load-config.js'));
  const { openState } = await import(dist('state/open-state.js'));
  const { placeAndReserve } = await import(dist('cli/commands/run.js'));
  const config = loadConfigFile(configFile);
  const state = openState(config);
  try {
    await state.ready();
    await state.ledger.list(); // connected (etcd: authenticated) before the race starts
    const facts = factsOf(config);
    const lines = readline.createInterface({ input: process.stdin });
    const go = new Promise((resolve) => lines.once('line', resolve));
    process.stdout.write('ready\n');
    await go;
    lines.close();
    const epoch = () => performance.timeOrigin + performance.now();
    const goAt = epoch();
    const ms = [];
    const got = [];
    for (let i = 0; i < count; i++) {
      const name = `race-${tag}-${i}`;
      let p;
      ms.push(await timeIt(async () => {
        p = await placeAndReserve(config, facts, { name, line: LINE }, state.ledger, BY);
      }));
      if (!p.ok) throw new Error(`${name}: ${p.refusal.code}: ${p.refusal.message}`);
      got.push({ name, ip: p.decision.ip });
    }
    const doneAt = epoch();
    process.stdout.write(`${JSON.stringify({ ms, got, goAt, doneAt })}\n`);
  } finally {
    await state.close();
  }
}

/**
 * `workers` processes × `count` reservations racing on one state; the wall time from the first worker's
 * "go" to the last one's last reservation (their own clocks: process exits and closes are not counted).
 */
async function race(configFile, round, workers, count) {
  const procs = Array.from({ length: workers }, (_, w) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'race-worker', configFile, `${round}-${w}`, String(count)], {
      cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const lines = readline.createInterface({ input: child.stdout });
    const ready = new Promise((resolve) => lines.once('line', resolve));
    const result = new Promise((resolve, reject) => {
      let last = null;
      lines.on('line', (l) => { last = l; });
      child.on('close', (code) => (code === 0 && last?.startsWith('{') ? resolve(JSON.parse(last)) : reject(new Error(`state bench: race worker ${round}-${w} exited ${code}: ${stderr.trim()}`))));
    });
    result.catch(() => undefined); // awaited below; a worker that fails before "ready" must not go unhandled
    return { child, ready, result };
  });
  await Promise.race([Promise.all(procs.map((p) => p.ready)), Promise.all(procs.map((p) => p.result))]);
  for (const p of procs) p.child.stdin.end('go\n');
  const results = await Promise.all(procs.map((p) => p.result));
  return { wallMs: Math.max(...results.map((r) => r.doneAt)) - Math.min(...results.map((r) => r.goAt)), results };
}

async function reservationRows(fleet, dir, etcdPrefix, { existing, sequential, workers, perWorker, rounds }) {
  const { loadConfigFile } = await import(dist('config/load-config.js'));
  const { openState } = await import(dist('state/open-state.js'));
  const { placeAndReserve } = await import(dist('cli/commands/run.js'));
  const backends = [
    { kind: 'file', yaml: `state: ${path.join(dir, 'state')}` },
    { kind: 'etcd', yaml: etcdStateYaml(fleet, etcdPrefix) },
  ].map((b) => {
    const file = path.join(dir, `reserve-${b.kind}.yaml`);
    fs.writeFileSync(file, reservationYaml(b.yaml));
    const config = loadConfigFile(file);
    return { ...b, file, config, state: openState(config), ms: [], ips: [] };
  });
  const [file, etcd] = backends;
  const raceMs = { file: [], etcd: [] };
  const raceWall = { file: [], etcd: [] };
  try {
    const seed = seedReservations(existing, fleet.hosts);
    for (const b of backends) {
      if (b.state.kind !== b.kind) throw new Error(`state bench: the ${b.kind} config opened a ${b.state.kind} state`);
      await b.state.ready();
      await b.state.import.reservations(seed);
      checkDistinct(`${b.kind} seed`, await b.state.ledger.list(), existing);
    }
    // Sequential, interleaved: file, etcd, etcd, file … so that the machine's noise falls on both alike.
    const facts = factsOf(file.config);
    for (let i = 0; i < sequential; i++) {
      for (const b of i % 2 ? [etcd, file] : [file, etcd]) {
        const name = `sbench-${String(i).padStart(4, '0')}`;
        let p;
        b.ms.push(await timeIt(async () => {
          p = await placeAndReserve(b.config, facts, { name, line: LINE }, b.state.ledger, BY);
        }));
        if (!p.ok) throw new Error(`state bench: ${b.kind}: reserving ${name}: ${p.refusal.code}: ${p.refusal.message}`);
        b.ips.push(p.decision.ip);
      }
    }
    for (const b of backends) {
      b.expected = existing + sequential;
      checkDistinct(`${b.kind} after ${sequential} sequential reservations`, await b.state.ledger.list(), b.expected);
    }
    // One allocator, the same ledgers: both must have handed out the same addresses in the same order.
    const differ = file.ips.findIndex((ip, i) => etcd.ips[i] !== ip);
    if (differ >= 0) throw new Error(`state bench: reservation ${differ} got ${file.ips[differ]} from files but ${etcd.ips[differ]} from etcd`);

    // Racing processes, rounds in the order file, etcd, etcd, file …
    for (let r = 0; r < rounds; r++) {
      for (const b of r % 2 ? [etcd, file] : [file, etcd]) {
        const { wallMs, results } = await race(b.file, r, workers, perWorker);
        b.expected += workers * perWorker;
        const all = await b.state.ledger.list();
        checkDistinct(`${b.kind} after ${workers} processes × ${perWorker} racing (round ${r})`, all, b.expected);
        const byName = new Map(all.map((x) => [x.name, x.ip]));
        const got = results.flatMap((x) => x.got);
        if (new Set(got.map((g) => g.ip)).size !== got.length) throw new Error(`state bench: ${b.kind}: racing processes were given one address twice`);
        const wrong = got.find((g) => byName.get(g.name) !== g.ip);
        if (wrong) throw new Error(`state bench: ${b.kind}: ${wrong.name} was given ${wrong.ip} but the ledger says ${byName.get(wrong.name)}`);
        raceWall[b.kind].push(wallMs);
        raceMs[b.kind].push(...results.flatMap((x) => x.ms));
      }
    }
  } finally {
    await Promise.all(backends.map((b) => b.state.close().catch(() => undefined)));
  }

  const pp = (xs) => `p50 ${fmt(percentile(xs, 50), 2)} ms / p99 ${fmt(percentile(xs, 99), 2)} ms`;
  const n = workers * perWorker;
  return {
    rows: [
      {
        metric: `reserving an address: the ledger update \`dockpit run\` makes (read all, pick the lowest free address, write), ${sequential} sequential `
          + `in one process, ledger of ${existing} → ${existing + sequential}, state on etcd (3 members, as dockpit's user)`,
        value: `etcd ${pp(etcd.ms)}`,
        reference: `same reservations, state in files, interleaved with the etcd ones: file ${pp(file.ms)}`,
        ratio: fmt(percentile(etcd.ms, 50) / percentile(file.ms, 50), 2),
      },
      {
        metric: `${workers} processes × ${perWorker} reservations racing on one ledger (${existing + sequential}+ reservations), state on etcd, `
          + `median of ${rounds} rounds; all ${n} addresses distinct (checked)`,
        value: `etcd ${fmt(median(raceWall.etcd) / 1000, 2)} s for ${n} (per reservation ${pp(raceMs.etcd)})`,
        reference: `state in files: ${fmt(median(raceWall.file) / 1000, 2)} s for ${n} (per reservation ${pp(raceMs.file)})`,
        ratio: fmt(median(raceWall.etcd) / median(raceWall.file), 2),
      },
    ],
    raw: { sequentialMs: { file: file.ms, etcd: etcd.ms }, raceWallMs: raceWall, racePerReservationMs: raceMs },
  };
}

// --- 3. inspect records: space and time -----------------------------------------------------------------

/** `count` inspect bodies from the fixture, each with its own Id (everywhere it appears) and Name. */
function* inspectBodies(count) {
  const text = fs.readFileSync(FIXTURE, 'utf8');
  const id0 = JSON.parse(text).Id;
  for (let i = 0; i < count; i++) {
    const id = crypto.createHash('sha256').update(`state-bench-${i}`).digest('hex');
    yield JSON.parse(text.replaceAll(id0, id).replaceAll(id0.slice(0, 12), id.slice(0, 12)).replaceAll('"/shop-api"', `"/shop-api-${String(i).padStart(5, '0')}"`));
  }
}

/** Saves `count` records over `hosts` hosts, `parallel` in flight; the ms it took and the bytes saved. */
async function saveRecords(records, count, hosts, parallel) {
  const jobs = [...inspectBodies(count)].map((inspect, i) => ({ host: `sb-h${String(i % hosts).padStart(3, '0')}`, inspect }));
  let bytes = 0;
  for (const j of jobs) bytes += Buffer.byteLength(JSON.stringify({ host: j.host, name: j.inspect.Name.slice(1), id: j.inspect.Id, seenAt: new Date().toISOString(), inspect: j.inspect }));
  let next = 0;
  const ms = await timeIt(() => Promise.all(Array.from({ length: parallel }, async () => {
    for (let j = jobs[next++]; j !== undefined; j = jobs[next++]) {
      if (!(await records.save(j.host, j.inspect))) throw new Error(`state bench: record ${j.host}/${j.inspect.Name} was not written`);
    }
  })));
  return { ms, bytes };
}

/** Bytes of the files under `dir`, and the disk blocks they take. */
function duBytes(dir) {
  let size = 0;
  let disk = 0;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const st = fs.statSync(path.join(e.parentPath ?? e.path, e.name));
    size += st.size;
    disk += st.blocks * 512;
  }
  return { size, disk };
}

async function recordRows(fleet, dir, prefix, { count, hosts, parallel }) {
  const { loadConfigFile } = await import(dist('config/load-config.js'));
  const { openState } = await import(dist('state/open-state.js'));
  const open = (name, yaml) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${fleetConfigBase()}\n${yaml}\n`);
    return openState(loadConfigFile(file));
  };
  const etcd = open('records-etcd.yaml', etcdStateYaml(fleet, prefix));
  const fileDir = path.join(dir, 'records-state');
  const file = open('records-file.yaml', `state: ${fileDir}`);
  let saved;
  let before;
  let after;
  let fileSaved;
  try {
    await etcd.ready();
    await file.ready();
    await compactAndDefrag();
    before = await memberStatus();
    saved = await saveRecords(etcd.records, count, hosts, parallel);
    after = await memberStatus();
    const stored = JSON.parse(await etcdctl('get', '--prefix', `${prefix}records/`, '--keys-only', '--limit=1', '-w', 'json')).count;
    if (Number(stored) !== count) throw new Error(`state bench: ${stored} records under ${prefix}records/ after saving ${count}`);
    fileSaved = await saveRecords(file.records, count, hosts, parallel);
  } finally {
    await etcd.close().catch(() => undefined);
    await file.close().catch(() => undefined);
  }
  const fileDu = duBytes(path.join(fileDir, 'records'));
  const delta = (k) => median(after.map((m, i) => m[k] - before[i][k]));
  const inUse = after.every((m) => m.dbSizeInUse !== null) ? delta('dbSizeInUse') : null;
  const dbSize = delta('dbSize');
  const mb = (b) => `${fmt(b / 1e6, 1)} MB`;
  const perRecord = (b) => `${fmt(b / count, 0)} B/record`;
  return {
    rows: [
      {
        metric: `space of ${count} inspect records in etcd (test/unit/fixtures/inspect-shop-api.json, Id and Name varied), growth of each member's db `
          + '(median of 3 members; compacted and defragmented before), dbSizeInUse, and dbSize (the file) in brackets',
        value: `${inUse === null ? 'n/a' : `${mb(inUse)}, ${perRecord(inUse)}`} (dbSize ${mb(dbSize)}, ${perRecord(dbSize)})`,
        reference: `the records' JSON: ${mb(saved.bytes)}, ${perRecord(saved.bytes)}; as files in a state folder: ${mb(fileDu.disk)} on disk`,
        ratio: fmt((inUse ?? dbSize) / saved.bytes, 2),
      },
      {
        metric: `saving ${count} inspect records through \`records.save\` (${hosts} hosts, ${parallel} in flight), state on etcd`,
        value: `${fmt(saved.ms / 1000, 2)} s (${fmt(count / (saved.ms / 1000), 0)} records/s)`,
        reference: `state in files, same records: ${fmt(fileSaved.ms / 1000, 2)} s (${fmt(count / (fileSaved.ms / 1000), 0)} records/s)`,
        ratio: fmt(saved.ms / fileSaved.ms, 2),
      },
    ],
    raw: { before, after, recordBytes: saved.bytes, fileDu, etcdSaveMs: saved.ms, fileSaveMs: fileSaved.ms },
  };
}

// --- the benchmark --------------------------------------------------------------------------------------

export async function stateBench({
  existing = 500, sequential = 200, workers = 2, perWorker = 50, rounds = 2, records = 10_000, recordHosts = 100, recordParallel = 16,
} = {}) {
  const fleet = readFleet();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-statebench-'));
  const ledgerPrefix = benchPrefix(fleet, 'ledger');
  const recordsPrefix = benchPrefix(fleet, 'records');
  const raw = {};
  try {
    const reservations = await reservationRows(fleet, dir, ledgerPrefix, { existing, sequential, workers, perWorker, rounds });
    raw.reservations = reservations.raw;
    const space = await recordRows(fleet, dir, recordsPrefix, { count: records, hosts: recordHosts, parallel: recordParallel });
    raw.records = space.raw;
    return { rows: [...reservations.rows, ...space.rows], raw };
  } finally {
    try {
      // Leave the cluster as it was: no key of ours, history compacted, the space handed back.
      for (const p of [ledgerPrefix, recordsPrefix]) await dropPrefix(p);
      await compactAndDefrag();
      raw.afterCleanup = await memberStatus();
    } catch (e) {
      console.error(`state bench: cleanup failed: ${e.stderr ?? e.message}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === 'race-worker') {
    await raceWorker(rest[0], rest[1], Number(rest[2]));
  } else {
    const { rows, raw } = await stateBench();
    for (const r of rows) console.log(`| ${r.metric} | ${r.value} | ${r.reference} | ${r.ratio} |`);
    console.log(JSON.stringify(raw.afterCleanup));
  }
}
