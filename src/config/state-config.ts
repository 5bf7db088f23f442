import fs from 'node:fs';
// A namespace import lets the bundler leave out what dockpit never uses (zod's other locales: 3/4 of its size, issue 16).
import * as z from 'zod';
import { expandPath } from './paths.js';
import type { RetentionConfig, StateConfig } from './types.js';
import type { PathKey } from './yaml-location.js';

// Issue 11: where the state is. `state: PATH` (files), `state: etcd://h1:2379,h2:2379/prefix`, or a block:
//
//   state:
//     etcd: { endpoints: [https://10.0.0.5:2379], prefix: /dockpit/, tls: { ca: ca.pem, cert: c.pem, key: k.pem },
//             user: dockpit, passwordFile: etcd.pass, leaseTtl: 15, callTimeout: 3000 }
//     retention: { journals: 30d, audit: 180d }
//
// Only the shape and local files are checked here (exit 2); whether etcd answers is known when a change
// is made (exit 7).

const nonEmpty = z.string().min(1, 'expected a non-empty string');
const duration = z.string().regex(/^\d+(s|m|h|d)$/, 'expected a duration such as 90s, 30m, 12h or 30d');
const endpoint = z.string().regex(/^https?:\/\/[^/\s:]+:\d{1,5}\/?$/, 'expected an endpoint such as http://10.0.0.5:2379 or https://etcd1:2379');
const prefix = z.string().regex(/^\/[A-Za-z0-9._/-]*$/, 'expected a key prefix such as /dockpit/ (letters, digits, ".", "_", "-", "/")');

export const stateSchema = z.union([
  nonEmpty,
  z
    .object({
      dir: nonEmpty.optional(),
      etcd: z
        .object({
          endpoints: z.array(endpoint).min(1, 'expected at least one endpoint'),
          prefix: prefix.optional(),
          tls: z.object({ ca: nonEmpty, cert: nonEmpty.optional(), key: nonEmpty.optional() }).strict().optional(),
          user: nonEmpty.optional(),
          password: nonEmpty.optional(),
          passwordFile: nonEmpty.optional(),
          /** Seconds. */
          leaseTtl: z.number().int().min(2, 'expected at least 2 (seconds)').max(3600).optional(),
          /** Milliseconds. */
          callTimeout: z.number().int().positive().optional(),
        })
        .strict()
        .optional(),
      retention: z.object({ journals: duration.optional(), audit: duration.optional() }).strict().optional(),
    })
    .strict(),
]);

export type RawState = z.infer<typeof stateSchema>;

export const DEFAULT_LEASE_TTL_SEC = 15;
export const DEFAULT_ETCD_CALL_MS = 3000;
export const DEFAULT_RETENTION: RetentionConfig = { journalsMs: 30 * 86_400_000, auditMs: 180 * 86_400_000 };

/** A field of `state:` that is wrong, with where it is (relative to `state`). */
export class StateFieldError extends Error {
  constructor(
    message: string,
    readonly at: PathKey[],
  ) {
    super(message);
  }
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function durationMs(text: string): number {
  const unit = text.slice(-1) as keyof typeof UNIT_MS;
  return Number(text.slice(0, -1)) * UNIT_MS[unit];
}

function normalPrefix(p: string): string {
  if (p.split('/').some((seg) => seg === '.' || seg === '..')) throw new StateFieldError('expected a key prefix without "." or ".." segments', ['etcd', 'prefix']);
  return p.endsWith('/') ? p : `${p}/`;
}

/** `etcd://host:port,host:port/prefix`: the endpoints (http) and the prefix. */
export function parseEtcdUrl(url: string): { endpoints: string[]; prefix: string } {
  const m = /^etcd:\/\/([^/]*)(\/.*)?$/.exec(url);
  if (!m) throw new StateFieldError('expected a folder or etcd://host:port[,host:port…]/prefix', []);
  const hosts = m[1]!.split(',').filter((h) => h.length > 0);
  if (hosts.length === 0) throw new StateFieldError('etcd://: expected at least one host:port, as in etcd://10.0.0.5:2379/dockpit', []);
  for (const h of hosts) {
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(h) || Number(h.split(':')[1]) > 65535) {
      throw new StateFieldError(`etcd://: "${h}" is not host:port (as in 10.0.0.5:2379)`, []);
    }
  }
  const p = m[2] && m[2] !== '/' ? m[2] : '/dockpit/';
  if (!/^\/[A-Za-z0-9._/-]*$/.test(p)) throw new StateFieldError(`etcd://: prefix "${p}" may hold letters, digits, ".", "_", "-" and "/" only`, []);
  return { endpoints: hosts.map((h) => `http://${h}`), prefix: normalPrefix(p) };
}

