import type Docker from 'dockerode';
import type { IncomingMessage } from 'node:http';
import { pipeline, Transform, type Readable } from 'node:stream';
import { DockpitError, toDockpitError } from './errors.js';
import { LineJsonDecoder } from './line-json.js';

// Making an image present on a target engine, by ID, for cross-host migration. Without a registry the
// image goes engine to engine through dockpit: `GET /images/get` on the source into `POST /images/load`
// on the target (engine-facts.md: the engine never pulls by itself).

export interface ImageRef {
  /** The image ID (`sha256:…`), the one thing that proves the right image arrived. */
  id: string;
  /** Its repo tags on the source (inspect's RepoTags); `<none>:<none>` is ignored. */
  tags: string[];
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** Bytes sent so far: at most every PROGRESS_EVERY_MS, and once at the end. */
  onProgress?: (bytes: number) => void;
}

export interface EnsureOptions extends StreamOptions {
  /** A registry host (`host:port`) to pull tagged images from before streaming them. */
  registry?: string;
}

export interface StreamResult {
  bytes: number;
  ms: number;
}

export interface EnsureResult {
  how: 'present' | 'pulled' | 'streamed';
  bytes?: number;
  ms: number;
  /** Why the registry pull failed, when streaming took over. */
  pullError?: string;
}

export const PROGRESS_EVERY_MS = 100;

type DialOptions = Parameters<Docker['modem']['dial']>[0];

/**
 * One engine request through dockerode's modem. Used instead of `Image.inspect()` / `Image.get()` because
 * dockerode 4.0.12 drops `abortSignal` on those two: modem.dial honours it, so a hung engine cannot hold us.
 */
function dial<T>(docker: Docker, options: DialOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    docker.modem.dial(options, (err, data) => (err ? reject(withEngineWords(err)) : resolve(data as T)));
  });
}

/**
 * For a streamed request docker-modem (5.0.7) leaves `json` null and puts the engine's answer only in its
 * message, "(HTTP code 500) server error - <engine's message> ". toDockpitError shows `json.message`: give
 * it the engine's words (the pull's "connect: connection refused") rather than the bare "server error".
 * The code still comes from the status alone.
 */
function withEngineWords(err: Error): Error {
  const e = err as Error & { statusCode?: unknown; reason?: unknown; json?: unknown };
  if (typeof e.statusCode !== 'number' || e.json != null) return err;
  const prefix = `(HTTP code ${e.statusCode}) ${typeof e.reason === 'string' ? e.reason : 'unexpected'} - `;
  if (e.message.startsWith(prefix)) e.json = { message: e.message.slice(prefix.length).trim() };
  return err;
}

const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/** Tags worth carrying: `<none>:<none>` is what the engine lists for an untagged image. */
function realTags(ref: ImageRef): string[] {
  return ref.tags.filter((t) => t && !t.startsWith('<none>'));
}

/** `GET /images/{id}/json`: true when the engine has this image, false on 404. */
export async function imagePresent(docker: Docker, imageId: string, signal: AbortSignal): Promise<boolean> {
  try {
    await dial(docker, {
      path: `/images/${encodeURIComponent(imageId)}/json`,
      method: 'GET',
      abortSignal: signal,
      statusCodes: { 200: true, 404: 'no such image', 500: 'server error' },
    });
    return true;
  } catch (err) {
    const e = toDockpitError(err, `inspect image ${shortId(imageId)}`);
    if (e.code === 'NOT_FOUND') return false;
    throw e;
  }
}

/**
 * Reads an engine's JSON-lines answer to the end. Load and pull answer HTTP 200 and report a failure
 * as a `{"errorDetail":…,"error":…}` line (api/server/router/image: the status is sent before the work
 * starts), so the status alone proves nothing. Returns the `stream` texts, for messages.
 */
