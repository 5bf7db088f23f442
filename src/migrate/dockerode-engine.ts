import type Docker from 'dockerode';
import type { EngineRecords } from '../engine/container-marks.js';
import { memoryFacts } from '../engine/container-run.js';
import { engineInfo, listContainers } from '../engine/engine-calls.js';
import { mapContainer } from '../engine/container-mapper.js';
import { DockpitError } from '../engine/errors.js';
import { ensureImage, imagePresent } from '../engine/image-transfer.js';
import { createNetwork, findNetwork } from '../engine/network-calls.js';
import type { ContainerInspect } from '../engine/container-inspect.js';
import type { SourceInspect } from './container-spec.js';
import type { MigrateEngine, MigrateHost } from './engine-port.js';

// The migration port (engine-port.ts) on dockerode: the one place where dockerode's loose types meet it.
// Two bridges, both because @types/dockerode 3.3 is narrower than dockerode 4 itself: its option types for
// rename, remove and create omit `abortSignal` (dockerode passes it to docker-modem all the same, and
// docker-modem aborts the request on it), and its ContainerInspectInfo has no index signature, while a
// migration copies Config and HostConfig whole (SourceInspect keeps them as records). The same holds between
// a migration's SourceInspect and the records' ContainerInspect: one engine JSON body, typed by two readers.

type Options = Record<string, unknown>;

/** A dockerode call whose options type omits fields it accepts (see above). */
type Loose<R> = (opts: Options) => Promise<R>;

const statusOf = (err: unknown): unknown => (typeof err === 'object' && err !== null ? (err as { statusCode?: unknown }).statusCode : undefined);

/** Resolves when the call succeeds or the engine answers `status` (the state asked for is already so). */
async function unless(status: number, call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (err) {
    if (statusOf(err) !== status) throw err;
  }
}

/** A host's engine as the migration port, on its dockerode client. */
export function dockerodeMigrateHost(docker: Docker, host = ''): MigrateHost {
  const container = (id: string) => docker.getContainer(id);
  return {
    async inspect(idOrName, signal) {
      try {
        const raw: unknown = await container(idOrName).inspect({ abortSignal: signal });
        return raw as SourceInspect; // bridge: the engine's JSON, read as the fields a migration uses
      } catch (err) {
        if (statusOf(err) === 404) return null;
        throw err;
      }
    },
    async create(body, signal) {
      const create = docker.createContainer as unknown as Loose<{ id: string }>; // bridge: the body is the engine's own JSON
      const { id } = await create.call(docker, { ...body, abortSignal: signal });
      return id;
    },
    async rename(id, name, signal) {
      const c = container(id);
      await (c.rename as Loose<unknown>).call(c, { name, abortSignal: signal });
    },
    start: (id, signal) => unless(304, container(id).start({ abortSignal: signal })),
    stop: (id, seconds, signal) => unless(304, container(id).stop({ t: seconds, abortSignal: signal })),
    async waitStopped(id, signal) {
      await container(id).wait({ condition: 'not-running', abortSignal: signal });
    },
    remove(id, signal) {
      const c = container(id);
      return unless(404, (c.remove as Loose<unknown>).call(c, { force: true, abortSignal: signal }));
    },
    info: (signal) => engineInfo(docker, { abortSignal: signal }),
    findNetwork: (name, signal) => findNetwork(docker, name, signal),
    createNetwork: (body, signal) => createNetwork(docker, body, signal),
    async imageIdOf(ref) {
      try {
        // No signal: dockerode drops it on Image.inspect (image-transfer.ts); the caller's deadline bounds the wait.
        const img = await docker.getImage(ref).inspect();
        return img.Id;
      } catch (err) {
        if (statusOf(err) === 404) return null;
        throw err;
      }
    },
    imagePresent: (id, signal) => imagePresent(docker, id, signal),
    memory: (ids, signal) => memoryFacts(docker, ids, signal),
    async runningOn(network, signal) {
      // Filtered by the engine, as the census does (address-census.ts); only ids, names and addresses are read.
      const raw = await listContainers(docker, { abortSignal: signal, filters: JSON.stringify({ network: [network], status: ['running'] }) });
      return raw.map((r) => mapContainer(host, r, { bizline: '', tier: '' }));
    },
  };
}

/** The migration port over the engine's current clients and their clocks (a reconnected host has a new client). */
export function dockerodeMigrateEngine(client: (host: string) => Docker | undefined, records: (host: string) => EngineRecords | undefined): MigrateEngine {
  return {
    host: (name) => {
      const docker = client(name);
      return docker ? dockerodeMigrateHost(docker, name) : undefined;
    },
    records,
    async ensureImage(from, to, ref, opts) {
      const target = client(to);
      if (!target) throw new DockpitError('UNREACHABLE', `${to}: not connected`);
      return ensureImage(from === null ? null : (client(from) ?? null), target, ref, opts);
    },
  };
}

/** A live inspect as the records keep it (the engine's whole body: see above). */
export const inspectAsRecord = (i: SourceInspect): ContainerInspect => i as unknown as ContainerInspect;

/** A recorded inspect as a migration reads it (the engine's whole body, as recorded: see above). */
export const recordAsInspect = (i: ContainerInspect): SourceInspect => i as unknown as SourceInspect;
