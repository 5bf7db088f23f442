import { PassThrough } from 'node:stream';
import { render } from 'ink';
import type { Container, DomainEvent } from '../engine/types.js';
import { applyEvents } from '../store/apply-event.js';
import { createFleetStore } from '../store/fleet-store.js';
import { initialFleetState } from '../store/state.js';
import { App } from '../views/App.js';
import { parseConfig } from '../config/load-config.js';

// At build time only (warmUp in src/cli.ts, for the code cache): a config is parsed, and the cockpit draws its
// lines screen, then an update of it, on a terminal that is not there. The functions that runs (yaml's parser,
// React's reconciler, yoga, Ink's output and its text width and ANSI code) are then compiled into the cache:
// before, each start compiled them again (the first frame about 100 ms of a 3-host launch, traced; a
// 200-host config's parse 60 ms against 4 ms once compiled).

const HOSTS = ['h1', 'h2'];

function container(host: string, i: number, bizline: string): Container {
  return {
    host,
    id: `${host}-${i}`,
    name: `${bizline}-${host}-${i}`,
    image: 'busybox:latest',
    state: i % 5 === 4 ? 'exited' : 'running',
    status: i % 5 === 4 ? 'Exited (0) 2 hours ago' : 'Up 5 minutes',
    bizline,
    tier: i % 3,
    ips: { biz: `10.88.${HOSTS.indexOf(host)}.${10 + i}` },
    labels: { bizline, tier: String(i % 3) },
    created: 1_700_000_000,
  };
}

/** A config like an operator's: hosts on each transport, pools, lines, a plan. Nothing in it is read or contacted. */
const CONFIG = `hosts:
  - { name: h1, url: unix:///run/docker.sock, labels: { rack: a } }
  - name: h2
    url: tcp://10.0.0.2:2375
  - name: h3
    url: tcp://10.0.0.3:2375
ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { news: 10.88.1.0/24, forum: 10.88.2.0/24 }
lines:
  news: { tier: 1, pool: lan, hosts: [h1, h2] }
  forum: { tier: 2, pool: lan }
plans:
  - name: peak
    steps:
      - select: { lines: [forum], minTier: 2 }
        action: stop
`;

export function warmUpConfig(): void {
  parseConfig(CONFIG, 'warm-up.yaml');
}

/** A terminal of 120 × 30 that takes what is written and keeps none of it. */
function offscreen(): { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream } {
  const stdout = Object.assign(new PassThrough(), { columns: 120, rows: 30, isTTY: true });
  stdout.resume();
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  // Only the members Ink uses are there: a real tty stream is what it is typed for.
  return { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream };
}

export async function warmUpRender(): Promise<void> {
  const events: DomainEvent[] = HOSTS.flatMap((host): DomainEvent[] => [
    { type: 'host.status', host, patch: { url: `tcp://${host}:2375`, transport: 'tcp', state: 'up', engineVersion: '20.10.24', apiVersion: '1.41', latencyMs: 4, liveRestore: true } },
    { type: 'host.listed', host, containers: ['news', 'forum', 'ads'].flatMap((line) => [0, 1, 2, 3, 4].map((i) => container(host, i, line))) },
  ]);
  const store = createFleetStore(applyEvents(initialFleetState(), events));
  const { stdout, stdin } = offscreen();
  const ink = render(<App store={store} source="warm-up" state="warm-up" />, { stdout, stdin, stderr: stdout, exitOnCtrlC: false, patchConsole: false });
  await new Promise((r) => setTimeout(r, 50));
  store.setState(applyEvents(store.getState(), [{ type: 'container.updated', host: 'h1', container: { ...container('h1', 0, 'news'), state: 'exited', status: 'Exited (1) 1 second ago' } }]));
  await new Promise((r) => setTimeout(r, 50));
  ink.unmount();
  await ink.waitUntilExit();
}
