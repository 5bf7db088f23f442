import { useEffect, useRef, useState } from 'react';
import type { ContainerInspect } from '../engine/container-inspect.js';
import { toDockpitError } from '../engine/errors.js';
import { useActions } from './actions-context.js';
import { useFleet } from './store-context.js';

/** At most one inspect per container this often: a restart loop changes the list many times a second. */
export const INSPECT_MIN_INTERVAL_MS = 2000;

export interface InspectResult {
  data: ContainerInspect | null;
  /** The last failure as `CODE: message`; the last good data stays shown with it. */
  error: string | null;
}

/**
 * One container's inspect, fetched on mount and again whenever the store shows the container changed
 * (state, status: a health change shows in the status), throttled. No polling: nothing changed, no redraw.
 */
export function useInspect(host: string, id: string): InspectResult {
  const actions = useActions();
  const key = `${host}/${id}`;
  // A string, so the selector's result is stable when nothing changed (zustand v5 loops on new objects).
  const version = useFleet((s) => {
    const c = s.containers[host]?.byId[id];
    return c ? `${c.state}|${c.status}` : 'gone';
  });
  const [result, setResult] = useState<InspectResult & { key: string }>({ key, data: null, error: null });
  const lastStart = useRef(-Infinity);
  const lastApplied = useRef(0);
  const seq = useRef(0);
  // Which container answers may still be applied to: an answer still on its way when the store changes
  // again is kept, one for a container no longer shown (or after unmount) is dropped.
  const showing = useRef<string | null>(key);
  useEffect(() => {
    showing.current = key;
    lastStart.current = -Infinity; // another container: its first inspect doesn't wait for the last one's
    return () => {
      showing.current = null;
    };
  }, [key]);

  useEffect(() => {
    const wait = Math.max(0, lastStart.current + INSPECT_MIN_INTERVAL_MS - Date.now());
    const timer = setTimeout(() => {
      lastStart.current = Date.now();
      const mine = ++seq.current;
      // An answer may overtake an older one: only the newest request's answer is applied.
      const apply = (next: (prev: InspectResult) => InspectResult) => {
        if (showing.current !== key || mine < lastApplied.current) return;
        lastApplied.current = mine;
        setResult((prev) => ({ key, ...next(prev.key === key ? prev : { data: null, error: null }) }));
      };
      actions.inspect(host, id).then(
        (data) => apply(() => ({ data, error: null })),
        (err: unknown) => apply((prev) => ({ data: prev.data, error: toDockpitError(err).toString() })),
      );
    }, wait);
    return () => clearTimeout(timer);
  }, [actions, host, id, key, version]);

  return result.key === key ? result : { data: null, error: null };
}
