import { createContext, useContext } from 'react';
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
