import Docker from 'dockerode';
import type { HostSpec } from '../config/types.js';
import type { SshTunnel } from './ssh-tunnel.js';

/** The one place dockerode is constructed: transports are chosen here and nowhere else. */
export function createDockerClient(spec: HostSpec, tunnel: SshTunnel | null): Docker {
  const ep = spec.endpoint;
  switch (ep.kind) {
    case 'unix':
      return new Docker({ socketPath: ep.socketPath });
    case 'tcp':
      return new Docker({ protocol: 'http', host: ep.host, port: ep.port });
    case 'tls':
      // Node verifies the engine's certificate against `ca` by default; nothing here turns that off.
      return new Docker({ protocol: 'https', host: ep.host, port: ep.port, ca: ep.ca, cert: ep.cert, key: ep.key });
    case 'ssh':
      if (!tunnel) throw new Error(`host ${spec.name}: ssh transport needs a tunnel`);
      // The host/port are placeholders for the request line; the agent decides where bytes go.
      return new Docker({ protocol: 'http', host: 'docker', port: 80, agent: tunnel.agent() } as Docker.DockerOptions);
  }
}
