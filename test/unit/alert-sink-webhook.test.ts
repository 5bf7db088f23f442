import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookSink, type WebhookPayload } from '../../src/alerts/sinks/webhook.js';
import type { AlertSink } from '../../src/alerts/types.js';
import { firing, startReceiver, until, type Receiver } from './alert-sink-fixtures.js';

let receiver: Receiver | null = null;
let sink: AlertSink | null = null;

afterEach(async () => {
  await sink?.close(0);
  await receiver?.close();
  sink = null;
  receiver = null;
});

const names = (r: Receiver) => (r.bodies as WebhookPayload[]).flatMap((b) => b.transitions.map((t) => t.alert.labels.container));

describe('webhook sink', () => {
  it('POSTs each batch of transitions as JSON', async () => {
    receiver = await startReceiver();
    sink = createWebhookSink({ url: `${receiver.url}/hook` });
    sink.send([firing(1), firing(2)]);
    await until(() => sink!.stats().sent === 2);
    const body = receiver.bodies[0] as WebhookPayload;
    expect(receiver.paths).toEqual(['/hook']);
    expect(body.source).toBe('dockpit');
    expect(body.transitions.map((t) => [t.kind, t.alert.key])).toEqual([['firing', 'restartLoop/h1/web-1'], ['firing', 'restartLoop/h1/web-2']]);
    expect(sink.stats()).toEqual({ sent: 2, failed: 0, dropped: 0, queued: 0, lastError: null });
  });

  it('a hung receiver never blocks send(); the queue holds at most its bound, drops the oldest, counts them, and delivers the newest once the receiver answers', async () => {
    receiver = await startReceiver();
    receiver.mode = 'hang';
    sink = createWebhookSink({ url: receiver.url, queue: 10, maxBatch: 5, timeoutMs: 150, retryBaseMs: 20, retryCapMs: 50 });
    const t0 = performance.now();
    for (let i = 0; i < 40; i++) {
      sink.send([firing(i)]);
      expect(sink.stats().queued).toBeLessThanOrEqual(10);
    }
    const sendMs = performance.now() - t0;
    // 40 calls against a receiver that holds every request: had one waited for an answer, they would take at
    // least the request timeout (150 ms) each; the bound leaves room for a loaded machine.
    expect(sendMs).toBeLessThan(500);
    expect(sink.stats()).toMatchObject({ queued: 10, dropped: 30, sent: 0 });
    await until(() => sink!.stats().failed >= 2);
    expect(sink.stats().lastError).toMatch(/^ETIMEDOUT: no answer from/);
    expect(receiver.requests).toBeGreaterThanOrEqual(2);

    receiver.mode = 'ok';
    await until(() => sink!.stats().queued === 0);
    expect(names(receiver)).toEqual(Array.from({ length: 10 }, (_, i) => `web-${30 + i}`));
    expect(sink.stats()).toMatchObject({ sent: 10, dropped: 30, queued: 0, lastError: null });
  });

  it('a receiver that is gone (connection refused) or answers 503 is retried with backoff, one request at a time', async () => {
    receiver = await startReceiver();
    const url = receiver.url;
    await receiver.close();
    receiver = null;
    sink = createWebhookSink({ url, queue: 100, timeoutMs: 200, retryBaseMs: 20, retryCapMs: 40 });
    sink.send([firing(1)]);
    await until(() => sink!.stats().failed >= 2);
    expect(sink.stats().lastError).toMatch(/ECONNREFUSED/);
    expect(sink.stats().queued).toBe(1);

    receiver = await startReceiver();
    receiver.mode = 'fail';
    const sink2 = createWebhookSink({ url: receiver.url, timeoutMs: 200, retryBaseMs: 20, retryCapMs: 40 });
    sink2.send([firing(2)]);
    await until(() => sink2.stats().failed >= 2);
    expect(sink2.stats().lastError).toBe('HTTP_503: 503 down for maintenance');
    receiver.mode = 'ok';
    await until(() => sink2.stats().sent === 1);
    expect(names(receiver)).toEqual(['web-2']);
    await sink2.close(0);
  });

  it('with `retries`, a batch that keeps failing is given up and counted dropped', async () => {
    receiver = await startReceiver();
    receiver.mode = 'fail';
    sink = createWebhookSink({ url: receiver.url, retries: 2, retryBaseMs: 10, retryCapMs: 10 });
    sink.send([firing(1), firing(2)]);
    await until(() => sink!.stats().queued === 0);
    expect(sink.stats()).toMatchObject({ sent: 0, failed: 2, dropped: 2 });
    expect(receiver.requests).toBe(2);
  });

  it('close() flushes what the receiver takes within the time given', async () => {
    receiver = await startReceiver();
    sink = createWebhookSink({ url: receiver.url, maxBatch: 2 });
    sink.send([firing(1), firing(2), firing(3)]);
    await sink.close(2_000);
    expect(names(receiver)).toEqual(['web-1', 'web-2', 'web-3']);
    sink.send([firing(4)]);
    expect(sink.stats().queued).toBe(0);
  });
});