function readableFile(p: string, baseDir: string, at: PathKey[]): string {
  const abs = expandPath(p, baseDir);
  try {
    fs.accessSync(abs, fs.constants.R_OK);
  } catch (err) {
    throw new StateFieldError(`cannot read ${abs} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, at);
  }
  return abs;
}

/** The state a config names; `defaultDir` when it names none. Throws StateFieldError. */
export function resolveState(raw: RawState | undefined, baseDir: string, defaultDir: string): { config: StateConfig | undefined; dir: string } {
  if (raw === undefined) return { config: undefined, dir: expandPath(defaultDir, baseDir) };
  if (typeof raw === 'string') {
    if (!raw.startsWith('etcd://')) {
      if (/^[a-z][a-z0-9+.-]*:\/\//.test(raw)) throw new StateFieldError('expected a folder or etcd://host:port[,host:port…]/prefix', []);
      return { config: undefined, dir: expandPath(raw, baseDir) };
    }
    const { endpoints, prefix: p } = parseEtcdUrl(raw);
    return { config: etcdConfig(endpoints, p, null, null, DEFAULT_LEASE_TTL_SEC, DEFAULT_ETCD_CALL_MS, { ...DEFAULT_RETENTION }), dir: expandPath(defaultDir, baseDir) };
  }
  const retention: RetentionConfig = {
    journalsMs: raw.retention?.journals ? durationMs(raw.retention.journals) : DEFAULT_RETENTION.journalsMs,
    auditMs: raw.retention?.audit ? durationMs(raw.retention.audit) : DEFAULT_RETENTION.auditMs,
  };
  const dir = expandPath(raw.dir ?? defaultDir, baseDir);
  if (!raw.etcd) return { config: { kind: 'file', dir, retention }, dir };
  if (raw.dir !== undefined) throw new StateFieldError('give either dir (files) or etcd, not both', ['dir']);
  const e = raw.etcd;
  if (e.password !== undefined && e.passwordFile !== undefined) throw new StateFieldError('give either password or passwordFile, not both', ['etcd', 'passwordFile']);
  if ((e.password !== undefined || e.passwordFile !== undefined) && e.user === undefined) throw new StateFieldError('a password needs a user', ['etcd']);
  if (e.user !== undefined && e.password === undefined && e.passwordFile === undefined) throw new StateFieldError('a user needs a password or passwordFile', ['etcd', 'user']);
  if ((e.tls?.cert === undefined) !== (e.tls?.key === undefined)) throw new StateFieldError('a client certificate needs both cert and key', ['etcd', 'tls']);
  if (e.tls && e.endpoints.some((u) => u.startsWith('http://'))) throw new StateFieldError('tls is set but an endpoint is http://: use https:// for every endpoint', ['etcd', 'endpoints']);
  const tls = e.tls
    ? {
        ca: readableFile(e.tls.ca, baseDir, ['etcd', 'tls', 'ca']),
        cert: e.tls.cert ? readableFile(e.tls.cert, baseDir, ['etcd', 'tls', 'cert']) : null,
        key: e.tls.key ? readableFile(e.tls.key, baseDir, ['etcd', 'tls', 'key']) : null,
      }
    : null;
  let password = e.password;
  if (e.passwordFile !== undefined) {
    const file = readableFile(e.passwordFile, baseDir, ['etcd', 'passwordFile']);
    password = fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    if (password.length === 0) throw new StateFieldError(`${file} is empty`, ['etcd', 'passwordFile']);
  }
  const auth = e.user !== undefined && password !== undefined ? { username: e.user, password } : null;
  const endpoints = e.endpoints.map((u) => u.replace(/\/$/, ''));
  return {
    config: etcdConfig(endpoints, normalPrefix(e.prefix ?? '/dockpit/'), tls, auth, e.leaseTtl ?? DEFAULT_LEASE_TTL_SEC, e.callTimeout ?? DEFAULT_ETCD_CALL_MS, retention),
    dir,
  };
}

function etcdConfig(
  endpoints: string[],
  prefix: string,
  tls: { ca: string; cert: string | null; key: string | null } | null,
  auth: { username: string; password: string } | null,
  leaseTtlSec: number,
  callTimeoutMs: number,
  retention: RetentionConfig,
): StateConfig {
  return { kind: 'etcd', endpoints, prefix, tls, auth, leaseTtlSec, callTimeoutMs, retention };
}