export async function readJsonLines(res: Readable, what: string): Promise<string[]> {
  const decoder = new LineJsonDecoder();
  const said: string[] = [];
  const take = (chunk: Uint8Array | string) => {
    const { values, bad } = decoder.push(chunk);
    if (bad.length > 0) throw new DockpitError('PARSE', `${what}: unreadable engine answer: ${bad[0]}`);
    for (const v of values) said.push(...engineLine(v, what));
  };
  for await (const chunk of res) take(chunk as Uint8Array);
  take('\n'); // a last line without a newline
  return said;
}

/** A line's `stream` text; throws on an `errorDetail`/`error` line. */
function engineLine(v: unknown, what: string): string[] {
  const line = (typeof v === 'object' && v !== null ? v : {}) as { error?: unknown; errorDetail?: { message?: unknown }; stream?: unknown };
  const detail = typeof line.errorDetail?.message === 'string' ? line.errorDetail.message : line.error;
  if (line.errorDetail !== undefined || line.error !== undefined) {
    // The engine's own refusal, sent inside a 200 answer: the same class as a non-2xx status.
    throw new DockpitError('HTTP', `${what}: ${typeof detail === 'string' ? detail : JSON.stringify(v)}`);
  }
  return typeof line.stream === 'string' && line.stream.trim() ? [line.stream.trim()] : [];
}

interface Counter {
  stream: Transform;
  bytes(): number;
  /** The final progress report, if the last one was not already the total. */
  finish(): void;
}

/** A pass-through that counts bytes and reports them at most every PROGRESS_EVERY_MS (leading edge). */
function countingStream(onProgress?: (bytes: number) => void): Counter {
  let bytes = 0;
  let reported = -1;
  let last = -Infinity;
  const report = () => {
    reported = bytes;
    onProgress?.(bytes);
  };
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      const now = performance.now();
      if (now - last >= PROGRESS_EVERY_MS) {
        last = now;
        report();
      }
      done(null, chunk);
    },
  });
  return { stream, bytes: () => bytes, finish: () => (reported !== bytes ? report() : undefined) };
}

function openSave(source: Docker, names: string[], signal: AbortSignal): Promise<IncomingMessage> {
  return dial<IncomingMessage>(source, {
    path: '/images/get?',
    method: 'GET',
    options: { names },
    isStream: true,
    abortSignal: signal,
    statusCodes: { 200: true, 404: 'no such image', 500: 'server error' },
  });
}

function openLoad(target: Docker, tar: Readable, signal: AbortSignal): Promise<IncomingMessage> {
  // quiet: the engine's default; its answer is then one `Loaded image…` line per image, or an errorDetail.
  return dial<IncomingMessage>(target, {
    path: '/images/load?',
    method: 'POST',
    options: { quiet: true },
    file: tar,
    isStream: true,
    abortSignal: signal,
    statusCodes: { 200: true, 500: 'server error' },
  });
}

/** The error to report: a caller's abort as the caller's reason (a deadline says so), else the first failure. */
function failureOf(err: unknown, signal: AbortSignal | undefined, what: string): DockpitError {
  if (signal?.aborted) return toDockpitError(signal.reason ?? err, what);
  return toDockpitError(err, what);
}

/**
 * Copies an image from `source` to `target` through dockpit, then proves it: the target must have
 * `ref.id` afterwards. Any failure or abort on either side destroys both streams and both requests.
 */
