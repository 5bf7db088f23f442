import fs from 'node:fs';
import {
  EtcdAuthenticationFailedError,
  EtcdLeaseInvalidError,
  EtcdPermissionDeniedError,
  Etcd3,
  GRPCDeadlineExceededError,
  GRPCUnavailableError,
  type IOptions,
  type KVClient,
  type LeaseClient,
  type WatchClient,
} from 'etcd3';
import type { EtcdStateConfig } from '../../config/types.js';
import { DockpitError } from '../../engine/errors.js';
import { StateError } from '../types.js';
import { MemberSkipped, memberPolicy } from './member-policy.js';
import { probeEndpoints, type TlsMaterial } from './probe.js';
import { noIpServername } from './tls-sni.js';

// The connection to etcd (issue 11): made on first use, never by construction, so that read-only commands
// and the cockpit's live view never wait on etcd. Every call is bounded by callTimeoutMs (a gRPC deadline
// and, behind it, a timer of our own: calls over a link whose packets are dropped hang rather than fail),
// and every failure becomes a StateError naming the endpoints and the cause.

/**
 * Options for a unary call: empty, as each attempt gets its own deadline (defaultCallOptions below).
 * Streams, which get none by default, take `deadline` (the end of the whole call).
 */
export type CallOpts = Record<string, never>;

/** etcd's RPC clients. Keys are whole keys (prefix included): use EtcdConn.key(). */
export interface Rpc {
  kv: KVClient;
  lease: LeaseClient;
  watch: WatchClient;
}

/** The call did not settle in time (the gRPC deadline did not fire either: a hung link). */
class CallTimeout extends Error {}

/** A StateError whose cause is kept for the code that must tell a lost lease from a dead link. */
export function stateError(message: string, cause: unknown): StateError {
  const e = new StateError(message);
  e.cause = cause;
  return e;
}

/** Whether etcd said the lease is gone (expired or revoked), as opposed to not answering. */
export function isLeaseGone(err: unknown): boolean {
  const cause = err instanceof StateError ? err.cause : err;
  return cause instanceof EtcdLeaseInvalidError;
}

// Channel options. Keepalive pings find a dead connection under a long-lived stream (the watch, which has
// no deadline); etcd refuses pings more often than every 5 s (--grpc-keepalive-min-time). Reconnects stay
// quick once a member is back. Whole ranges (a run's journal, a host's records) can exceed gRPC's 4 MiB.
// Each client its own subchannels: grpc-js otherwise shares connections between clients of one target,
// and a store opened after another's link failed inherits that connection's reconnect backoff.
const GRPC_OPTIONS = {
  'grpc.use_local_subchannel_pool': 1,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 3_000,
  'grpc.max_receive_message_length': 256 << 20,
};

export class EtcdConn {
  /** `etcd://h1:2379,h2:2379/prefix/`, for messages and StateStore.where. */
  readonly where: string;
  private readonly prefix: Buffer;
  private client: Etcd3 | null = null;
  private rpcs: Rpc | null = null;
  private tlsMaterial: TlsMaterial | null = null;
  private closed = false;
  /** The last real cause of a failure: a member skipped after failing (member-policy.ts) gives none. */
  private lastCause: string | null = null;

  constructor(readonly config: EtcdStateConfig) {
    this.prefix = Buffer.from(config.prefix);
    this.where = `etcd://${config.endpoints.map((e) => e.replace(/^https?:\/\//, '').replace(/\/$/, '')).join(',')}${config.prefix}`;
  }

  get timeoutMs(): number {
    return this.config.callTimeoutMs;
  }

