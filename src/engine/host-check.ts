import type { EngineTuning, HostSpec } from '../config/types.js';
import { withDeadline } from './deadline.js';
import { createDockerClient } from './docker-client.js';
import { engineVersion } from './engine-calls.js';
import { DockpitError, toDockpitError } from './errors.js';
import { SshTunnel } from './ssh-tunnel.js';

/** One contact with one host's engine: what `dockpit config check` prints a row of. */
export type HostCheck =
  | { ok: true; engineVersion: string | null; apiVersion: string | null; latencyMs: number }
  | { ok: false; error: string };

/**
 * Contacts a host once: the SSH handshake when it has one (within connectTimeout), then `GET /version` (within
 * callTimeout); `latencyMs` is that call's round trip. Never throws: a failure is the row's result.
 */
export async function checkHost(spec: HostSpec, tuning: Pick<EngineTuning, 'callTimeoutMs' | 'connectTimeoutMs'>): Promise<HostCheck> {
  let tunnel: SshTunnel | null = null;
  try {
    if (spec.endpoint.kind === 'ssh') {
      // Its handshake is bounded by connectTimeout (ssh2's readyTimeout, which also covers the TCP connect).
      tunnel = new SshTunnel(spec.name, spec.endpoint, tuning.connectTimeoutMs);
      await tunnel.connect();
    }
    const docker = createDockerClient(spec, tunnel);
    const t0 = performance.now();
    const v = await withDeadline(tuning.callTimeoutMs, (abortSignal) =>
      // The deadline's own reason ("no answer in N ms") says more than the client's AbortError.
      engineVersion(docker, { abortSignal }).catch((err: unknown) => {
        throw abortSignal.aborted && abortSignal.reason instanceof DockpitError ? abortSignal.reason : err;
      }),
    );
    return { ok: true, engineVersion: v.Version ?? null, apiVersion: v.ApiVersion ?? null, latencyMs: performance.now() - t0 };
  } catch (err) {
    return { ok: false, error: toDockpitError(err).toString() };
  } finally {
    tunnel?.close();
  }
}
