import type https from 'node:https';
import type { TlsEndpoint } from './tls-errors.js';

/**
 * The TLS settings of an https:// engine (issue 17): only `ca` is trusted (not the system's CAs), our client
 * certificate is presented, TLS 1.2 at least. The engine's name is checked against the URL's host by Node's
 * default checkServerIdentity: nothing here sets `servername`, `checkServerIdentity` or `rejectUnauthorized`
 * (tls-engine.test.ts connects by an address the certificate lacks and is refused). The host's connection
 * (docker-client.ts) and the first-list worker (first-lists.ts) both use these.
 */
export function tlsAgentOptions(ep: TlsEndpoint): https.AgentOptions {
  return { ca: ep.ca, ...(ep.cert !== null && ep.key !== null ? { cert: ep.cert, key: ep.key } : {}), minVersion: 'TLSv1.2' };
}
