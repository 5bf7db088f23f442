import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { plainAgent, withoutServerName } from '../../src/engine/plain-http-agent.js';

// Issue 16: Node's agent guessed a TLS server name for every plain-HTTP request with net.isIP(), whose IPv6
// pattern cost 9 ms of a `ps --json` (profiled). The agents of unix, tcp:// and SSH engines say "none".

let server: http.Server | null = null;
let dir: string | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** An HTTP server on a unix socket that answers with the path it was asked. */
async function listen(): Promise<string> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-agent-'));
  const socketPath = path.join(dir, 's.sock');
  server = http.createServer((req, res) => res.end(req.url));
  await new Promise<void>((r) => server!.listen(socketPath, r));
  return socketPath;
}

function get(agent: http.Agent, socketPath: string, p: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath, path: p, agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** The agent, and the server name each of its new connections was given. */
function recordingServerNames(agent: http.Agent): { agent: http.Agent; seen: Array<string | undefined> } {
  const seen: Array<string | undefined> = [];
  const create = agent.createConnection.bind(agent);
  agent.createConnection = ((options: net.NetConnectOpts & { servername?: string }, cb?: () => void) => {
    seen.push(options.servername);
    return create(options, cb);
  }) as typeof agent.createConnection;
  return { agent, seen };
}

describe('plain-HTTP agents', () => {
  it('hand Node no server name to work out, and still carry requests', async () => {
    const socketPath = await listen();
    const { agent, seen } = recordingServerNames(withoutServerName(new http.Agent({ keepAlive: true })));
    expect(await get(agent, socketPath, '/a')).toBe('/a');
    expect(seen).toEqual(['']);
    agent.destroy();
  });

  it('leave Node to guess it without the wrapper (what the test above would otherwise see)', async () => {
    const socketPath = await listen();
    const { agent, seen } = recordingServerNames(new http.Agent({ keepAlive: true }));
    await get(agent, socketPath, '/b');
    expect(seen).toEqual(['localhost']);
    agent.destroy();
  });

  it('share one keep-alive agent between the unix and tcp:// engines', () => {
    expect(plainAgent()).toBe(plainAgent());
    // Node keeps its constructor options on the agent; the type definitions leave them out.
    expect((plainAgent() as unknown as { options: http.AgentOptions }).options).toMatchObject({ keepAlive: true, timeout: 5000 });
  });
});
