import Docker from 'dockerode';
import type { HostSpec } from '../config/types.js';
import { crashDuringRequest } from './fault-point.js';
import type { SshTunnel } from './ssh-tunnel.js';

/** The one place dockerode is constructed: transports are chosen here and nowhere else. */
export function createDockerClient(spec: HostSpec, tunnel: SshTunnel | null): Docker {
  return withFaultPoint(clientFor(spec, tunnel));
}

type Dial = (options: { method?: string; path?: string }, callback: (err: unknown, data: unknown) => void) => void;

/**
 * Test-only (fault-point.ts): every request passes here, so a chaos test can crash dockpit while any engine
 * call is in flight. Without DOCKPIT_FAULT the check is one comparison per request.
 */
function withFaultPoint(docker: Docker): Docker {
  // docker-modem's dial is not in dockerode's type definitions: the one cast is here.
  const modem = docker.modem as unknown as { dial: Dial };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => (crashDuringRequest(options.method, options.path) ? dial(options, () => undefined) : dial(options, callback));
  return docker;
}

function clientFor(spec: HostSpec, tunnel: SshTunnel | null): Docker {
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
