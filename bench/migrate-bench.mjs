// Issue 6 benchmark on the real test fleet: a migration's downtime per container (the source stopped →
// the target passes its health gate, from dockpit's own journal), median and max, with the image present
// on the target and with the image streamed engine to engine (no registry). The reference, measured in the
// same run on the same containers' twins: a plain restart in place (`docker stop` → `docker start` →
// healthy), the least downtime any restart of that container can have.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, median, run } from './lib.mjs';

const FLEET_ID = process.env.DOCKPIT_FLEET_ID;
const FLEET_DIR = process.env.DOCKPIT_FLEET_DIR ?? `/tmp/dockpit-fleet${FLEET_ID ? `-${FLEET_ID}` : ''}`;
const CLI = path.resolve('dist/cli.cjs');
const P = 'mbench-';
// The healthcheck every benchmark container has: the gate waits for its first `healthy`.
const HEALTH = ['--health-cmd', 'test -d /', '--health-interval', '500ms', '--health-retries', '1', '--stop-timeout', '1'];

const dk = (h, ...args) => run('docker', ['-H', `unix://${h.socket}`, ...args], { maxBuffer: 64 * 1024 * 1024 });

async function removeOurs(fleet) {
  await Promise.all(fleet.hosts.map(async (h) => {
    const ids = (await dk(h, 'ps', '-aq', '--filter', `name=^${P}`)).stdout.trim();
    if (ids) await dk(h, 'rm', '-f', ...ids.split('\n'));
    const imgs = (await dk(h, 'images', '-q', '--filter', 'reference=dockpit/mbench*')).stdout.trim();
    if (imgs) await dk(h, 'rmi', '-f', ...new Set(imgs.split('\n'))).catch(() => undefined);
  }));
}

function writeConfig(dir) {
  const base = fs.readFileSync(path.join(FLEET_DIR, 'dockpit.yaml'), 'utf8').replace(/^state: .*\n/m, '');
  const file = path.join(dir, 'dockpit.yaml');
  fs.writeFileSync(file, `${base.trimEnd()}
state: ${path.join(dir, 'state')}
ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { bench: 10.88.90.0/24 }
lines:
  bench: { tier: 3, pool: lan }
`);
  return file;
}

const healthOf = async (h, name) => JSON.parse((await dk(h, 'inspect', '--format', '{{json .State.Health.Status}}', name)).stdout);

async function waitHealthy(h, name) {
  for (let t0 = Date.now(); Date.now() - t0 < 30_000;) {
    if ((await healthOf(h, name)) === 'healthy') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${name} on ${h.name} never became healthy`);
}

/** The reference: stop → start → healthy in place, measured from the stop's return as dockpit measures. */
async function restartInPlace(h, name) {
  await dk(h, 'stop', name);
  const t0 = performance.now();
  await dk(h, 'start', name);
  await waitHealthy(h, name);
  return performance.now() - t0;
}

async function migrate(config, name, to) {
  let out;
  try {
    out = (await run('node', [CLI, 'migrate', name, '--to', to, '--config', config, '--yes', '--json'], { maxBuffer: 16 << 20 })).stdout;
  } catch (err) {
    throw new Error(`migrate ${name}: ${err.stderr ?? err.message}\n${err.stdout ?? ''}`);
  }
  const j = JSON.parse(out);
  if (j.status !== 'done') throw new Error(`migrate ${name}: ${j.status} ${j.error ?? ''}`);
  return j;
}

export async function migrateBench({ rounds = 6, imageMiB = 16 } = {}) {
  const fleet = JSON.parse(fs.readFileSync(path.join(FLEET_DIR, 'fleet.json'), 'utf8'));
  const [h1, h2, h3] = fleet.hosts;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-migbench-'));
  const config = writeConfig(dir);
  const present = [];
  const streamed = [];
  const reference = [];
  const streamMs = [];
  let bytes = 0;
  try {
    await removeOurs(fleet);
    // An image only h1 has: the busybox image plus imageMiB of random data, committed once per round so each
    // streamed migration finds its image missing on the target.
    await dk(h1, 'run', '-d', '--name', `${P}base`, 'dockpit/busybox:latest', 'sh', '-c', `head -c ${imageMiB << 20} /dev/urandom > /blob; sleep 1d`);
    for (let i = 0; i < rounds; i++) {
      await dk(h1, 'exec', `${P}base`, 'sh', '-c', `echo ${i} > /round`);
      await dk(h1, 'commit', `${P}base`, `dockpit/mbench:r${i}`);
      const ip = (k) => `10.88.90.${10 + k * rounds + i}`;
      await dk(h1, 'run', '-d', '--name', `${P}present-${i}`, '--network', 'biz', '--ip', ip(0), ...HEALTH, 'dockpit/busybox:latest', 'sleep', '1d');
      await dk(h1, 'run', '-d', '--name', `${P}streamed-${i}`, '--network', 'biz', '--ip', ip(1), ...HEALTH, `dockpit/mbench:r${i}`, 'sleep', '1d');
      await dk(h1, 'run', '-d', '--name', `${P}ref-${i}`, '--network', 'biz', '--ip', ip(2), ...HEALTH, 'dockpit/busybox:latest', 'sleep', '1d');
    }
    for (let i = 0; i < rounds; i++) {
      for (const kind of ['present', 'streamed', 'ref']) await waitHealthy(h1, `${P}${kind}-${i}`);
      // Alternate the kinds within a round: the machine's noise hits them alike.
      reference.push(await restartInPlace(h1, `${P}ref-${i}`));
      present.push((await migrate(config, `${P}present-${i}`, h2.name)).downtimeMs);
      const t0 = performance.now();
      const s = await migrate(config, `${P}streamed-${i}`, h3.name);
      streamMs.push(performance.now() - t0);
      streamed.push(s.downtimeMs);
      if (!s.steps.some((x) => x.step === 'image' && x.state === 'done')) throw new Error(`migrate ${P}streamed-${i}: the image was not streamed`);
    }
    const audit = fs.readFileSync(path.join(dir, 'state', 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    bytes = median(audit.filter((e) => e.action === 'migrate.image').map((e) => e.details.bytes));
  } finally {
    await removeOurs(fleet);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const ref = median(reference);
  const row = (metric, xs) => ({
    metric,
    value: `median ${fmt(median(xs), 0)} ms, max ${fmt(Math.max(...xs), 0)} ms (n=${xs.length})`,
    reference: `restart in place: median ${fmt(ref, 0)} ms, max ${fmt(Math.max(...reference), 0)} ms`,
    ratio: `${fmt(median(xs) / ref, 2)}×`,
  });
  return [
    row('migrate downtime (stopped → gate passed), image present', present),
    row(`migrate downtime, image streamed (${fmt(bytes / 2 ** 20, 1)} MiB, before the stop)`, streamed),
    {
      metric: 'whole migration with the image streamed (wall time of `dockpit migrate`)',
      value: `median ${fmt(median(streamMs), 0)} ms, max ${fmt(Math.max(...streamMs), 0)} ms`,
      reference: '-',
      ratio: '-',
    },
  ];
}

// Run on its own: `npm run build && node bench/migrate-bench.mjs` on a fleet that is up.
if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await migrateBench();
  for (const r of rows) console.log(`| ${r.metric} | ${r.value} | ${r.reference} | ${r.ratio} |`);
}
