import { DockpitError } from '../engine/errors.js';
import type { SourceInspect } from './container-spec.js';
import type { MigrateHost } from './engine-port.js';
import type { MovePlan } from './types.js';

// Issue 6, item 3: the health gate a moved container must pass before its source is removed: its
// healthcheck `healthy` if it has one, else running `seconds` without a restart. Polls inspect: the events
// stream is only a hint (engine-facts.md), and a health_status event can be missed.

const POLL_MS = 100;

type GateInspect = Pick<SourceInspect, 'RestartCount' | 'State'>;

/** A pause that ends early when `signal` aborts, and leaves no listener behind either way (the gate polls many times). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function lastHealthOutput(s: GateInspect['State']): string {
  const log = s?.Health?.Log ?? [];
  const last = log[log.length - 1];
  return last ? ` (last check exit ${last.ExitCode ?? '?'}: ${(last.Output ?? '').trim().slice(0, 200) || 'no output'})` : '';
}

/** Resolves when the gate passes; throws a DockpitError saying why it failed. */
export async function healthGate(engine: MigrateHost, id: string, gate: MovePlan['gate'], signal: AbortSignal): Promise<void> {
  const read = async (): Promise<GateInspect> => {
    const i = await engine.inspect(id, signal);
    if (!i) throw new DockpitError('NOT_FOUND', `the target ${id.slice(0, 12)} is gone`);
    return i;
  };
  const first = await read();
  const started = first.State?.StartedAt;
  const restarts = first.RestartCount ?? 0;
  const t0 = Date.now();
  const limitMs = (gate.kind === 'healthcheck' ? gate.timeoutSeconds : Math.min(gate.seconds, gate.timeoutSeconds)) * 1000;
  for (let i = first; ; i = await read()) {
    const s = i.State;
    if (s?.Running !== true || s.Restarting === true) {
      throw new DockpitError('CONFLICT', `the target stopped during the gate (${s?.Status ?? 'unknown'}, exit ${s?.ExitCode ?? '?'})`);
    }
    if ((i.RestartCount ?? 0) !== restarts || s.StartedAt !== started) throw new DockpitError('CONFLICT', 'the target restarted during the gate');
    const elapsed = Date.now() - t0;
    if (gate.kind === 'healthcheck') {
      const h = s.Health?.Status;
      if (h === 'healthy') return;
      if (h === 'unhealthy') throw new DockpitError('CONFLICT', `the target's healthcheck is unhealthy${lastHealthOutput(s)}`);
      if (elapsed >= limitMs) throw new DockpitError('TIMEOUT', `the target's healthcheck was still ${h ?? 'not reported'} after ${gate.timeoutSeconds} s${lastHealthOutput(s)}`);
    } else if (elapsed >= limitMs) {
      return;
    }
    await sleep(POLL_MS, signal);
  }
}
