// Issue 15: `dockpit watch` at 200 hollow hosts × 50 containers (bench/hollow): CPU and RSS idle and in a
// 1,000 events/s storm; alert latency from a cause (a container killed through its engine's API) to the
// alert's POST at an Alertmanager endpoint; and the metrics scrape at 10,000 containers (per-container
// metrics on), against curl fetching one host's container list from the same fleet (a reference measured in
// the same run on the same machine).
//
//   npm run build && node bench/watch-bench.mjs [--hosts 200 --per-host 50] [--kills 20] [--storm 1000]
//
// The Alertmanager endpoint is a local receiver that answers as Alertmanager's /api/v2/alerts does and
// records when each alert arrived: what is measured is dockpit's part (event → rule → POST). The real
// Alertmanager's own intake is exercised by test/integration/watch.test.ts.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startHollowFleet } from './hollow/fleet-process.mjs';
import { fmt, median, percentile } from './lib.mjs';
import { usage } from './scale-bench.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An Alertmanager stand-in: POST /api/v2/alerts → 200; the arrival times of each firing alert, by alert name and container. */
function startReceiver() {
  const arrivals = new Map();
  let posts = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      if (req.method === 'POST' && req.url === '/api/v2/alerts') {
        posts++;
        for (const a of JSON.parse(Buffer.concat(chunks).toString('utf8'))) {
          const key = `${a.labels.alertname}/${a.labels.container ?? ''}`;
          // Firing only (a resolve carries a past endsAt); every arrival: a name can fire again.
          if (a.endsAt && Date.parse(a.endsAt) <= at) continue;
          arrivals.set(key, [...(arrivals.get(key) ?? []), at]);
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, arrivals, posts: () => posts, close: () => server.close() })));
}

async function engineCall(port, method, p) {
  const res = await fetch(`http://127.0.0.1:${port}${p}`, { method });
  if (!res.ok && res.status !== 304) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
  return res.status === 204 || res.status === 304 ? null : res.json();
}

async function scrape(addr) {
  const t0 = performance.now();
  const res = await fetch(`http://${addr}/metrics`);
  const text = await res.text();
  return { ms: performance.now() - t0, bytes: text.length, text };
}

function curlListMs(port) {
  const out = execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{time_total}', `http://127.0.0.1:${port}/containers/json?all=1`], { encoding: 'utf8' });
  return Number(out) * 1000;
}

