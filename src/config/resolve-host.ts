import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineUrlProblem } from './engine-url.js';
import type { Transport } from '../engine/types.js';
import type { RawHost } from './schema.js';
import type { Endpoint, HostSpec } from './types.js';
import { expandPath } from './paths.js';
import { lookupSshAlias } from './ssh-config.js';

/** A problem with one field of one host; the loader adds file and line. */
export class HostFieldError extends Error {
  constructor(
    readonly field: keyof RawHost | 'url',
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_REMOTE_SOCKET = '/var/run/docker.sock';

function readable(file: string, field: keyof RawHost, what: string): string {
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    throw new HostFieldError(field, `${what} ${file} does not exist or cannot be read`);
  }
  return file;
}

function parsePort(raw: string, fallback: number): number {
  if (raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new HostFieldError('url', `expected a port from 1 to 65535, got "${raw}"`);
  }
  return port;
}

function sshEndpoint(raw: RawHost, url: URL, baseDir: string): Endpoint {
  // `ssh://alias` honours ~/.ssh/config the way `ssh alias` would; explicit URL parts win.
  const alias = lookupSshAlias(url.hostname);
  const identity = raw.identityFile ?? alias.identityFile;
  return {
    kind: 'ssh',
    host: alias.hostName ?? url.hostname,
    port: url.port ? parsePort(url.port, 22) : (alias.port ?? 22),
    username: decodeURIComponent(url.username) || alias.user || os.userInfo().username,
    socketPath: raw.socket ?? DEFAULT_REMOTE_SOCKET,
    identityFile: identity ? readable(expandPath(identity, baseDir), 'identityFile', 'identity file') : null,
    knownHosts: readable(expandPath(raw.knownHosts ?? '~/.ssh/known_hosts', baseDir), 'knownHosts', 'known_hosts file'),
    agentSocket: process.env.SSH_AUTH_SOCK ?? null,
  };
}

/** Turns one validated host entry into a connectable spec. Reads local files; contacts nothing. */
const SCHEMES: Record<string, Transport> = { unix: 'unix', tcp: 'tcp', https: 'tls', ssh: 'ssh' };

export function resolveHost(raw: RawHost, baseDir: string): HostSpec {
  const scheme = raw.url.includes('://') ? raw.url.slice(0, raw.url.indexOf('://')) : '';
  const transport = SCHEMES[scheme];
  // The schema checks config files; DOCKER_HOST and contexts arrive here unchecked.
  const problem = engineUrlProblem(raw.url);
  if (!transport || problem !== null) throw new HostFieldError('url', problem ?? 'expected a URL starting with unix://, tcp://, https:// or ssh://');
  if (raw.socket && transport !== 'ssh') throw new HostFieldError('socket', 'is only for ssh:// hosts');
  if (raw.identityFile && transport !== 'ssh') throw new HostFieldError('identityFile', 'is only for ssh:// hosts');
  if (raw.knownHosts && transport !== 'ssh') throw new HostFieldError('knownHosts', 'is only for ssh:// hosts');
  if (raw.tls && transport !== 'tls') throw new HostFieldError('tls', 'is only for https:// hosts');

  let endpoint: Endpoint;
  if (transport === 'unix') {
    const socketPath = raw.url.slice('unix://'.length);
    if (!path.isAbsolute(socketPath)) throw new HostFieldError('url', `expected unix:///absolute/path, got "${raw.url}"`);
    endpoint = { kind: 'unix', socketPath };
  } else {
    // Node's URL parser rejects ports over 65535 with a vaguer message: check the port first.
    const port = /^[a-z]+:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/]*):(\d+)/.exec(raw.url)?.[1];
    if (port !== undefined) parsePort(port, 0);
    let url: URL;
    try {
      url = new URL(raw.url);
    } catch {
      throw new HostFieldError('url', `"${raw.url}" is not a valid URL`);
    }
    if (!url.hostname) throw new HostFieldError('url', `expected a host in "${raw.url}"`);
    if (transport === 'ssh') {
      endpoint = sshEndpoint(raw, url, baseDir);
    } else if (transport === 'tcp') {
      endpoint = { kind: 'tcp', host: url.hostname, port: parsePort(url.port, 2375) };
    } else {
      // By design no fallback to the system's CAs: an engine's certificate comes from the shop's own CA
      // (dockerd's --tlsverify setup), which the public CAs never vouch for (issue 17).
      if (!raw.tls) throw new HostFieldError('tls', 'https:// hosts need tls: { ca, cert, key } (the engine is verified against that CA)');
      const tls = raw.tls;
      if ((tls.cert === undefined) !== (tls.key === undefined)) throw new HostFieldError('tls', 'a client certificate needs both cert and key');
      const file = (field: 'ca' | 'cert' | 'key', value: string) => readable(expandPath(value, baseDir), 'tls', `tls.${field}`);
      const caFile = file('ca', tls.ca);
      const read = (f: string) => fs.readFileSync(f, 'utf8');
      endpoint = {
        kind: 'tls',
        host: url.hostname,
        port: parsePort(url.port, 2376),
        ca: read(caFile),
        cert: tls.cert === undefined ? null : read(file('cert', tls.cert)),
        key: tls.key === undefined ? null : read(file('key', tls.key)),
        caFile,
      };
    }
  }
  return { name: raw.name, url: raw.url, transport, endpoint, labels: raw.labels ?? {} };
}
