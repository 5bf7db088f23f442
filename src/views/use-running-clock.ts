import { useEffect, useState } from 'react';

/**
 * Now, in epoch ms, moving once a second while `running` and not at all otherwise (style.md: no idle
 * ticker): the elapsed time of a plan run or a migration on its progress screen.
 */
export function useRunningClock(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [running]);
  return now;
}
