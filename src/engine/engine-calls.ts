import type Docker from 'dockerode';
import type { ContainerInfo } from 'dockerode';
import type { Readable } from 'node:stream';
import { DockpitError } from './errors.js';
import { LineJsonDecoder } from './line-json.js';
import type { RawStats } from './stats-math.js';

// dockerode accepts `abortSignal` on these calls but its type definitions omit the options argument
// for some of them; these wrappers keep that one cast in one place.

interface WithSignal {
  abortSignal: AbortSignal;
}

type Call<R> = (opts: object) => Promise<R>;

export interface EngineVersion {
  Version?: string;
  ApiVersion?: string;
}

export interface EngineInfo {
  LiveRestoreEnabled?: boolean;
  NCPU?: number;
  SystemTime?: string;
  Name?: string;
}

export function engineVersion(docker: Docker, o: WithSignal): Promise<EngineVersion> {
  return (docker.version as unknown as Call<EngineVersion>).call(docker, o);
}

export function engineInfo(docker: Docker, o: WithSignal): Promise<EngineInfo> {
  return (docker.info as unknown as Call<EngineInfo>).call(docker, o);
}

/** `filters` is the engine's JSON form, e.g. `{"status":["running"]}`. */
export function listContainers(docker: Docker, o: WithSignal & { all?: boolean; limit?: number; filters?: string }): Promise<ContainerInfo[]> {
  return docker.listContainers(o);
}

export function containerEvents(docker: Docker, o: WithSignal & { filters: Record<string, string[]> }): Promise<Readable> {
  return (docker.getEvents as unknown as Call<Readable>).call(docker, o);
}

/** The engine's past events between two engine-clock times (seconds); the stream ends at `until`. */
export async function eventsBetween(
  docker: Docker,
  o: WithSignal & { since: number; until: number; filters: Record<string, string[]> },
): Promise<unknown[]> {
  const stream = await containerEvents(docker, {
    ...o,
    since: o.since.toFixed(9),
    until: o.until.toFixed(9),
  } as WithSignal & { filters: Record<string, string[]> });
  const decoder = new LineJsonDecoder(undefined, 'timeNano'); // timeNanoText: the exact engine time
  const values: unknown[] = [];
  const bad: string[] = [];
  for await (const chunk of stream) {
    const r = decoder.push(chunk as Buffer);
    values.push(...r.values);
    bad.push(...r.bad);
  }
  if (bad.length > 0) throw new DockpitError('PARSE', `unreadable event line: ${bad[0]}`);
  return values;
}

/** One stats read that returns at once (`one-shot`, API ≥ 1.41); no precpu_stats in it. */
export function oneShotStats(docker: Docker, id: string, o: WithSignal): Promise<RawStats> {
  const container = docker.getContainer(id);
  return (container.stats as unknown as Call<RawStats>).call(container, { stream: false, 'one-shot': true, ...o });
}
