import type { Endpoint } from '../config/types.js';
import { DockpitError } from './errors.js';

// What a failed TLS connection to an https:// engine means, in one line for the host's row (issue 17).
// Node gives OpenSSL's verification codes ("unable to verify the first certificate") and the alert the
// engine sent ("sslv3 alert bad certificate"): true, but not what an operator has to fix. Codes only, never
// the message text, decide which case it is.

export type TlsEndpoint = Extract<Endpoint, { kind: 'tls' }>;

/** The engine's certificate does not chain to the configured CA. */
const UNTRUSTED: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
]);

/** Alerts an engine with --tlsverify sends when it does not accept our client certificate (or its absence). */
const CLIENT_REFUSED: ReadonlySet<string> = new Set([
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', // TLS 1.2, Go's answer to no certificate or one it cannot verify
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', // TLS 1.3, no certificate
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', // a certificate from a CA the engine does not trust
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
]);

const PROTOCOL_VERSION: ReadonlySet<string> = new Set([
  'ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
]);

interface TlsErrorFields {
  code?: unknown;
  message?: unknown;
  host?: unknown;
  cert?: { subjectaltname?: unknown; subject?: { CN?: unknown } };
}

/** The names a certificate is for: its subjectAltName entries ("DNS:t1, IP Address:10.0.0.1" → "t1, 10.0.0.1"). */
function namesOf(cert: TlsErrorFields['cert']): string {
  const san = typeof cert?.subjectaltname === 'string' ? cert.subjectaltname : '';
  const names = san
    .split(/,\s*/)
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
  if (names.length > 0) return names.join(', ');
  return typeof cert?.subject?.CN === 'string' ? cert.subject.CN : 'no name';
}

/** A coded, one-line error for a TLS failure talking to `ep`, or null when `err` is not one. */
export function tlsFailure(err: unknown, ep: TlsEndpoint): DockpitError | null {
  if (err instanceof DockpitError || typeof err !== 'object' || err === null) return null;
  const e = err as TlsErrorFields;
  if (typeof e.code !== 'string') return null;
  const said = typeof e.message === 'string' ? e.message.split('\n')[0]!.trim() : e.code;
  if (UNTRUSTED.has(e.code)) {
    return new DockpitError('TLS', `certificate not trusted by the configured CA (${ep.caFile}: ${said})`);
  }
  if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const asked = typeof e.host === 'string' ? e.host : ep.host;
    return new DockpitError('TLS', `certificate is for ${namesOf(e.cert)}, not ${asked}`);
  }
  if (CLIENT_REFUSED.has(e.code)) {
    return new DockpitError(
      'TLS',
      ep.cert === null
        ? 'the engine refused the connection: it requires a client certificate and tls: has no cert/key'
        : `the engine refused our client certificate (${e.code.replace(/^ERR_SSL_/, '').toLowerCase()})`,
    );
  }
  if (PROTOCOL_VERSION.has(e.code)) {
    return new DockpitError('TLS', `no TLS version in common with the engine (dockpit requires TLS 1.2 or newer): ${e.code}`);
  }
  if (e.code === 'CERT_HAS_EXPIRED' || e.code === 'CERT_NOT_YET_VALID') {
    return new DockpitError('TLS', `engine certificate ${e.code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'}`);
  }
  if (e.code.startsWith('ERR_SSL') || e.code.startsWith('ERR_TLS') || e.code === 'EPROTO') {
    // EPROTO carries OpenSSL's whole error line; the alert's name is the part an operator can use.
    const alert = /alert ([a-z ]+?)(?::|$)/.exec(said)?.[1];
    return new DockpitError('TLS', `TLS handshake failed: ${alert ? `the engine sent alert "${alert}" (dockpit requires TLS 1.2 or newer)` : said}`);
  }
  return null;
}
