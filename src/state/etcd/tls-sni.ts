import net from 'node:net';
import type { Etcd3 } from 'etcd3';

// grpc-js sets the TLS servername (SNI) to the endpoint's host even when that is an IP address, and Node
// then prints a DeprecationWarning (DEP0123, "Setting the TLS ServerName to an IP address is not
// permitted by RFC 6066") on stderr, once per process. etcd endpoints are usually addresses
// (https://10.0.0.5:2379), and dockpit must not print on its own. For an IP target the servername is
// dropped from the connection options grpc-js builds: Node then sends no SNI, as RFC 6066 wants, and
// still checks the certificate against the address (checkServerIdentity uses `host`).
//
// This reaches into two libraries' internals (etcd3's connection pool, grpc-js's secure connector), so it
// checks every shape it relies on and does nothing when one differs: then the warning is back, nothing
// else changes.

interface Connector {
  connectionOptions?: { servername?: unknown };
}

interface PatchableCredentials {
  _createSecureConnector?: (...args: unknown[]) => unknown;
  __dockpitNoIpSni?: true;
}

function patch(creds: unknown): void {
  const c = creds as PatchableCredentials | null;
  if (typeof c !== 'object' || c === null || typeof c._createSecureConnector !== 'function' || c.__dockpitNoIpSni) return;
  const original = c._createSecureConnector;
  c._createSecureConnector = function (this: unknown, ...args: unknown[]) {
    const connector = original.apply(this, args) as Connector | null;
    const o = connector?.connectionOptions;
    if (o && typeof o.servername === 'string' && net.isIP(o.servername)) delete o.servername;
    return connector;
  };
  c.__dockpitNoIpSni = true;
}

/** Keeps grpc-js from sending an IP address as SNI on the client's TLS connections (see above). */
export function noIpServername(client: Etcd3): void {
  const pool = (client as unknown as { pool?: { hosts?: unknown; authenticator?: { credentials?: unknown } } }).pool;
  if (!pool) return;
  if (Array.isArray(pool.hosts)) for (const h of pool.hosts) patch((h as { channelCredentials?: unknown }).channelCredentials);
  patch(pool.authenticator?.credentials);
}
