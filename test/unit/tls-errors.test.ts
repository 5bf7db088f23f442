import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostSpec } from '../../src/config/types.js';
import { createDockerClient } from '../../src/engine/docker-client.js';
import { tlsAgentOptions } from '../../src/engine/tls-agent.js';
import { DockpitError } from '../../src/engine/errors.js';
import { tlsFailure, type TlsEndpoint } from '../../src/engine/tls-errors.js';

// Issue 17, transport hardening: what a TLS failure says, and that dockpit never speaks below TLS 1.2.
// The refusals of a real --tlsverify engine are in test/integration/tls-engine.test.ts.

const ep: TlsEndpoint = { kind: 'tls', host: '10.0.0.9', port: 2376, ca: 'CA', cert: 'CERT', key: 'KEY', caFile: '/etc/dockpit/ca.pem' };
const errno = (code: string, message: string, extra: object = {}) => Object.assign(new Error(message), { code }, extra);

describe('tlsFailure', () => {
  it('an engine certificate from another CA names the configured CA', () => {
    const e = tlsFailure(errno('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), ep);
    expect(e?.toString()).toBe('TLS: certificate not trusted by the configured CA (/etc/dockpit/ca.pem: unable to verify the first certificate)');
  });

  it('a certificate for another name says which names it has and which was asked for', () => {
    const err = errno('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames", {
      host: '10.0.0.10',
      cert: { subjectaltname: 'DNS:t1, IP Address:10.0.0.9', subject: { CN: 't1' } },
    });
    expect(tlsFailure(err, ep)?.toString()).toBe('TLS: certificate is for t1, 10.0.0.9, not 10.0.0.10');
  });

  it('an engine refusing the client: with no certificate configured, says so', () => {
    const alert = errno('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'ssl3_read_bytes:sslv3 alert bad certificate');
    expect(tlsFailure(alert, { ...ep, cert: null, key: null })?.message).toBe(
      'the engine refused the connection: it requires a client certificate and tls: has no cert/key',
    );
    expect(tlsFailure(alert, ep)?.message).toBe('the engine refused our client certificate (sslv3_alert_bad_certificate)');
  });

  it('leaves errors that are not about TLS to toDockpitError', () => {
    expect(tlsFailure(errno('ECONNREFUSED', 'connect ECONNREFUSED'), ep)).toBeNull();
    expect(tlsFailure(new DockpitError('TIMEOUT', 'deadline exceeded'), ep)).toBeNull();
    expect(tlsFailure('text', ep)).toBeNull();
  });
});

describe('the https client', () => {
  it('trusts only the configured CA, presents the client certificate, needs TLS 1.2, and keeps the name check', () => {
    const o = tlsAgentOptions(ep);
    expect(o).toEqual({ ca: 'CA', cert: 'CERT', key: 'KEY', minVersion: 'TLSv1.2' });
    // Node checks the certificate's names against the URL's host unless one of these overrides it.
    for (const k of ['checkServerIdentity', 'servername', 'rejectUnauthorized'] as const) expect(o).not.toHaveProperty(k);
  });

  describe('against a server that speaks at most TLS 1.1', () => {
    let dir = '';
    let server: tls.Server;
    let port = 0;
    const serverSaw: string[] = [];

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
        '-subj', '/CN=old', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'ignore' });
      // SECLEVEL=0: OpenSSL 3 refuses to serve TLS 1.1 at all otherwise.
      server = tls.createServer({
        key: fs.readFileSync(`${dir}/key.pem`),
        cert: fs.readFileSync(`${dir}/cert.pem`),
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      }, (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]'));
      server.on('tlsClientError', (e: Error & { code?: string }) => serverSaw.push(e.code ?? e.message));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });

    afterAll(() => {
      server?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('refuses the handshake, and says why', async () => {
      const ca = fs.readFileSync(`${dir}/cert.pem`, 'utf8');
      const spec: HostSpec = {
        name: 'old', url: `https://127.0.0.1:${port}`, transport: 'tls', labels: {},
        endpoint: { kind: 'tls', host: '127.0.0.1', port, ca, cert: null, key: null, caFile: `${dir}/cert.pem` },
      };
      const err = await createDockerClient(spec, null).listContainers().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(DockpitError);
      expect(String(err)).toBe('TLS: TLS handshake failed: the engine sent alert "protocol version" (dockpit requires TLS 1.2 or newer)');
      expect(serverSaw).toEqual(['ERR_SSL_UNSUPPORTED_PROTOCOL']);
    });
  });
});
