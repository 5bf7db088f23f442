import type Docker from 'dockerode';
import type { EngineMark } from './call-settlement.js';
import { eventsBetween } from './engine-calls.js';
import type { EngineEvent } from './engine-event.js';

// Issue 12, item 3: the engine's own record of one container since an intent, for settling a call that
// may be in flight (call-settlement.ts). The engine keeps only its last 256 events and a restarted daemon
// none (engine-facts.md): an empty record then proves nothing, and the container's state decides.

/** What settlement asks of one host: its clock and its record of a container. */
export interface EngineRecords {
  /** The engine's time now, epoch seconds (the intent records it: `since` is the engine's clock). */
  now(): number;
  /** The container's events from `sinceSeconds` (engine clock) until now. */
  marks(id: string, sinceSeconds: number, signal: AbortSignal): Promise<EngineMark[]>;
}

/** A host's records on its client; `now` is the connection's measured engine clock. */
export function engineRecords(docker: Docker, now: () => number): EngineRecords {
  return {
    now,
    async marks(id, sinceSeconds, signal) {
      // `until` now, not ahead: the engine holds a stream open until a future `until`. The measured offset
      // errs early by the info call's latency, so this `until` is never past the engine's own now.
      const events = await eventsBetween(docker, { since: sinceSeconds, until: now(), filters: { type: ['container'], container: [id] }, abortSignal: signal });
      return events.map((raw) => {
        const ev = raw as EngineEvent;
        return {
          action: ev.Action ?? ev.status ?? '',
          signal: ev.Actor?.Attributes?.signal ?? null,
          timeNano: ev.timeNano ?? (ev.time ?? 0) * 1e9,
        };
      });
    },
  };
}

/** The records of a host connection while it is connected (its current client and measured clock). */
export function connectionRecords(conn: { client: Docker | null; engineNowSeconds(): number } | undefined): EngineRecords | undefined {
  const docker = conn?.client;
  return conn && docker ? engineRecords(docker, () => conn.engineNowSeconds()) : undefined;
}
