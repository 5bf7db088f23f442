import { useEffect, useMemo, useState } from 'react';
import type { Alert } from '../alerts/types.js';
import { msUntilRowsChange } from '../render/alert-lines.js';

// A timer firing a moment early would draw the same text and wait again at once: wait this much past it.
const SLACK_MS = 5;

/**
 * Now, for drawing alerts: taken afresh when the alerts change, and moved only when some shown text
 * would change ("45s" → "46s", "3m" → "4m", an acknowledgement running out). No alerts, no timer
 * (style.md: no redrawing on a timer when nothing changed).
 */
export function useAlertsClock(alerts: readonly Alert[]): number {
  const [tick, setTick] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the clock is read again when either moves.
  const now = useMemo(() => Date.now(), [alerts, tick]);
  useEffect(() => {
    const wait = msUntilRowsChange(alerts, Date.now());
    if (wait === null) return;
    const t = setTimeout(() => setTick((n) => n + 1), wait + SLACK_MS);
    return () => clearTimeout(t);
  }, [alerts, now]);
  return now;
}
