import { describe, expect, it, vi } from 'vitest';
import { DockpitError, toDockpitError } from '../../src/engine/errors.js';

vi.mock('react', () => {
  throw new Error('the engine must not import react');
});

const errno = (code: string, message = `connect ${code} /var/run/docker.sock`) => Object.assign(new Error(message), { code });

describe('toDockpitError', () => {
  it('AbortError and TimeoutError are TIMEOUT, with the context', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(toDockpitError(abort, 'list h1')).toMatchObject({ code: 'TIMEOUT', message: 'list h1: deadline exceeded' });
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(toDockpitError(timeout).toString()).toBe('TIMEOUT: deadline exceeded');
    expect(toDockpitError(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' })).code).toBe('TIMEOUT');
  });

  it('a real AbortSignal.timeout() abort is TIMEOUT', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(toDockpitError(signal.reason).code).toBe('TIMEOUT');
  });

  it('statusCode 404, 409, 500 (dockerode errors carry reason and statusCode)', () => {
    const e404 = toDockpitError(Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404, reason: 'no such container' }), 'stop web');
    expect(e404).toBeInstanceOf(DockpitError);
    expect(e404).toMatchObject({ code: 'NOT_FOUND', message: 'stop web: no such container', statusCode: 404 });
    const e409 = toDockpitError({ statusCode: 409, reason: 'conflict' });
    expect(e409.toString()).toBe('CONFLICT: conflict');
    expect(e409.statusCode).toBe(409);
    const e500 = toDockpitError({ statusCode: 500 });
    expect(e500).toMatchObject({ code: 'HTTP', message: 'HTTP 500', statusCode: 500 });
  });

  it('network codes', () => {
    expect(toDockpitError(errno('ECONNREFUSED'))).toMatchObject({ code: 'REFUSED', message: 'connect ECONNREFUSED /var/run/docker.sock' });
    expect(toDockpitError(errno('ENOENT')).code).toBe('REFUSED');
    expect(toDockpitError(errno('EHOSTUNREACH'), 'h2')).toMatchObject({ code: 'UNREACHABLE', message: 'h2: connect EHOSTUNREACH /var/run/docker.sock' });
    expect(toDockpitError(errno('ENETUNREACH')).code).toBe('UNREACHABLE');
    expect(toDockpitError(errno('ENOTFOUND')).code).toBe('UNREACHABLE');
    expect(toDockpitError(errno('ETIMEDOUT')).code).toBe('TIMEOUT');
    expect(toDockpitError(errno('ECONNRESET')).code).toBe('STREAM_ENDED');
    expect(toDockpitError(errno('EPIPE')).code).toBe('STREAM_ENDED');
  });

  it('TLS codes from node and OpenSSL', () => {
    for (const code of [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'CERT_HAS_EXPIRED',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    ]) {
      expect(toDockpitError(errno(code, 'tls failed')).code, code).toBe('TLS');
    }
  });

  it('UNABLE_TO_VERIFY_LEAF_SIGNATURE (server cert not signed by the configured ca) is TLS', () => {
    // What node reports when an https host's tls.ca is not the CA that signed the engine's certificate.
    expect(toDockpitError(errno('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate')).code).toBe('TLS');
  });

  it('ssh2 errors by level', () => {
    const auth = Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' });
    expect(toDockpitError(auth, 'ssh web1')).toMatchObject({
      code: 'SSH_AUTH',
      message: 'ssh web1: All configured authentication methods failed',
    });
    expect(toDockpitError(Object.assign(new Error('Protocol error'), { level: 'protocol' })).code).toBe('SSH');
    // A socket error below ssh2 keeps its network code.
    expect(toDockpitError(Object.assign(errno('ECONNREFUSED'), { level: 'client-socket' })).code).toBe('REFUSED');
  });

  it('anything else is UNKNOWN; a DockpitError passes through unchanged', () => {
    expect(toDockpitError('boom')).toMatchObject({ code: 'UNKNOWN', message: 'boom' });
    expect(toDockpitError(new Error('weird'), 'ctx').toString()).toBe('UNKNOWN: ctx: weird');
    const original = new DockpitError('PARSE', 'bad json');
    expect(toDockpitError(original, 'ignored')).toBe(original);
  });
});

describe('toDockpitError keeps what the engine said', () => {
  it("adds the engine's json.message to docker-modem's status label", () => {
    const e = toDockpitError({ statusCode: 404, reason: 'no such container', json: { message: 'No such image: nope:latest' } }, 'create');
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('create: no such container: No such image: nope:latest');
    expect(toDockpitError({ statusCode: 409, reason: 'conflict', json: 'Conflict. The name is in use' }).message).toBe('conflict: Conflict. The name is in use');
  });
});