export async function watchBench({ hosts = 200, perHost = 50, kills = 20, storm = 1000, cli = 'dist/cli.cjs' } = {}) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-watch-bench-'));
  // Every host has a probe container, which the storm never touches: the killed containers are those, so a
  // kill in the storm is a container's first unexpected death (not the storm's tenth: that is restartLoop's).
  const hollow = await startHollowFleet({ hosts, perHost, probes: hosts });
  const receiver = await startReceiver();
  let watch = null;
  try {
    const config = hollow.writeConfig(path.join(work, 'dockpit.yaml'));
    // containerDied fires at once (for: 0) so that the latency is dockpit's, not a configured wait.
    fs.appendFileSync(config, [
      'alerts:',
      '  sinks:',
      `    alertmanager: { url: http://127.0.0.1:${receiver.port} }`,
      '  rules:',
      '    containerDied: { for: 0s }',
      '',
    ].join('\n'));
    watch = spawn(process.execPath, [cli, 'watch', '--config', config, '--json', '--metrics', '127.0.0.1:0', '--per-container-metrics'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: watch.stdout });
    /** Container name → when the watch logged its containerDied firing (epoch ms). */
    const logged = new Map();
    const started = await new Promise((resolve, reject) => {
      lines.on('line', (l) => {
        // The start line, and when each probe's firing was logged (the evaluation's part of the latency; the
        // rest is the sink's). Other lines are not parsed: a storm logs thousands.
        if (l.includes('"event":"start"')) resolve(JSON.parse(l));
        else if (l.includes('"kind":"firing"') && l.includes('containerDied:')) {
          const m = /"key":"containerDied:[^/"]*\/([^"]+)"/.exec(l);
          if (m) logged.set(m[1], [...(logged.get(m[1]) ?? []), Date.now()]);
        }
      });
      watch.once('exit', (code) => reject(new Error(`dockpit watch exited with ${code}`)));
    });
    const addr = started.metrics;
    // Settled: every container listed (the scrape says so), then a quiet spell for the first inspects.
    const total = hosts * perHost;
    for (let i = 0; ; i++) {
      const { text } = await scrape(addr);
      const listed = text.split('\n').filter((l) => l.startsWith('dockpit_host_containers{')).reduce((s, l) => s + Number(l.split(' ').pop()), 0);
      if (listed >= total) break;
      if (i > 600) throw new Error(`only ${listed}/${total} containers listed after 60 s`);
      await sleep(100);
    }
    await sleep(15_000);
    const idle = await usage(watch.pid, 15_000);

    // The scrape on the settled fleet (after the storm the watch is busy with its alerts, which would be
    // measured instead).
    const scrapes = [];
    let bytes = 0;
    for (let i = 0; i < 10; i++) {
      const s = await scrape(addr);
      scrapes.push(s.ms);
      bytes = s.bytes;
    }
    const curl = Array.from({ length: 10 }, () => curlListMs(hollow.hosts[0].port));

    // Alert latency: kill containers one at a time (quiet fleet), then again during the storm.
    /** Kills a host's probe container (each host's is killed once). */
    const killOne = async (h) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const list = await engineCall(h.port, 'GET', '/containers/json');
        const c = list.find((x) => x.State === 'running' && x.Names[0].startsWith('/probe-'));
        if (!c) continue;
        const t0 = Date.now();
        const res = await fetch(`http://127.0.0.1:${h.port}/containers/${c.Id}/kill`, { method: 'POST' });
        await res.arrayBuffer();
        if (res.ok) return { t0, name: c.Names[0].replace(/^\//, '') };
      }
      return null;
    };
    const measure = async (from, n) => {
      const lat = [];
      const evaluated = [];
      let missed = 0;
      for (let i = 0; i < n; i++) {
        const killed = await killOne(hollow.hosts[(from + i) % hollow.hosts.length]);
        if (!killed) {
          missed++;
          continue;
        }
        const key = `containerDied/${killed.name}`;
        const deadline = killed.t0 + 10_000;
        const arrived = () => (receiver.arrivals.get(key) ?? []).find((at) => at >= killed.t0);
        while (arrived() === undefined && Date.now() < deadline) await sleep(5);
        const at = arrived();
        const log = (logged.get(killed.name) ?? []).find((t) => t >= killed.t0);
        if (log !== undefined) evaluated.push(log - killed.t0);
        if (at === undefined) missed++;
        else lat.push(at - killed.t0);
        await sleep(200);
      }
      return { p50: percentile(lat, 50), p99: percentile(lat, 99), n: lat.length, missed, loggedP50: percentile(evaluated, 50), loggedN: evaluated.length };
    };
    const quiet = await measure(0, kills);

    await hollow.setRate(storm);
    await sleep(3000);
    const stormUse = usage(watch.pid, 15_000);
    const stormLat = await measure(kills, kills);
    const stormUsage = await stormUse;
    await hollow.setRate(0);
    await sleep(3000);
    const firingAfterStorm = (await scrape(addr)).text.split('\n').filter((l) => l.startsWith('dockpit_alerts_firing{')).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);


    const results = {
      fleet: `${hosts} hosts × ${perHost}`,
      idle: { cpuPercent: fmt(idle.cpuPercent, 2), rssMiB: fmt(idle.rssMiB, 0) },
      storm: { eps: storm, cpuPercent: fmt(stormUsage.cpuPercent, 1), rssMiB: fmt(stormUsage.rssMiB, 0) },
      alertLatencyMs: Object.fromEntries(Object.entries({ quiet, storm: stormLat }).map(([k, v]) => [k, { p50: fmt(v.p50, 0), p99: fmt(v.p99, 0), n: v.n, missed: v.missed, loggedByWatchP50: fmt(v.loggedP50, 0), loggedN: v.loggedN }])),
      scrape: { medianMs: fmt(median(scrapes), 1), bytes, curlOneHostListMedianMs: fmt(median(curl), 1), ratio: fmt(median(scrapes) / median(curl), 1) },
      posts: receiver.posts(),
      firingAfterStorm,
    };
    const n = `${hosts} hollow hosts × ${perHost}`;
    const rows = [
      { metric: `\`dockpit watch\`, ${n}: idle CPU and RSS`, value: `${results.idle.cpuPercent} % of a core, ${results.idle.rssMiB} MiB`, reference: '', ratio: '' },
      { metric: `\`dockpit watch\`, ${n}, ${results.storm.eps} events/s storm: CPU and RSS`, value: `${results.storm.cpuPercent} % of a core, ${results.storm.rssMiB} MiB`, reference: '', ratio: '' },
      { metric: 'alert latency, container killed → its alert at Alertmanager\'s API (p50 / p99): quiet / in the storm', value: `${results.alertLatencyMs.quiet.p50} / ${results.alertLatencyMs.quiet.p99} ms; ${results.alertLatencyMs.storm.p50} / ${results.alertLatencyMs.storm.p99} ms (missed ${results.alertLatencyMs.quiet.missed + results.alertLatencyMs.storm.missed} of ${2 * kills})`, reference: '', ratio: '' },
      { metric: `GET /metrics with per-container metrics, ${(hosts * perHost).toLocaleString('en')} containers (median of 10)`, value: `${results.scrape.medianMs} ms, ${Math.round(results.scrape.bytes / 1024)} KiB`, reference: `curl, one host's container list: ${results.scrape.curlOneHostListMedianMs} ms`, ratio: `${results.scrape.ratio}×` },
    ];
    return { rows, raw: results };
  } finally {
    if (watch && watch.exitCode === null) {
      const exited = new Promise((r) => watch.once('exit', (code, sig) => r([code, sig])));
      watch.kill('SIGTERM');
      const [code, sig] = await exited;
      if (code !== 0) console.error(`dockpit watch exited with ${code ?? sig} on SIGTERM`);
    }
    receiver.close();
    await hollow.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '200' },
      'per-host': { type: 'string', default: '50' },
      kills: { type: 'string', default: '20' },
      storm: { type: 'string', default: '1000' },
      cli: { type: 'string', default: 'dist/cli.cjs' },
    },
  });
  const { rows, raw } = await watchBench({ hosts: Number(values.hosts), perHost: Number(values['per-host']), kills: Number(values.kills), storm: Number(values.storm), cli: values.cli });
  console.log(JSON.stringify(raw, null, 2));
  for (const r of rows) console.log(`| ${r.metric} | ${r.value} | ${r.reference} | ${r.ratio} |`);
}
