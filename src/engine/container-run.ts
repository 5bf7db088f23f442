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
 * Issue 17, item 6: create answers 404 for a missing image, which docker-modem labels "no such container".
 * The image is looked up (by status code, never by the text) so the operator reads what is missing, where.
 */
async function missingImage(docker: Docker, image: string | undefined, err: DockpitError, abortSignal: AbortSignal, host?: string): Promise<DockpitError> {
  if (err.code !== 'NOT_FOUND' || image === undefined) return err;
  try {
    await docker.getImage(image).inspect({ abortSignal } as object);
    return err; // the image is there: the 404 was about something else, told as the engine put it
  } catch (lookup) {
    if (toDockpitError(lookup).code !== 'NOT_FOUND') return err;
    return new DockpitError('NOT_FOUND', `no such image ${image}${host === undefined ? '' : ` on host ${host}`}`, 404);
  }
}

/**
 * Creates and starts a container. When start fails, the created container is removed again, so that the
 * name is free for a retry (which keeps the name's reserved address).
 */
export async function createAndStart(docker: Docker, body: { Image?: string }, abortSignal: AbortSignal, host?: string): Promise<string> {
  let id: string;
  try {
    id = (await docker.createContainer({ ...body, abortSignal } as unknown as Docker.ContainerCreateOptions)).id;
  } catch (err) {
    throw new RunFailure('create', await missingImage(docker, body.Image, toDockpitError(err), abortSignal, host), null, null);
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
