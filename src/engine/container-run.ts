import type Docker from 'dockerode';
import { DockpitError, toDockpitError } from './errors.js';
import { withChildSignal } from './deadline.js';
import { mapLimited } from './map-limited.js';

// The engine calls behind `dockpit run` (issue 4, item 5): what placement needs to know about a host's
// memory, and create + start.

type Call<R> = (opts: object) => Promise<R>;

/** Inspects in flight per host while summing memory limits. */
const INSPECT_CONCURRENCY = 8;

export interface MemoryFacts {
  /** `/info` MemTotal. */
  memTotalBytes: number | null;
  /** The memory limits of the given (running) containers, summed; a container without one counts 0. */
  memLimitsBytes: number;
}

/**
 * A host's memory as placement weighs it: MemTotal minus what its running containers may take. The list
 * API carries no limits, so each running container is inspected (at most INSPECT_CONCURRENCY at a time).
 */
export async function memoryFacts(docker: Docker, runningIds: readonly string[], abortSignal: AbortSignal): Promise<MemoryFacts> {
  try {
    const info = await (docker.info as unknown as Call<{ MemTotal?: number }>).call(docker, { abortSignal });
    let memLimitsBytes = 0;
    await mapLimited(runningIds, INSPECT_CONCURRENCY, async (id) => {
      try {
        const c = (await withChildSignal(abortSignal, (s) => docker.getContainer(id).inspect({ abortSignal: s }))) as { HostConfig?: { Memory?: number } };
        memLimitsBytes += c.HostConfig?.Memory ?? 0;
      } catch (err) {
        if (toDockpitError(err).code !== 'NOT_FOUND') throw err; // removed since the list: takes nothing
      }
    });
    return { memTotalBytes: typeof info.MemTotal === 'number' ? info.MemTotal : null, memLimitsBytes };
  } catch (err) {
    throw toDockpitError(err, 'memory facts');
  }
}

/** Where a run failed, and whether the half-made container was removed again. */
export class RunFailure extends Error {
  constructor(
    readonly stage: 'create' | 'start',
    readonly error: DockpitError,
    readonly id: string | null,
    readonly cleanup: string | null,
  ) {
    super(`${stage}: ${error.toString()}${cleanup ? ` (${cleanup})` : ''}`);
    this.name = 'RunFailure';
  }
}

/**
 * Creates and starts a container. When start fails, the created container is removed again, so that the
 * name is free for a retry (which keeps the name's reserved address).
 */
export async function createAndStart(docker: Docker, body: object, abortSignal: AbortSignal): Promise<string> {
  let id: string;
  try {
    id = (await docker.createContainer({ ...body, abortSignal } as unknown as Docker.ContainerCreateOptions)).id;
  } catch (err) {
    throw new RunFailure('create', toDockpitError(err), null, null);
  }
  try {
    await docker.getContainer(id).start({ abortSignal });
    return id;
  } catch (err) {
    const cause = toDockpitError(err);
    let cleanup: string;
    try {
      // Not under the caller's signal: it may be what just fired.
      await docker.getContainer(id).remove({ force: true });
      cleanup = `container ${id.slice(0, 12)} removed again`;
    } catch (rmErr) {
      cleanup = `container ${id.slice(0, 12)} left created: ${toDockpitError(rmErr).toString()}`;
    }
    throw new RunFailure('start', cause, id, cleanup);
  }
}
