import { createContext, useContext, useRef } from 'react';
import { useStore } from 'zustand';
import type { FleetStore } from '../store/fleet-store.js';
import type { FleetState } from '../store/state.js';

export const StoreContext = createContext<FleetStore | null>(null);

/** Selects a slice of the fleet store; selectors must return stable references (zustand v5 loops otherwise). */
export function useFleet<T>(selector: (s: FleetState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useFleet outside StoreContext');
  return useStore(store, selector);
}

/**
 * Selects a value the selector builds anew on each call (an object, a list): while `equal` says it is the
 * same as the last one, the last one is returned, so the component does not re-render (issue 14: a stats
 * sample redraws only what changed).
 */
export function useFleetWith<T>(selector: (s: FleetState) => T, equal: (a: T, b: T) => boolean): T {
  const last = useRef<{ value: T } | null>(null);
  return useFleet((s) => {
    const value = selector(s);
    if (last.current && equal(last.current.value, value)) return last.current.value;
    last.current = { value };
    return value;
  });
}

