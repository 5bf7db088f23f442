// The README's start-time figures for the single executable (issue 16): `dockpit --version` and
// `dockpit ps --json` on the test fleet (3 hosts: unix, tcp, ssh), medians of N alternated rounds (wall and CPU time), against
// `node dist/cli.cjs` and the docker CLI (the same 3 hosts in parallel, same transports) in the same run.
//   npm run package && DOCKPIT_FLEET_ID=N node scripts/start-figures.mjs [ROUNDS]
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { root } from './build-options.mjs';

const run = promisify(execFile);
const id = process.env.DOCKPIT_FLEET_ID;
const fleetDir = process.env.DOCKPIT_FLEET_DIR ?? `/tmp/dockpit-fleet${id ? `-${id}` : ''}`;
const fleet = JSON.parse(fs.readFileSync(path.join(fleetDir, 'fleet.json'), 'utf8'));
const config = path.join(fleetDir, 'dockpit.yaml');
const exe = path.join(root, 'release/dockpit-linux-x64');
if (!fs.existsSync(exe)) throw new Error(`${exe} is missing: npm run package`);
const rounds = Number(process.argv[2] ?? 10);

// `docker -H ssh://HOST` runs `ssh HOST docker system dial-stdio`: an ssh first in PATH adds the fleet's key
// and points the far docker at that host's engine socket (the fleet's hosts share one sshd namespace each).
const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-figures-'));
const cases = fleet.hosts.map((h) => `    ${h.addr}) sock=${h.socket} ;;`).join('\n');
fs.writeFileSync(path.join(bin, 'ssh'), `#!/bin/bash
out=(); host=""
for a in "$@"; do
  case "$a" in
${cases.replace(/\) sock=/g, ') host=$a; sock=')}
  esac
  if [ "$a" = docker ] && [ -n "$host" ]; then out+=("docker -H unix://$sock"); else out+=("$a"); fi
done
exec /usr/bin/ssh -i ${fleet.identityFile} -o UserKnownHostsFile=${fleet.knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes "\${out[@]}"
`, { mode: 0o755 });
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
const where = (h) => ({ unix: `unix://${h.socket}`, tcp: h.tcp, ssh: `ssh://root@${h.addr}` })[h.transport];

// CPU time beside wall time: on a loaded machine the wall time is mostly waiting for a CPU, the CPU time is not.
let cpuMs = 0;
async function timed(cmd, args) {
  const out = path.join(bin, `time-${Math.random().toString(36).slice(2)}`);
  const r = await run('/usr/bin/time', ['-f', '%U %S', '-o', out, cmd, ...args], { env, maxBuffer: 1 << 24 });
  const [u, s] = fs.readFileSync(out, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  cpuMs += (u + s) * 1000;
  fs.rmSync(out);
  return r;
}
const programs = {
  executable: (args) => timed(exe, args),
  'node dist/cli.cjs': (args) => timed(process.execPath, [path.join(root, 'dist/cli.cjs'), ...args]),
};
const cases2 = {
  '--version': { args: ['--version'], docker: () => timed('docker', ['--version']) },
  'ps --json': {
    args: ['ps', '--json', '--config', config],
    docker: () => Promise.all(fleet.hosts.map((h) => timed('docker', ['-H', where(h), 'ps', '-a', '--format', 'json']))),
  },
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const [name, c] of Object.entries(cases2)) {
  const runners = [...Object.entries(programs).map(([p, fn]) => [p, () => fn(c.args)]), ['docker CLI', c.docker]];
  const times = Object.fromEntries(runners.map(([p]) => [p, []]));
  const cpu = Object.fromEntries(runners.map(([p]) => [p, []]));
  for (const [, fn] of runners) await fn(); // warm the page cache and the engines for everyone alike
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < runners.length; k++) {
      const [p, fn] = runners[(r + k) % runners.length];
      const t0 = performance.now();
      cpuMs = 0;
      await fn();
      times[p].push(performance.now() - t0);
      cpu[p].push(cpuMs);
    }
  }
  const ref = median(times['docker CLI']);
  const refCpu = median(cpu['docker CLI']);
  for (const [p, t] of Object.entries(times)) {
    console.log(
      `${name.padEnd(10)} ${p.padEnd(17)} median ${median(t).toFixed(0).padStart(5)} ms  ${(median(t) / ref).toFixed(2)}× docker CLI` +
        `   CPU ${median(cpu[p]).toFixed(0).padStart(4)} ms  ${(median(cpu[p]) / refCpu).toFixed(2)}×`,
    );
  }
}
const tarball = fs.readdirSync(path.join(root, 'release')).find((f) => f.endsWith('.tar.gz'));
const mib = (f) => (fs.statSync(path.join(root, 'release', f)).size / 1048576).toFixed(1);
console.log(`${tarball}: ${mib(tarball)} MiB; dockpit-linux-x64: ${mib('dockpit-linux-x64')} MiB; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
fs.rmSync(bin, { recursive: true, force: true });