  /** The whole key of `rel`. */
  key(rel: string): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(rel)]);
  }

  /** The relative key of a whole key read back. */
  rel(key: Buffer): string {
    return key.subarray(this.prefix.length).toString();
  }

  /** The RPC clients, made on first use (reads the TLS files then). */
  rpc(): Rpc {
    if (this.closed) throw new StateError(`${this.where}: closed`);
    if (this.rpcs) return this.rpcs;
    const c = this.config;
    // etcd3 retries a failed call on another member (up to 3 attempts): with several members, each attempt
    // gets half the time, so that a member that hangs leaves time to ask another. The whole call is
    // bounded by callTimeoutMs all the same (call()).
    const attemptMs = c.endpoints.length > 1 ? Math.ceil(c.callTimeoutMs / 2) : c.callTimeoutMs;
    const options: IOptions = {
      hosts: c.endpoints.map((e) => e.replace(/\/$/, '')),
      grpcOptions: GRPC_OPTIONS,
      // Each attempt its deadline (the auth token exchange too); streams (watch, keepalive) set their own.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + attemptMs }),
      faultHandling: { host: (member) => memberPolicy(member) },
    };
    if (c.tls) {
      this.tlsMaterial = {
        ca: this.readTlsFile('ca', c.tls.ca),
        ...(c.tls.key && { key: this.readTlsFile('key', c.tls.key) }),
        ...(c.tls.cert && { cert: this.readTlsFile('cert', c.tls.cert) }),
      };
      const m = this.tlsMaterial;
      options.credentials = { rootCertificate: m.ca, ...(m.key && { privateKey: m.key }), ...(m.cert && { certChain: m.cert }) };
    }
    if (c.auth) options.auth = { username: c.auth.username, password: c.auth.password };
    try {
      this.client = new Etcd3(options);
    } catch (err) {
      throw stateError(`etcd ${c.endpoints.join(',')}: ${(err as Error).message}`, err);
    }
    if (c.tls) noIpServername(this.client);
    this.rpcs = { kv: this.client.kv, lease: this.client.leaseClient, watch: this.client.watchClient };
    return this.rpcs;
  }

  private readTlsFile(what: string, file: string): Buffer {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw stateError(`etcd ${this.config.endpoints.join(',')}: cannot read the TLS ${what} file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, err);
    }
  }

  /**
   * One etcd call, bounded by callTimeoutMs (or `ms`); any failure is a StateError naming the endpoints,
   * `what` was being done and why.
   */
  async call<T>(what: string, fn: (rpc: Rpc, opts: CallOpts, deadline: number) => Promise<T>, ms = this.config.callTimeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = Date.now() + ms;
    try {
      const rpc = this.rpc();
      // Not unref'd: a caller awaiting this is waiting on etcd, and the process must not exit under it.
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CallTimeout()), ms + 50);
      });
      return await Promise.race([fn(rpc, {}, deadline), late]);
    } catch (thrown) {
      if (thrown instanceof DockpitError) throw thrown; // ours (a StateError, a bad name …), not etcd's
      // Every member was skipped for failing just before: what matters is why it failed.
      const err = thrown instanceof MemberSkipped && thrown.cause instanceof Error ? thrown.cause : thrown;
      // gRPC gave no cause: find it, within what is left of the call's time.
      const probed = err instanceof GRPCUnavailableError && !informative(lastErrorOf(err.message)) ? await this.probe(deadline - Date.now()) : undefined;
      throw this.fail(what, err, ms, probed);
    } finally {
      clearTimeout(timer);
    }
  }

  private async probe(ms: number): Promise<string> {
    const found = await probeEndpoints(this.config.endpoints, this.tlsMaterial, Math.max(100, Math.min(1000, ms)));
    return found ?? 'the members accept connections, but gRPC calls fail: check http:// or https:// and the TLS settings';
  }

  /** `err` as a StateError naming the endpoints (a StateError is kept as it is). */
  fail(what: string, err: unknown, ms = this.config.callTimeoutMs, cause?: string): StateError {
    if (err instanceof StateError) return err;
    return stateError(`etcd ${this.config.endpoints.join(',')}: ${what}: ${this.reasonOf(err, ms, cause)}`, err);
  }

  private reasonOf(err: unknown, ms: number, cause?: string): string {
    const c = this.config;
    const user = c.auth ? `user ${c.auth.username}` : 'an anonymous client (no user configured)';
    let reason: string;
    if (err instanceof CallTimeout || err instanceof GRPCDeadlineExceededError) {
      reason = `no answer within ${ms} ms (unreachable, or packets dropped on the way)`;
    } else if (err instanceof EtcdAuthenticationFailedError) {
      reason = `authentication failed for ${user} (wrong user or password)`;
    } else if (err instanceof EtcdPermissionDeniedError) {
      reason = `permission denied for ${user}: its role must allow reading and writing keys under ${c.prefix}`;
    } else if (err instanceof EtcdLeaseInvalidError) {
      reason = 'the lease is gone (expired or revoked)';
    } else if (err instanceof MemberSkipped) {
      // Skipped with no failure of its own to show (member-policy.ts): the last cause seen will do.
      return this.lastCause ?? 'unreachable (its members failed just before)';
    } else if (err instanceof GRPCUnavailableError) {
      reason = `unreachable (${cause ?? lastErrorOf((err as Error).message)})`;
    } else {
      reason = err instanceof Error ? err.message : String(err);
    }
    this.lastCause = reason;
    return reason;
  }

  /** Closes the client; calls made after this fail with a StateError. */
  close(): void {
    this.closed = true;
    this.client?.close();
    this.client = null;
    this.rpcs = null;
  }
}

/** grpc-js's "Last error" when it knows one ("null" and "Failed to connect (time)" say nothing). */
const informative = (last: string): boolean => last !== 'null' && !/^Failed to connect\b/.test(last);

/**
 * grpc-js says "14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED …
 * Resolution note: …": the last error is the cause an operator needs (refused, TLS, DNS …).
 */
export function lastErrorOf(message: string): string {
  const m = /Last error: (?:Error(?: \[\w+\])?: )?(.*?)(?:\.?\s*Resolution note:.*)?$/s.exec(message);
  const text = (m ? m[1]! : message.replace(/^\d+ UNAVAILABLE: /, '')).trim();
  return text.length > 0 ? text : message;
}
