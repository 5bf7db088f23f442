import type { Alert, AlertSink, AlertTransition } from '../types.js';
import { postJson } from './http-post.js';
import { createSendQueue } from './send-queue.js';

// Issue 15, item 3: a webhook receives every transition as JSON. A dead or slow receiver never blocks the
// fleet view: send() only queues; one request at a time, each with a deadline; the queue holds at most
// `queue` transitions and drops the OLDEST beyond it, counted (`dropped`, dockpit_sink_dropped_total).

export interface WebhookSinkOptions {
  url: string;
  /** Most transitions waiting (default 1,000). */
  queue?: number;
  /** Tries of one batch before it is dropped (default: no limit, the bound decides). */
  retries?: number;
  /** Deadline of one request (default 5 s). */
  timeoutMs?: number;
  /** Backoff between tries (defaults 250 ms doubling up to 10 s). */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Most transitions in one POST (default 100). */
  maxBatch?: number;
}

/** What the receiver gets, one POST per batch. */
export interface WebhookPayload {
  source: 'dockpit';
  /** Epoch ms the batch was sent. */
  sentAt: number;
  transitions: { kind: AlertTransition['kind']; alert: Alert }[];
}

export const DEFAULT_WEBHOOK_QUEUE = 1_000;

export function createWebhookSink(opts: WebhookSinkOptions): AlertSink {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const queue = createSendQueue<AlertTransition>({
    bound: opts.queue ?? DEFAULT_WEBHOOK_QUEUE,
    maxBatch: opts.maxBatch ?? 100,
    retries: opts.retries ?? Infinity,
    retryBaseMs: opts.retryBaseMs ?? 250,
    retryCapMs: opts.retryCapMs ?? 10_000,
    deliver: async (batch) => {
      const payload: WebhookPayload = { source: 'dockpit', sentAt: Date.now(), transitions: batch.map((t) => ({ kind: t.kind, alert: t.alert })) };
      await postJson(opts.url, payload, timeoutMs);
    },
  });
  return {
    name: 'webhook',
    send(transitions) {
      if (transitions.length > 0) queue.push(transitions);
    },
    close: (ms) => queue.close(ms),
    stats: () => queue.stats(),
  };
}
