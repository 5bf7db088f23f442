import fs from 'node:fs';
import http from 'node:http';
import { inspect } from 'node:util';
import type { Duplex } from 'node:stream';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { Endpoint } from '../config/types.js';
import { DockpitError, toDockpitError } from './errors.js';
import { hostLookupName, parseKnownHosts, verifyHostKey } from './known-hosts.js';
import { withoutServerName } from './plain-http-agent.js';

type SshEndpoint = Extract<Endpoint, { kind: 'ssh' }>;

/**
 * One persistent SSH connection per host; each HTTP request to the engine rides a streamlocal channel
 * to the remote socket over it (engine-facts.md: dockerode's own ssh mode handshakes per request).
 */
export class SshTunnel {
  private client: Client | null = null;
  private closed = false;
  private hostKeyError: DockpitError | null = null;
  private readonly closeListeners = new Set<(err: DockpitError) => void>();

  constructor(
    private readonly hostName: string,
    private readonly endpoint: SshEndpoint,
    private readonly connectTimeoutMs: number,
  ) {}

  connect(): Promise<void> {
    const ep = this.endpoint;
    const entries = parseKnownHosts(fs.readFileSync(ep.knownHosts, 'utf8'));
    const lookup = hostLookupName(ep.host, ep.port);
    const config: ConnectConfig = {
      host: ep.host,
      port: ep.port,
      username: ep.username,
      readyTimeout: this.connectTimeoutMs,
      keepaliveInterval: 5000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        const verdict = verifyHostKey(entries, lookup, key);
        if (verdict.ok) return true;
        const what = verdict.reason === 'unknown' ? 'is not in' : verdict.reason === 'changed' ? 'does not match' : 'is revoked in';
        this.hostKeyError = new DockpitError(
          verdict.reason === 'unknown' ? 'HOSTKEY_UNKNOWN' : 'HOSTKEY_CHANGED',
          `host ${this.hostName} (${lookup}) offered ${verdict.keyType} key ${verdict.fingerprint}, which ${what} ${ep.knownHosts}; refusing to connect`,
        );
        return false;
      },
    };
    // The one method configured, first: ssh2 otherwise tries "none" before it, a round trip sshd always
    // refuses (100 ms of a 3-host launch on the test fleet, issue 16).
    if (ep.identityFile) {
      config.privateKey = fs.readFileSync(ep.identityFile);
      config.authHandler = ['publickey'];
    } else if (ep.agentSocket) {
      config.agent = ep.agentSocket;
      config.authHandler = ['agent'];
    }
    else return Promise.reject(new DockpitError('SSH_AUTH', `host ${this.hostName}: no identityFile and no SSH_AUTH_SOCK agent`));

    return new Promise((resolve, reject) => {
      const client = new Client();
      this.client = client;
      let ready = false;
      client.once('ready', () => {
        ready = true;
        resolve();
      });
      client.on('error', (err) => {
        const coded = this.hostKeyError ?? toDockpitError(err, `ssh ${lookup}`);
        if (!ready) reject(coded);
        else this.emitClose(coded);
      });
      client.on('close', () => {
        if (!ready) reject(this.hostKeyError ?? new DockpitError('SSH', `ssh ${lookup}: connection closed during handshake`));
        else this.emitClose(new DockpitError('STREAM_ENDED', `ssh ${lookup}: connection closed`));
      });
      client.connect(config);
      // ssh2 leaves Nagle's algorithm on. Each request over the tunnel is a few small packets, and with the far
      // end's delayed ACKs each waited up to 40 ms: a launch's first list over SSH took 3 such waits after the
      // handshake (issue 16, traced: ready → list 190 ms, now 20–60 ms).
      client.setNoDelay(true);
    });
  }

  onClose(listener: (err: DockpitError) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  private emitClose(err: DockpitError): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.closeListeners) l(err);
  }

  openStream(): Promise<ClientChannel> {
    const client = this.client;
    if (!client || this.closed) return Promise.reject(new DockpitError('STREAM_ENDED', `ssh ${this.hostName}: not connected`));
    return new Promise((resolve, reject) => {
      client.openssh_forwardOutStreamLocal(this.endpoint.socketPath, (err, channel) => {
        if (err) reject(toDockpitError(err, `ssh ${this.hostName}: forward to ${this.endpoint.socketPath}`));
        else resolve(channel);
      });
    });
  }

  /** An HTTP agent whose sockets are channels of this connection. */
  agent(): http.Agent {
    const agent = withoutServerName(new http.Agent({ keepAlive: true, maxSockets: 16 }));
    // docker-modem runs util.inspect(options, { showHidden: true, depth: null }) on every request, debug
    // on or off; through this agent that walked the whole ssh2 connection, buffers included: about a third
    // of dockpit's idle CPU in a profile. A custom inspect keeps it to a word.
    Object.defineProperty(agent, inspect.custom, { value: () => `SshTunnelAgent(${this.hostName})` });
    // http.Agent accepts an asynchronous createConnection through its callback argument.
    (agent as unknown as { createConnection: unknown }).createConnection = (
      _options: unknown,
      callback: (err: Error | null, socket?: Duplex) => void,
    ) => {
      this.openStream().then(
        (channel) => callback(null, asSocket(channel)),
        (err: Error) => callback(err),
      );
      return undefined;
    };
    return agent;
  }

  close(): void {
    this.closed = true;
    this.closeListeners.clear();
    this.client?.end();
    this.client = null;
  }
}

/** http.ClientRequest calls socket methods an SSH channel lacks; give it no-op versions. */
function asSocket(channel: ClientChannel): Duplex {
  const s = channel as unknown as Record<string, unknown>;
  for (const m of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref']) {
    if (typeof s[m] !== 'function') s[m] = () => channel;
  }
  return channel;
}
