import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load-config.js';
import { createDockerClient } from '../../src/engine/docker-client.js';
import { DockpitError } from '../../src/engine/errors.js';
import { ensureImage, imagePresent, type ImageRef, pullImage, readJsonLines, streamImage } from '../../src/engine/image-transfer.js';
import { docker, FLEET_CONFIG, readFleet, removeTestContainers, TEST_LABEL, waitFor } from '../support/fleet.js';

// Cross-host migration needs the container's image on the target, with no registry: streamed from the
// source engine through dockpit. On the real fleet: h1 by unix socket → h2 by TCP.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const config = loadConfigFile(FLEET_CONFIG);
const client = (name: string): Docker => createDockerClient(config.hosts.find((h) => h.name === name)!, null);
const h1 = client('h1'); // unix
const h2 = client('h2'); // tcp
const h3 = new Docker({ socketPath: fleet.hosts[2]!.socket }); // its config transport is ssh; the socket is enough here

const RUN = randomBytes(4).toString('hex');
const TAGGED = `dockpit/xfer-test:${RUN}`;
const ALSO = `dockpit/xfer-also:${RUN}`; // a second tag of the same image
const BIG = `dockpit/xfer-abort:${RUN}`;
const BLOB_BYTES = 16_000_000;
const NO_REGISTRY = '127.0.0.1:5999'; // nothing listens there, in any host's namespace

const signal = () => AbortSignal.timeout(60_000);

/** A new image that only h1 has: busybox plus a random blob, committed from a container. */
async function commitOnH1(blobBytes: number, tag: string | null): Promise<ImageRef> {
  const c = await docker('h1', 'create', '--label', `${TEST_LABEL}=1`, fleet.image, 'sh', '-c', `head -c ${blobBytes} /dev/urandom > /blob`);
  await docker('h1', 'start', '-a', c);
  const id = await docker('h1', 'commit', c, ...(tag ? [tag] : []));
  return { id, tags: tag ? [tag] : [] };
}

async function rejection(p: Promise<unknown>): Promise<DockpitError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DockpitError);
  return err as DockpitError;
}

/** Open sockets (TCP or unix) keeping this process alive: a stream left open shows up here. */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'PipeWrap').length;
}

