import type { Alert } from '../alerts/types.js';
import type { AlertsEvent } from '../engine/types.js';
import type { FleetState } from './state.js';

// Issue 15: the alerts the evaluator holds (firing, pending, acknowledged, resolved a while ago), whole each
// time they change, so the :alerts screen and the status line read them like any other store data.

export interface AlertsState {
  /** Firing first (critical before warning before info), then pending, then resolved (newest first). */
  list: readonly Alert[];
  /** Firing and not acknowledged: what the status line counts. */
  firing: number;
}

export const NO_ALERTS: AlertsState = Object.freeze({ list: Object.freeze([]), firing: 0 });

export function applyAlerts(state: FleetState, event: AlertsEvent): FleetState {
  const firing = event.alerts.filter((a) => a.state === 'firing' && a.ackedUntil === null).length;
  return { ...state, alerts: { list: event.alerts, firing } };
}
