import type { Alert, AlertSink, AlertTransition } from '../types.js';
import { postJson } from './http-post.js';
import { createSendQueue } from './send-queue.js';

// Issue 15, item 3: Prometheus Alertmanager through its v2 API (0.25). Alertmanager keeps an alert until its
// `endsAt`: a firing alert is sent with endsAt a few resend intervals ahead and re-sent (refresh) before then,
// so the alerts of a sender that died expire by themselves; a resolved one is sent with endsAt = when it resolved.

export interface AlertmanagerSinkOptions {
  /** Alertmanager's base URL, `http://127.0.0.1:9093`. */
  url: string;
  /** Deadline of one request (default 5 s). */
  timeoutMs?: number;
  /** How often the evaluator re-sends a firing alert (refresh; default 60 s): endsAt is 3 of these ahead. */
  resendMs?: number;
  /** Most alerts waiting while Alertmanager is away (default 10,000); the oldest are dropped beyond it. */
  queue?: number;
  /** Where an operator reads more (Alertmanager's "Source" link); omitted when not given. */
  generatorURL?: string;
  /** Clock (tests). */
  now?: () => number;
}

/** One alert as `POST /api/v2/alerts` takes it (postableAlert). */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: { summary: string };
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

/** How many resend intervals a firing alert's endsAt lies ahead: two refreshes may be lost before it expires. */
export const ENDS_AFTER_RESENDS = 3;

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_RESEND_MS = 60_000;

function baseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The payload of one transition (pure: exported for the unit test of its shape). */
export function alertmanagerAlert(t: AlertTransition, now: number, resendMs: number, generatorURL?: string): AlertmanagerAlert {
  const a = t.alert;
  const startsAt = a.firingSince ?? a.since;
  const endsAt = t.kind === 'resolved' ? (a.resolvedAt ?? now) : now + ENDS_AFTER_RESENDS * resendMs;
  const out: AlertmanagerAlert = {
    labels: { ...a.labels },
    annotations: { summary: a.summary },
    startsAt: new Date(startsAt).toISOString(),
    // Alertmanager rejects endsAt before startsAt (a cause gone within the same millisecond it fired).
    endsAt: new Date(Math.max(endsAt, startsAt)).toISOString(),
  };
  if (generatorURL) out.generatorURL = generatorURL;
  return out;
}

export function createAlertmanagerSink(opts: AlertmanagerSinkOptions): AlertSink {
  const url = `${baseUrl(opts.url)}/api/v2/alerts`;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const resendMs = opts.resendMs ?? DEFAULT_RESEND_MS;
  const now = opts.now ?? Date.now;
  const queue = createSendQueue<AlertmanagerAlert>({
    bound: opts.queue ?? 10_000,
    maxBatch: 1_000,
    // A firing alert is refreshed anyway; a batch that keeps failing goes once the bound pushes it out.
    retries: Infinity,
    retryBaseMs: 500,
    retryCapMs: Math.min(30_000, resendMs),
    deliver: async (batch) => {
      await postJson(url, batch, timeoutMs);
    },
    // Only the latest state of an alert matters: a resolve queued behind its firing replaces it.
    keyOf: (a) => alertKey(a.labels),
  });
  return {
    name: 'alertmanager',
    send(transitions) {
      if (transitions.length === 0) return;
      const t = now();
      queue.push(transitions.map((tr) => alertmanagerAlert(tr, t, resendMs, opts.generatorURL)));
    },
    close: (ms) => queue.close(ms),
    stats: () => queue.stats(),
  };
}

/** Alertmanager's identity of an alert: its label set. */
function alertKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
}

export interface SilenceOptions {
  url: string;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * Silences one alert until `untilMs` (the cockpit's acknowledge): matchers on every label of the alert, so
 * only this alert is silenced, not its rule everywhere. Resolves to Alertmanager's silence id.
 */
export async function silenceAlert(opts: SilenceOptions, alert: Alert, untilMs: number, by: string, comment: string): Promise<string> {
  const now = (opts.now ?? Date.now)();
  const body = {
    matchers: Object.entries(alert.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(Math.max(untilMs, now + 1_000)).toISOString(),
    createdBy: by,
    comment: comment || `acknowledged in dockpit: ${alert.summary}`,
  };
  const text = await postJson(`${baseUrl(opts.url)}/api/v2/silences`, body, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let id: unknown;
  try {
    id = (JSON.parse(text) as { silenceID?: unknown }).silenceID;
  } catch {
    id = undefined;
  }
  if (typeof id !== 'string' || id === '') {
    throw Object.assign(new Error(`Alertmanager answered the silence without a silenceID: ${text.slice(0, 200)}`), { code: 'BAD_ANSWER' });
  }
  return id;
}