describe('image transfer between engines, no registry', () => {
  let tagged: ImageRef;
  let big: ImageRef;
  let untagged: ImageRef;

  beforeAll(async () => {
    [tagged, big, untagged] = await Promise.all([commitOnH1(BLOB_BYTES, TAGGED), commitOnH1(48_000_000, BIG), commitOnH1(1000, null)]);
    await docker('h1', 'tag', tagged.id, ALSO);
    tagged = { id: tagged.id, tags: [TAGGED, ALSO] };
    for (const ref of [tagged, big, untagged]) {
      expect(await imagePresent(h1, ref.id, signal())).toBe(true);
      expect(await imagePresent(h2, ref.id, signal())).toBe(false);
    }
  });

  afterAll(async () => {
    await removeTestContainers(hosts);
    const ids = [tagged, big, untagged].filter(Boolean).map((r) => r.id);
    await Promise.all(hosts.map((h) => docker(h, 'rmi', '-f', ...ids).catch(() => '')));
  });

  it('streams a tagged image that only h1 has to h2: same ID, all its tags, and a container runs from it', async () => {
    const progress: number[] = [];
    const r = await streamImage(h1, h2, tagged, { signal: signal(), onProgress: (b) => progress.push(b) });
    console.log(`streamed ${r.bytes} bytes in ${r.ms} ms, ${progress.length} progress calls`);
    expect(r.bytes).toBeGreaterThan(BLOB_BYTES);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(r.bytes);
    expect(await imagePresent(h2, tagged.id, signal())).toBe(true);
    expect(await docker('h2', 'image', 'inspect', '-f', '{{.Id}}', TAGGED)).toBe(tagged.id);
    expect(await docker('h2', 'image', 'inspect', '-f', '{{.Id}}', ALSO)).toBe(tagged.id);
    const out = await docker('h2', 'run', '--rm', '--label', `${TEST_LABEL}=1`, TAGGED, 'sh', '-c', 'wc -c < /blob');
    expect(Number(out)).toBe(BLOB_BYTES);
  });

  it('ensureImage on a target that has it is a no-op: present, nothing sent', async () => {
    const progress: number[] = [];
    const r = await ensureImage(h1, h2, tagged, { signal: signal(), onProgress: (b) => progress.push(b) });
    expect(r.how).toBe('present');
    expect(r.bytes).toBeUndefined();
    expect(progress).toEqual([]);
    expect(r.ms).toBeLessThan(1000);
  });

  it('an untagged image is saved by ID and arrives by ID, untagged', async () => {
    const r = await streamImage(h1, h2, untagged, { signal: signal() });
    expect(r.bytes).toBeGreaterThan(0);
    expect(await imagePresent(h2, untagged.id, signal())).toBe(true);
    expect(await docker('h2', 'image', 'inspect', '-f', '{{json .RepoTags}}', untagged.id)).toBe('[]');
  });

  it('a pull from a registry that does not exist fails fast and says why; ensureImage then streams', async () => {
    const t0 = performance.now();
    const err = await rejection(pullImage(h2, `${NO_REGISTRY}/${TAGGED}`, signal()));
    const pullMs = performance.now() - t0;
    console.log(`pull failed in ${Math.round(pullMs)} ms: ${err.toString()}`);
    expect(pullMs).toBeLessThan(5000);
    expect(err.message).toContain(`pull ${NO_REGISTRY}/${TAGGED}`);
    expect(err.message).toContain('connection refused');

    await docker('h2', 'rmi', '-f', tagged.id); // h2 lost it (all its tags): migrate again
    const none = await rejection(ensureImage(null, h2, tagged, { registry: NO_REGISTRY, signal: signal() }));
    expect(none.code).toBe('NOT_FOUND');
    expect(none.message).toContain('is on neither the target nor a source engine; registry pull failed: HTTP:');

    const r = await ensureImage(h1, h2, tagged, { registry: NO_REGISTRY, signal: signal() });
    console.log(`fell back to streaming: ${r.bytes} bytes in ${r.ms} ms`);
    expect(r.how).toBe('streamed');
    expect(r.bytes).toBeGreaterThan(BLOB_BYTES);
    expect(r.pullError).toContain('connection refused');
    expect(await docker('h2', 'image', 'inspect', '-f', '{{.Id}}', TAGGED)).toBe(tagged.id);
  });

  it('an abort mid-stream rejects at once, leaves no socket open, and the target has no image', async () => {
    const baseline = openSockets();
    const controller = new AbortController();
    let abortedAt = 0;
    let bytesAtAbort = 0;
    const call = streamImage(h1, h2, big, {
      signal: controller.signal,
      onProgress: (b) => {
        if (abortedAt) return;
        bytesAtAbort = b;
        abortedAt = performance.now();
        controller.abort();
      },
    });
    const err = await rejection(call);
    const rejectMs = performance.now() - abortedAt;
    console.log(`aborted after ${bytesAtAbort} bytes, rejected ${rejectMs.toFixed(1)} ms later: ${err.toString()}`);
    expect(bytesAtAbort).toBeGreaterThan(0);
    expect(bytesAtAbort).toBeLessThan(48_000_000);
    expect(rejectMs).toBeLessThan(500);
    expect(err.code).toBe('TIMEOUT'); // an abort is a deadline or shutdown (errors.ts)
    await waitFor(() => openSockets() <= baseline, 2000, 20, () => `open sockets: ${openSockets()}, before: ${baseline}`);
    await new Promise((r) => setTimeout(r, 500)); // give the target time to (wrongly) finish a load
    expect(await imagePresent(h2, big.id, signal())).toBe(false);
    // Neither engine is left stuck: the same transfer then goes through.
    const again = await streamImage(h1, h2, big, { signal: signal() });
    console.log(`after the abort, the full stream: ${again.bytes} bytes in ${again.ms} ms`);
    expect(await imagePresent(h2, big.id, signal())).toBe(true);
  });

  it('a load the target refuses is an error although the engine answers 200', async () => {
    const res = (await h2.loadImage(Readable.from([Buffer.from('not a tar archive')]))) as Readable;
    const err = await rejection(readJsonLines(res, 'load on h2'));
    expect(err.code).toBe('HTTP');
    expect(err.message).toMatch(/^load on h2: Error processing tar file.*unexpected EOF/);
  });

  it('an image the source does not have is NOT_FOUND; a tag that brings another image is CONFLICT', async () => {
    const missing = await rejection(streamImage(h1, h2, { id: `sha256:${'0'.repeat(64)}`, tags: [] }, { signal: signal() }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toBe(`the source engine has no image 000000000000`);
    // The tag now names another image than the one asked for: the load is not taken for a success.
    const wrong = await rejection(streamImage(h1, h3, { id: untagged.id, tags: [TAGGED] }, { signal: signal() }));
    expect(wrong.code).toBe('CONFLICT');
    expect(wrong.message).toContain(`loaded image has another ID: target has no ${untagged.id.slice(7, 19)} after the load (engine said: Loaded image: ${TAGGED})`);
  });
});
