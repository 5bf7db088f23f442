import Docker from 'dockerode';
import https from 'node:https';
import { inspect } from 'node:util';
import type { HostSpec } from '../config/types.js';
import { crashDuringRequest } from './fault-point.js';
import { plainAgent } from './plain-http-agent.js';
import type { SshTunnel } from './ssh-tunnel.js';
import { tlsAgentOptions } from './tls-agent.js';
import { tlsFailure, type TlsEndpoint } from './tls-errors.js';

/** The one place dockerode is constructed: transports are chosen here and nowhere else. */
export function createDockerClient(spec: HostSpec, tunnel: SshTunnel | null): Docker {
  return withFaultPoint(clientFor(spec, tunnel));
}

type Dial = (options: { method?: string; path?: string; abortSignal?: AbortSignal }, callback: (err: unknown, data: unknown) => void) => void;

/**
 * docker-modem runs util.inspect(options, { showHidden: true, depth: null }) on every request, debug or not,
 * and the options hold the call's AbortSignal, whose hidden internals made it about 0.3 ms a request: at 30
 * requests a second (probes and stats reads of 200 hosts) a tenth of the idle cockpit's main thread (issue 14).
 * The SSH agent got a one-word custom inspect for the same reason (ssh-tunnel.ts); the signal gets one here.
 */
function cheapToInspect(signal: AbortSignal | undefined): void {
  if (signal && !Object.prototype.hasOwnProperty.call(signal, inspect.custom)) {
    Object.defineProperty(signal, inspect.custom, { value: () => `AbortSignal { aborted: ${signal.aborted} }` });
  }
}

/**
 * Test-only (fault-point.ts): every request passes here, so a chaos test can crash dockpit while any engine
 * call is in flight. Without DOCKPIT_FAULT the check is one comparison per request.
 */
function withFaultPoint(docker: Docker): Docker {
  // docker-modem's dial is not in dockerode's type definitions: the one cast is here.
  const modem = docker.modem as unknown as { dial: Dial };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    cheapToInspect(options.abortSignal);
    return crashDuringRequest(options.method, options.path) ? dial(options, () => undefined) : dial(options, callback);
  };
  return docker;
}

function tlsAgent(ep: TlsEndpoint): https.Agent {
  return new https.Agent(tlsAgentOptions(ep));
}

/** TLS failures become one-line DockpitErrors saying what to fix (tls-errors.ts), whatever call hit them. */
function withTlsErrors(docker: Docker, ep: TlsEndpoint): Docker {
  const modem = docker.modem as unknown as { dial: Dial };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => dial(options, (err, data) => callback(err ? (tlsFailure(err, ep) ?? err) : null, data));
  return docker;
}

function clientFor(spec: HostSpec, tunnel: SshTunnel | null): Docker {
  const ep = spec.endpoint;
  switch (ep.kind) {
    case 'unix':
      // dockerode's types lack `agent`, which docker-modem passes on to http.request.
      return new Docker({ socketPath: ep.socketPath, agent: plainAgent() } as Docker.DockerOptions);
    case 'tcp':
      return new Docker({ protocol: 'http', host: ep.host, port: ep.port, agent: plainAgent() } as Docker.DockerOptions);
    case 'tls':
      return withTlsErrors(new Docker({ protocol: 'https', host: ep.host, port: ep.port, agent: tlsAgent(ep) } as Docker.DockerOptions), ep);
    case 'ssh':
      if (!tunnel) throw new Error(`host ${spec.name}: ssh transport needs a tunnel`);
      // The host/port are placeholders for the request line; the agent decides where bytes go.
      return new Docker({ protocol: 'http', host: 'docker', port: 80, agent: tunnel.agent() } as Docker.DockerOptions);
  }
}
