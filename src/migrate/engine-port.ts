import type { EngineRecords } from '../engine/container-marks.js';
import type { MemoryFacts } from '../engine/container-run.js';
import type { EngineInfo } from '../engine/engine-calls.js';
import type { EnsureOptions, EnsureResult, ImageRef } from '../engine/image-transfer.js';
import type { Container } from '../engine/types.js';
import type { NetworkFacts } from '../pool/network-spec.js';
import type { SourceInspect } from './container-spec.js';

// Issue 14, item 4: what a migration asks of the engines, as the plans executor's PlanEngine does for plans.
// The executor, the preflight's fact gathering and the tests all go through this port; dockerode sits behind
// it in one adapter (dockerode-engine.ts), an in-memory engine in the unit tests (test/support/memory-engine.ts).
// Failures are thrown as the engine reports them: an error with `statusCode` (409, 500…) or a network
// `code`, which toDockpitError maps. The answers a step treats as "already so" are part of each call's contract.

/** One connected host's engine, as a migration calls it. */
export interface MigrateHost {
  /** `GET /containers/{id or name}/json`; null when the engine has no such container (404). */
  inspect(idOrName: string, signal: AbortSignal): Promise<SourceInspect | null>;
  /** `POST /containers/create` with the body's `name`; resolves to the new container's ID. */
  create(body: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<string>;
  rename(id: string, name: string, signal: AbortSignal): Promise<void>;
  /** Starts it; a container already running (304) resolves too. */
  start(id: string, signal: AbortSignal): Promise<void>;
  /** Stops it, the engine waiting up to `seconds` before SIGKILL; a container already stopped (304) resolves too. */
  stop(id: string, seconds: number, signal: AbortSignal): Promise<void>;
  /** Resolves once the container is not running (a stop in flight ends: issue 12). */
  waitStopped(id: string, signal: AbortSignal): Promise<void>;
  /** Removes it by force; a container already gone (404) resolves too. */
  remove(id: string, signal: AbortSignal): Promise<void>;
  /** `/info`: the engine's clock (SystemTime) for downtime from the engines' events. */
  info(signal: AbortSignal): Promise<EngineInfo>;
  /** The network of exactly this name, or null. */
  findNetwork(name: string, signal: AbortSignal): Promise<NetworkFacts | null>;
  /** Creates a network from a `POST /networks/create` body; resolves to its ID. */
  createNetwork(body: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<string>;
  /** The ID of the image a tag names here, null when the tag is not here. */
  imageIdOf(ref: string, signal: AbortSignal): Promise<string | null>;
  /** Whether the engine has the image of this ID. */
  imagePresent(id: string, signal: AbortSignal): Promise<boolean>;
  /** MemTotal and the summed memory limits of the given running containers (placement weighs them). */
  memory(runningIds: readonly string[], signal: AbortSignal): Promise<MemoryFacts>;
  /** The running containers attached to `network`, listed now (the census after a start, issue 13). */
  runningOn(network: string, signal: AbortSignal): Promise<Container[]>;
}

/** Every host's engine as a migration sees it: undefined for a host that is not connected. */
export interface MigrateEngine {
  host(name: string): MigrateHost | undefined;
  /** The host's clock and its own record of a container: settles a step in flight, measures downtime. */
  records(name: string): EngineRecords | undefined;
  /**
   * Makes the image present on `to`: nothing if it is there, else a registry pull (opts.registry), else
   * streamed from `from` (null: no live source, as for a fenced or dead host).
   */
  ensureImage(from: string | null, to: string, ref: ImageRef, opts: EnsureOptions): Promise<EnsureResult>;
}
