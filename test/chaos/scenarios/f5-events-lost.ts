import http from 'node:http';
import { docker } from '../../support/fleet.js';
import { startWatchProcess, type WatchProc } from '../../integration/watch-process.js';
import type { Violation } from '../invariants.js';
import type { Scenario } from '../scenario.js';
import { engineFault, removeAll, runConfigFile, seen, sleep } from '../truth.js';

// F5: more than 256 events on an engine while a long-lived dockpit (`dockpit watch`) is cut off from it (its
// process SIGSTOPped), with the engine restarted at a seeded point (before the events, after them, or not
// at all): the engine keeps only its last 256 events, and a restarted one none (engine-facts.md "Events"),
// so a replay from where the watch left off misses the changes. After the watch is thawed, its store (per
// container state, read from its own /metrics) must equal the engine's containers within SETTLE_MS: less
// than the periodic re-list (resyncInterval 15 s), so that only a re-list on reconnect or gap passes.

const P = 'cz05-';
const SETTLE_MS = 10_000;
/** Filler events (`kill` with SIGWINCH: nothing happens to the container) after the changes. */
const FILLER = 300;

type States = Map<string, string>;

/** The watch's view of `host`'s containers of P: its per-container state metric. */
async function observed(metrics: string, host: string): Promise<States> {
  const text = await new Promise<string>((resolve, reject) => {
    http
      .get(`http://${metrics}/metrics`, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
  const out: States = new Map();
  const re = /^dockpit_container_state\{host="([^"]*)",container="([^"]*)",[^}]*state="([^"]*)"\} 1$/gm;
  for (const m of text.matchAll(re)) if (m[1] === host && m[2]!.startsWith(P)) out.set(m[2]!, m[3]!);
  return out;
}

async function truth(host: string): Promise<States> {
  return new Map((await seen([host], P)).map((c) => [c.name, c.state]));
}

const show = (s: States): string => [...s.entries()].sort().map(([n, st]) => `${n}=${st}`).join(' ') || '(none)';
const same = (a: States, b: States): boolean => show(a) === show(b);

/** `POST path` on an engine's unix socket (the filler: hundreds of calls, no CLI process each). */
function post(socket: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, path, method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `n` kill calls over `ids`; resolves to how many the engine accepted (each one event). */
async function filler(socket: string, ids: readonly string[], n: number): Promise<number> {
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < n) {
      const id = ids[next++ % ids.length]!;
      if ((await post(socket, `/containers/${id}/kill?signal=WINCH`)) === 204) ok++;
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return ok;
}

export const f5: Scenario = {
  id: 'F5',
  title: 'more than 256 events while dockpit is cut off, the engine restarted, then healed',
  async run(ctx) {
    const fh = ctx.fleet.hosts[Math.floor(ctx.random() * ctx.fleet.hosts.length)]!;
    const host = fh.name;
    const restart = (['before', 'after', 'none'] as const)[Math.floor(ctx.random() * 3)]!;
    const k = 3 + Math.floor(ctx.random() * 3);
    const removed = Math.floor(ctx.random() * k);
    const stopped = (removed + 1 + Math.floor(ctx.random() * (k - 1))) % k;
    const made = 1 + Math.floor(ctx.random() * 2);
    const chose = `${host} (live-restore ${fh.liveRestore ? 'on' : 'off'}): ${k} containers, rm ${P}${removed}, stop ${P}${stopped}, ${made} made; engine restarted ${restart === 'none' ? 'never' : `${restart} the events`}`;
    const { config } = runConfigFile(ctx, '');
    const run = (name: string, detach = true) => docker(host, detach ? 'run' : 'create', ...(detach ? ['-d'] : []), '--stop-timeout', '1', '--name', name, ctx.fleet.image, 'sleep', '86400');
    const violations: Violation[] = [];
    let watch: WatchProc | null = null;
    let frozen = false;
    let engineDown = false;
    const restartEngine = async () => {
      engineDown = true;
      await engineFault('stop-engine', host, ctx.log);
      await engineFault('start-engine', host, ctx.log);
      engineDown = false;
    };
    await removeAll([host], P);
    try {
      await Promise.all(Array.from({ length: k }, (_, i) => run(`${P}${i}`)));
      watch = startWatchProcess(['--config', config, '--metrics', '127.0.0.1:0', '--per-container-metrics']);
      const metrics = String((await watch.line((l) => l.event === 'start', 30_000)).metrics);
      // The watch has the host's containers before the cut (else the check below proves nothing).
      const t0 = Date.now();
      while (!same(await observed(metrics, host), await truth(host))) {
        if (Date.now() - t0 > 20_000) throw new Error(`the watch never saw ${host}'s containers: ${show(await observed(metrics, host))}`);
        await sleep(250);
      }

      watch.child.kill('SIGSTOP');
      frozen = true;
      if (restart === 'before') await restartEngine();
      await docker(host, 'rm', '-f', `${P}${removed}`);
      if (stopped !== removed) await docker(host, 'stop', '-t', '0', `${P}${stopped}`);
      await Promise.all(Array.from({ length: made }, (_, i) => run(`${P}n${i}`, i === 0)));
      const running = (await docker(host, 'ps', '-q', '--no-trunc', '--filter', `name=^${P}`)).split('\n').filter(Boolean);
      if (running.length === 0) throw new Error(`no running ${P} container on ${host} for the filler`);
      const filled = await filler(fh.socket, running, FILLER);
      if (filled <= 256) throw new Error(`only ${filled} of ${FILLER} filler events on ${host}: the engine's buffer still holds the changes`);
      if (restart === 'after') await restartEngine();
      const want = await truth(host);
      watch.child.kill('SIGCONT');
      frozen = false;

      const t1 = Date.now();
      let got = await observed(metrics, host);
      while (!same(got, want) && Date.now() - t1 < SETTLE_MS) {
        await sleep(250);
        got = await observed(metrics, host);
      }
      const now = await truth(host);
      ctx.log(`watch matched the engine after ${Date.now() - t1} ms: ${show(got)}`);
      if (!same(now, want)) throw new Error(`${host} changed by itself during the settle: ${show(want)} → ${show(now)}`);
      if (!same(got, want)) violations.push({ invariant: 'view equals the engine', text: `${SETTLE_MS / 1000} s after the heal the watch shows ${show(got)}; ${host} has ${show(want)}` });
      return { violations, chose };
    } finally {
      if (frozen) watch?.child.kill('SIGCONT');
      await watch?.stop();
      if (engineDown) await engineFault('start-engine', host, ctx.log);
      await removeAll([host], P);
    }
  },
};
