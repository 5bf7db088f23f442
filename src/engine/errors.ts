// Errors are values with codes (style.md): views and JSON show `code: message`, nobody matches on text.

export type ErrorCode =
  | 'TIMEOUT'
  | 'REFUSED'
  | 'UNREACHABLE'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'HTTP'
  | 'HOSTKEY_UNKNOWN'
  | 'HOSTKEY_CHANGED'
  | 'SSH_AUTH'
  | 'SSH'
  | 'TLS'
  | 'STREAM_ENDED'
  | 'PARSE'
  | 'STATE'
  | 'UNKNOWN';

export class DockpitError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'DockpitError';
  }

  override toString(): string {
    return `${this.code}: ${this.message}`;
  }
}

interface ErrorLike {
  code?: unknown;
  statusCode?: unknown;
  name?: unknown;
  level?: unknown;
  message?: unknown;
  reason?: unknown;
}

// OpenSSL's certificate verification failures, as node reports them in `code`.
const TLS_VERIFY_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'CERT_REVOKED', 'INVALID_CA', 'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH', 'PATH_LENGTH_EXCEEDED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const NET_CODES: Record<string, ErrorCode> = {
  ECONNREFUSED: 'REFUSED',
  ENOENT: 'REFUSED', // unix socket path missing: the engine is not there
  EHOSTUNREACH: 'UNREACHABLE',
  ENETUNREACH: 'UNREACHABLE',
  ECONNRESET: 'STREAM_ENDED',
  EPIPE: 'STREAM_ENDED',
  ETIMEDOUT: 'TIMEOUT',
  ENOTFOUND: 'UNREACHABLE',
  EAI_AGAIN: 'UNREACHABLE',
};

/** Maps anything thrown by node, dockerode or ssh2 to a coded error, by code fields only. */
export function toDockpitError(err: unknown, context?: string): DockpitError {
  if (err instanceof DockpitError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const rawMessage = typeof e.message === 'string' ? e.message : String(err);
  const message = context ? `${context}: ${rawMessage}` : rawMessage;
  if (e.name === 'AbortError' || e.name === 'TimeoutError' || e.code === 'ABORT_ERR') {
    // Our aborts are deadlines (deadline.ts) or shutdown, where the error is not shown.
    return new DockpitError('TIMEOUT', context ? `${context}: deadline exceeded` : 'deadline exceeded');
  }
  if (typeof e.statusCode === 'number') {
    const code: ErrorCode = e.statusCode === 404 ? 'NOT_FOUND' : e.statusCode === 409 ? 'CONFLICT' : 'HTTP';
    // docker-modem's `reason` is its own label for the status (create answers 404 "no such container" when
    // the image is missing); the engine's words are in `json.message`. The code comes from the status
    // alone: the text is for the operator, never matched.
    const reason = typeof e.reason === 'string' ? e.reason : `HTTP ${e.statusCode}`;
    const json = (e as { json?: unknown }).json;
    const said = typeof json === 'object' && json !== null ? (json as { message?: unknown }).message : json;
    const text = typeof said === 'string' && said.trim() ? `${reason}: ${said.trim()}` : reason;
    return new DockpitError(code, context ? `${context}: ${text}` : text, e.statusCode);
  }
  if (typeof e.code === 'string') {
    const address = (e as { address?: unknown }).address;
    if (e.code === 'ENOENT' && typeof address === 'string') {
      return new DockpitError('REFUSED', `${context ? `${context}: ` : ''}no engine socket at ${address}`);
    }
    if (NET_CODES[e.code]) return new DockpitError(NET_CODES[e.code]!, message);
    if (TLS_VERIFY_CODES.has(e.code) || e.code.startsWith('ERR_TLS') || e.code.startsWith('ERR_SSL')) {
      return new DockpitError('TLS', message);
    }
  }
  if (e.level === 'client-authentication') return new DockpitError('SSH_AUTH', message);
  if (typeof e.level === 'string') return new DockpitError('SSH', message);
  return new DockpitError('UNKNOWN', message);
}
