import { DockpitError } from './errors.js';

/** Runs a call whose signal aborts after `ms`, or when `parent` aborts. */
export type Deadline = <T>(call: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * A deadline built from a plain timer, cleared when the call settles. Not AbortSignal.timeout() inside
 * AbortSignal.any(): on Node 20 the timeout signal can be collected before it fires, and the call then
 * hangs for good (seen here against a SIGSTOPped dockerd whose listen backlog had filled).
 */
export async function withDeadline<T>(ms: number, call: (signal: AbortSignal) => Promise<T>, parent?: AbortSignal): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DockpitError('TIMEOUT', `no answer in ${ms} ms`)), ms);
  const onParent = () => controller.abort(parent!.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParent, { once: true });
  try {
    return await call(controller.signal);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParent);
  }
}

/**
 * Runs `call` under a signal of its own that follows `parent`. For calls made side by side under one
 * caller's signal: each request and each response adds an abort listener to the signal it is given, so 8
 * inspects in flight on one shared signal put 16 on it and Node warns of a leak (issue 12); this way the
 * parent carries one listener per call in flight, removed as soon as the call settles.
 */
export async function withChildSignal<T>(parent: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onParent, { once: true });
  try {
    return await call(controller.signal);
  } finally {
    parent.removeEventListener('abort', onParent);
  }
}

export function deadlineOf(ms: number, parent?: AbortSignal): Deadline {
  return (call) => withDeadline(ms, call, parent);
}
