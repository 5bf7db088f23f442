import http from 'node:http';

/** The one per-request hook of Node's http.Agent that its type definitions leave out. */
interface AgentInternals {
  addRequest(req: unknown, options: { servername?: string }): void;
}

/**
 * Plain HTTP has no TLS server name, but Node's agent works one out for every request anyway, with
 * net.isIP(host): its IPv6 pattern cost about 10 ms on its first run and 2–3 ms on each new host name
 * after, on the main thread while the cockpit's first requests went out (issue 16). An empty servername
 * is Node's own "none" and skips it. Never for https: there the name is what the certificate is checked against.
 */
export function withoutServerName<T extends http.Agent>(agent: T): T {
  const internals = agent as unknown as AgentInternals;
  const addRequest = internals.addRequest.bind(agent);
  internals.addRequest = (req, options) => {
    options.servername ??= '';
    addRequest(req, options);
  };
  return agent;
}

let shared: http.Agent | null = null;

/** For unix-socket and tcp:// engines: Node 20's global agent (keep-alive, LIFO, 5 s idle), without the server name. */
export function plainAgent(): http.Agent {
  return (shared ??= withoutServerName(new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 })));
}
