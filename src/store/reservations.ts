import type { LedgerEvent } from '../engine/types.js';
import type { Reservation } from '../state/types.js';
import type { FleetState } from './state.js';

// Issue 4: the pools and the ledger's reservations in the store. The ledger is polled every 2 s, so a read
// that finds what the last one found must change nothing: no commit, no redraw.

function sameReservation(a: Reservation, b: Reservation): boolean {
  return a.name === b.name && a.pool === b.pool && a.ip === b.ip && a.line === b.line && a.host === b.host && a.at === b.at && a.by === b.by;
}

function sameList(a: readonly Reservation[], b: readonly Reservation[]): boolean {
  return a.length === b.length && a.every((r, i) => sameReservation(r, b[i]!));
}

/** Applies a pools or ledger event. Pure; returns `state` itself when nothing changed. */
export function applyLedger(state: FleetState, event: LedgerEvent): FleetState {
  const prev = state.reservations;
  switch (event.type) {
    case 'pools.configured':
      return event.pools === state.pools ? state : { ...state, pools: event.pools };
    case 'ledger.read': {
      const list = prev.loaded && sameList(prev.list, event.reservations) ? prev.list : event.reservations;
      if (list === prev.list && prev.loaded && prev.error === null) return state;
      return { ...state, reservations: { list, loaded: true, error: null } };
    }
    case 'ledger.failed':
      if (prev.error === event.error) return state;
      return { ...state, reservations: { ...prev, error: event.error } };
  }
}
