import http from 'node:http';
import Docker from 'dockerode';
import type { HostSpec } from '../config/types.js';
import type { SshTunnel } from './ssh-tunnel.js';

/** The one place dockerode is constructed: transports are chosen here and nowhere else. */
export function createDockerClient(spec: HostSpec, tunnel: SshTunnel | null): Docker {
  const ep = spec.endpoint;
  switch (ep.kind) {
    // Keep-alive: probes, lists and stats reads reuse a connection instead of opening one each (at 200 hosts,
    // connecting was the largest piece of dockpit's idle CPU on the main thread; issue 7).
    case 'unix':
      return new Docker({ socketPath: ep.socketPath, agent: keepAlive() } as Docker.DockerOptions);
    case 'tcp':
      return new Docker({ protocol: 'http', host: ep.host, port: ep.port, agent: keepAlive() } as Docker.DockerOptions);
    case 'tls':
      // Node verifies the engine's certificate against `ca` by default; nothing here turns that off.
      return new Docker({ protocol: 'https', host: ep.host, port: ep.port, ca: ep.ca, cert: ep.cert, key: ep.key });
    case 'ssh':
      if (!tunnel) throw new Error(`host ${spec.name}: ssh transport needs a tunnel`);
      // The host/port are placeholders for the request line; the agent decides where bytes go.
      return new Docker({ protocol: 'http', host: 'docker', port: 80, agent: tunnel.agent() } as Docker.DockerOptions);
  }
}

/** One agent per client: a few idle connections kept for the next call, dropped when idle for a while. */
function keepAlive(): http.Agent {
  return new http.Agent({ keepAlive: true, maxFreeSockets: 4, timeout: 30_000 });
}
