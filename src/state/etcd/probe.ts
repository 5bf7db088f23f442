import net from 'node:net';
import tls from 'node:tls';

// When gRPC cannot connect it often gives no cause: with etcd auth, etcd3 exchanges the password on a
// fresh channel per attempt, and grpc-js then reports "No connection established. Last error: null";
// an http:// client at a TLS member gets "Failed to connect". A plain TCP (or TLS) connection to each
// endpoint, bounded, says what an operator needs: refused, no answer, certificate not trusted …

export interface TlsMaterial {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

function probeOne(endpoint: string, material: TlsMaterial | null, ms: number): Promise<string | null> {
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const secure = url.protocol === 'https:';
  return new Promise((resolve) => {
    const socket = secure
      ? tls.connect({
          host,
          port,
          ALPNProtocols: ['h2'],
          // No SNI for an address (RFC 6066; Node warns otherwise): the certificate is still checked against it.
          ...(net.isIP(host) ? {} : { servername: host }),
          ...(material && { ca: material.ca, ...(material.cert && { cert: material.cert }), ...(material.key && { key: material.key }) }),
        })
      : net.connect({ host, port });
    const done = (result: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(`${url.host}: no answer within ${ms} ms`), ms);
    socket.once(secure ? 'secureConnect' : 'connect', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => done(secure && err.code !== 'ECONNREFUSED' && err.syscall !== 'connect' ? `${url.host}: TLS: ${err.message}` : `${url.host}: ${err.message}`));
  });
}

/**
 * What is wrong with reaching the endpoints, or null when every one of them accepts a connection (and a
 * TLS handshake, for https://).
 */
export async function probeEndpoints(endpoints: readonly string[], material: TlsMaterial | null, ms: number): Promise<string | null> {
  const results = await Promise.all(endpoints.map((e) => probeOne(e, material, ms)));
  const failed = results.filter((r): r is string => r !== null);
  return failed.length > 0 ? failed.join('; ') : null;
}
