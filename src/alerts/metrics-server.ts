import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXPOSITION_CONTENT_TYPE } from './metrics.js';
import { parseHostPort } from './host-port.js';

// Issue 15, item 4: `dockpit watch --metrics ADDR`. GET /metrics renders on each scrape (Prometheus scrapes
// every 15 s or so: no cache to go stale); anything else is 404. A render that throws answers 500 and says why,
// rather than taking the watch down.

export interface MetricsServer {
  /** `host:port` actually bound (port 0 → the port the system chose). */
  address: string;
  close(): Promise<void>;
}

export class MetricsAddressError extends Error {
  readonly code = 'BAD_ADDRESS';
  constructor(addr: string, why: string) {
    super(`--metrics ${addr}: ${why}`);
    this.name = 'MetricsAddressError';
  }
}

export async function startMetricsServer(addr: string, render: () => string): Promise<MetricsServer> {
  let host: string;
  let port: number;
  try {
    ({ host, port } = parseHostPort(addr));
  } catch {
    throw new MetricsAddressError(addr, 'not host:port (e.g. 127.0.0.1:9323)');
  }
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found: dockpit serves GET /metrics\n');
      return;
    }
    let body: string;
    try {
      body = render();
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`rendering the metrics failed: ${(err as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  // Keep-alive connections would hold close() for their idle timeout.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new MetricsAddressError(addr, `can't listen: ${err.code ?? ''} ${err.message}`.trim()));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  return {
    address: a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
