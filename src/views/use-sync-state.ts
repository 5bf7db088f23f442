import { useCallback, useRef, useState } from 'react';

/**
 * State whose latest value can be read at once: key handlers run several times before React renders again
 * (keys typed quickly, or pasted), and each must see what the one before it did.
 */
export function useSyncState<T>(initial: T | (() => T)): [() => T, (next: T | ((prev: T) => T)) => void] {
  const [value, setValue] = useState(initial);
  const ref = useRef(value);
  const get = useCallback(() => ref.current, []);
  const set = useCallback((next: T | ((prev: T) => T)) => {
    ref.current = typeof next === 'function' ? (next as (prev: T) => T)(ref.current) : next;
    setValue(ref.current);
  }, []);
  return [get, set];
}
