// Starts the hollow fleet in its own process and talks to its control channel; writes the dockpit.yaml
// that points at it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.mjs');

export async function startHollowFleet({ hosts = 200, perHost = 50, probes = 10, seed = 7 } = {}) {
  const child = spawn(process.execPath, [MAIN, '--hosts', String(hosts), '--per-host', String(perHost), '--probes', String(probes), '--seed', String(seed)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    rl.once('line', (line) => {
      rl.close();
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`hollow fleet exited with ${code} before it listened`)));
  });
  const base = `http://127.0.0.1:${first.control}`;
  const call = async (method, p) => {
    const res = await fetch(`${base}${p}`, { method });
    const body = await res.json();
    if (!res.ok) throw new Error(`hollow control ${method} ${p}: ${res.status} ${body.message}`);
    return body;
  };
  return {
    pid: child.pid,
    hosts: first.hosts,
    setRate: (eps) => call('POST', `/rate?eps=${eps}`),
    probe: (host) => call('POST', `/probe?host=${encodeURIComponent(host)}`),
    truth: () => call('GET', '/truth'),
    requests: () => call('GET', '/requests'),
    writeConfig(file, engine = {}) {
      const lines = ['# dockpit config for the hollow fleet (bench/hollow)'];
      const tuning = Object.entries(engine);
      if (tuning.length) lines.push(`engine: { ${tuning.map(([k, v]) => `${k}: ${v}`).join(', ')} }`);
      lines.push(`state: ${path.join(path.dirname(file), 'state')}`, 'hosts:');
      for (const h of first.hosts) lines.push(`  - name: ${h.name}`, `    url: tcp://127.0.0.1:${h.port}`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