export async function streamImage(
  source: Docker,
  target: Docker,
  ref: ImageRef,
  opts: StreamOptions = {},
): Promise<StreamResult> {
  const t0 = performance.now();
  const what = `stream image ${shortId(ref.id)}`;
  const linked = linkedController(opts.signal);
  const counter = countingStream(opts.onProgress);
  let tar: IncomingMessage | undefined;
  try {
    const held = await requireOnSource(source, ref, linked.controller.signal);
    // By tag when the source still has one: saved by ID the archive's manifest has `"RepoTags": null`
    // and the image arrives untagged (measured on 20.10). All tags in one save (`names` may repeat).
    tar = await openSave(source, held.length > 0 ? held : [ref.id], linked.controller.signal);
    const sourceDone = pipeSource(tar, counter.stream, linked.controller);
    const res = await openLoad(target, counter.stream, linked.controller.signal);
    linked.controller.signal.addEventListener('abort', () => res.destroy(), { once: true });
    const said = await readJsonLines(res, 'load on target');
    await settleSource(sourceDone, tar, counter.stream);
    counter.finish();
    await verifyLoaded(target, ref, said, linked.controller.signal);
    // A tag the source lost (chaos F9: `docker rmi -f` of an image in use only untags it) was not in the
    // save: the container's Config.Image names it, so the target gets it (unless it has it already).
    for (const tag of realTags(ref)) if (!held.includes(tag) && !(await imagePresent(target, tag, linked.controller.signal))) await tagImage(target, ref.id, tag, linked.controller.signal);
    return { bytes: counter.bytes(), ms: Math.round(performance.now() - t0) };
  } catch (err) {
    const first = linked.firstFailure() ?? err;
    linked.controller.abort(first);
    tar?.destroy();
    counter.stream.destroy();
    throw failureOf(first, opts.signal, what);
  } finally {
    linked.dispose();
  }
}

/**
 * Saving a full ID the engine lacks answers 500 "failed to get digest … no such file or directory"
 * (20.10; a missing tag is a 404): ask first, so that case is a plain NOT_FOUND. Returns the wanted tags
 * the source still has (saving one it lost answers "reference does not exist"); one that names another
 * image there is kept, so that verifyLoaded refuses what it brings.
 */
async function requireOnSource(source: Docker, ref: ImageRef, signal: AbortSignal): Promise<string[]> {
  if (!(await imagePresent(source, ref.id, signal))) {
    throw new DockpitError('NOT_FOUND', `the source engine has no image ${shortId(ref.id)}`, 404);
  }
  const held: string[] = [];
  for (const tag of realTags(ref)) if (await imagePresent(source, tag, signal)) held.push(tag);
  return held;
}

interface Linked {
  controller: AbortController;
  firstFailure(): unknown;
  dispose(): void;
}

/** One controller for both requests: the caller's abort or either side's failure aborts it. */
function linkedController(parent: AbortSignal | undefined): Linked {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent!.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParent, { once: true });
  let failure: unknown;
  controller.signal.addEventListener('abort', () => (failure ??= controller.signal.reason), { once: true });
  return {
    controller,
    firstFailure: () => failure,
    dispose: () => parent?.removeEventListener('abort', onParent),
  };
}

/**
 * Source → counter. A source failure (its engine died mid-save: node reports "aborted") aborts the
 * controller, which destroys the load request too: the target then sees a truncated tar and loads nothing.
 */
function pipeSource(tar: IncomingMessage, counter: Transform, controller: AbortController): Promise<void> {
  return new Promise<void>((resolve) => {
    pipeline(tar, counter, (err) => {
      if (err && !controller.signal.aborted) controller.abort(toDockpitError(err, 'save on source'));
      resolve();
    });
  });
}

/**
 * After the target answered. It answers once it has read the archive, so the source is normally done;
 * if the engine stopped reading before the end, nothing more is needed: close the source rather than
 * leave its socket open.
 */
async function settleSource(sourceDone: Promise<void>, tar: IncomingMessage, counter: Transform): Promise<void> {
  if (!tar.readableEnded) {
    tar.destroy();
    counter.destroy();
  }
  await sourceDone;
}

async function verifyLoaded(target: Docker, ref: ImageRef, said: string[], signal: AbortSignal): Promise<void> {
  if (await imagePresent(target, ref.id, signal)) return;
  // A tag re-pointed on the source between the caller's inspect and the save brings another image.
  throw new DockpitError(
    'CONFLICT',
    `loaded image has another ID: target has no ${shortId(ref.id)} after the load (engine said: ${said.join('; ') || 'nothing'})`,
  );
}

