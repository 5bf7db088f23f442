/** How long the first frame waits with nothing new from any host (a host that does not answer must not hold it). */
export const FIRST_FRAME_QUIET_MS = 300;
/** The latest the first frame comes, counted from when the UI is loaded, however steadily lists still arrive. */
export const FIRST_FRAME_CAP_MS = 1500;

export interface FirstFrameTiming {
  quietMs: number;
  capMs: number;
}

/**
 * When the cockpit draws its first frame (issue 16): once every host has listed or failed, so that it is
 * whole; or once nothing has come from any host for `quietMs` (one host hangs); or at `capMs`. Not at a fixed
 * time while lists are still coming in: at 200 hosts a frame drawn part way cost the main thread tens of ms
 * that the remaining lists then waited for, and was redrawn at once (the executable, whose UI loads sooner,
 * drew its complete view 260 ms later than `node dist/cli.js` under the fixed 400 ms wait).
 *
 * `onProgress` subscribes to what the hosts send (the store's commits) and returns the unsubscribe.
 */
export function firstFrameReady(listed: Promise<void>, onProgress: (notify: () => void) => () => void, timing: FirstFrameTiming): Promise<void> {
  return new Promise((resolve) => {
    let ended = false;
    let quiet = setTimeout(end, timing.quietMs);
    const cap = setTimeout(end, timing.capMs);
    const unsubscribe = onProgress(() => {
      clearTimeout(quiet);
      if (!ended) quiet = setTimeout(end, timing.quietMs);
    });
    function end(): void {
      if (ended) return;
      ended = true;
      clearTimeout(quiet);
      clearTimeout(cap);
      unsubscribe();
      resolve();
    }
    listed.then(end, end);
  });
}
