import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../src/alerts/metrics-server.js';

function get(url: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .request(url, { method }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject)
      .end();
  });
}

describe('metrics server', () => {
  it('GET /metrics renders on each scrape as text/plain version 0.0.4; anything else is 404', async () => {
    let n = 0;
    const server = await startMetricsServer('127.0.0.1:0', () => `dockpit_scrapes ${++n}\n`);
    try {
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const base = `http://${server.address}`;
      expect(await get(`${base}/metrics`)).toEqual({ status: 200, type: 'text/plain; version=0.0.4; charset=utf-8', body: 'dockpit_scrapes 1\n' });
      expect((await get(`${base}/metrics?x=1`)).body).toBe('dockpit_scrapes 2\n');
      expect((await get(`${base}/`)).status).toBe(404);
      expect((await get(`${base}/metrics`, 'POST')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('a render that throws answers 500 and says why; the server keeps serving', async () => {
    let fail = true;
    const server = await startMetricsServer('127.0.0.1:0', () => {
      if (fail) throw new Error('store gone');
      return 'ok 1\n';
    });
    try {
      expect(await get(`http://${server.address}/metrics`)).toMatchObject({ status: 500, body: 'rendering the metrics failed: store gone\n' });
      fail = false;
      expect((await get(`http://${server.address}/metrics`)).body).toBe('ok 1\n');
    } finally {
      await server.close();
    }
  });

  it('a bad or busy address is a clear error', async () => {
    await expect(startMetricsServer('9323', () => '')).rejects.toThrow('--metrics 9323: not host:port (e.g. 127.0.0.1:9323)');
    await expect(startMetricsServer('127.0.0.1:99999', () => '')).rejects.toMatchObject({ code: 'BAD_ADDRESS' });
    const first = await startMetricsServer('127.0.0.1:0', () => '');
    try {
      await expect(startMetricsServer(first.address, () => '')).rejects.toThrow(`--metrics ${first.address}: can't listen: EADDRINUSE`);
    } finally {
      await first.close();
    }
  });
});