/** `repo[:tag]` → the engine's fromImage and tag. With no tag the engine (20.10) pulls every tag. */
function splitReference(reference: string): { fromImage: string; tag?: string } {
  if (reference.includes('@')) return { fromImage: reference }; // by digest: taken whole
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  return colon > slash ? { fromImage: reference.slice(0, colon), tag: reference.slice(colon + 1) } : { fromImage: reference, tag: 'latest' };
}

/** `POST /images/create?fromImage=…`, read to the end; an errorDetail line is a failure. */
export async function pullImage(target: Docker, reference: string, signal: AbortSignal): Promise<void> {
  const what = `pull ${reference}`;
  let res: IncomingMessage | undefined;
  const onAbort = () => res?.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    res = await dial<IncomingMessage>(target, {
      path: '/images/create?',
      method: 'POST',
      options: splitReference(reference),
      isStream: true,
      abortSignal: signal,
      statusCodes: { 200: true, 404: 'no such image', 500: 'server error' },
    });
    await readJsonLines(res, what);
  } catch (err) {
    res?.destroy();
    throw failureOf(err, signal, what);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The tag as a reference in `registry`, unless the tag already names a registry host (a `.` or `:`, or localhost). */
export function registryReference(registry: string, tag: string): string {
  const first = tag.split('/')[0]!;
  const hasHost = tag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return hasHost ? tag : `${registry.replace(/\/+$/, '')}/${tag}`;
}

/** `POST /images/{id}/tag`: the pulled image under the name the source knew it by. */
async function tagImage(target: Docker, id: string, tag: string, signal: AbortSignal): Promise<void> {
  const { fromImage, tag: t } = splitReference(tag);
  try {
    await dial(target, {
      path: `/images/${encodeURIComponent(id)}/tag?`,
      method: 'POST',
      options: { repo: fromImage, tag: t },
      abortSignal: signal,
      statusCodes: { 200: true, 201: true, 400: 'bad parameter', 404: 'no such image', 409: 'conflict', 500: 'server error' },
    });
  } catch (err) {
    throw toDockpitError(err, `tag ${shortId(id)} as ${tag}`);
  }
}

/** Pull by the first tag from `registry`, prove the ID, and give it all of the source's tags. */
async function pullFromRegistry(target: Docker, registry: string, ref: ImageRef, signal: AbortSignal): Promise<void> {
  const tags = realTags(ref);
  const reference = registryReference(registry, tags[0]!);
  await pullImage(target, reference, signal);
  if (!(await imagePresent(target, ref.id, signal))) {
    throw new DockpitError('CONFLICT', `pull ${reference}: the registry has another image under that tag, not ${shortId(ref.id)}`);
  }
  for (const tag of tags) if (tag !== reference) await tagImage(target, ref.id, tag, signal);
}

/**
 * Makes `ref` present on `target`: nothing if it is there; else a registry pull when one is configured
 * and the image has a tag; else (or when the pull fails) streamed from `source`.
 */
export async function ensureImage(
  source: Docker | null,
  target: Docker,
  ref: ImageRef,
  opts: EnsureOptions = {},
): Promise<EnsureResult> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const signal = opts.signal ?? new AbortController().signal;
  if (await imagePresent(target, ref.id, signal)) return { how: 'present', ms: ms() };
  let pullError: string | undefined;
  if (opts.registry && realTags(ref).length > 0) {
    try {
      await pullFromRegistry(target, opts.registry, ref, signal);
      return { how: 'pulled', ms: ms() };
    } catch (err) {
      if (signal.aborted) throw failureOf(err, signal, `pull ${shortId(ref.id)}`);
      pullError = toDockpitError(err).toString();
    }
  }
  if (!source) {
    const name = realTags(ref)[0] ?? 'untagged';
    throw new DockpitError(
      'NOT_FOUND',
      `image ${shortId(ref.id)} (${name}) is on neither the target nor a source engine${pullError ? `; registry pull failed: ${pullError}` : ''}`,
    );
  }
  const streamed = await streamImage(source, target, ref, opts);
  return { how: 'streamed', bytes: streamed.bytes, ms: ms(), ...(pullError !== undefined ? { pullError } : {}) };
}
