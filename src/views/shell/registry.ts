import type { Route } from '../routes.js';
import { alertDef, alertsDef } from './alert-screens.js';
import { detailDef, logsDef, runDef } from './container-screens.js';
import { moveRunDef, movePreviewDef, moveTargetsDef, evacuateDef } from './move-screens.js';
import { planDef, planRunDef, plansDef } from './plan-screens.js';
import type { ScreenDef } from './screen-def.js';
import { containersDef, eventsDef, hostsDef, ipsDef, linesDef } from './table-screens.js';

// Every screen of the cockpit, by route kind: adding one is its file and its line here (README, "Adding a screen").
const SCREENS: { [K in Route['kind']]: ScreenDef<K> } = {
  lines: linesDef,
  hosts: hostsDef,
  containers: containersDef,
  ips: ipsDef,
  events: eventsDef,
  detail: detailDef,
  logs: logsDef,
  run: runDef,
  plans: plansDef,
  plan: planDef,
  planRun: planRunDef,
  moveTargets: moveTargetsDef,
  movePreview: movePreviewDef,
  evacuate: evacuateDef,
  moveRun: moveRunDef,
  alerts: alertsDef,
  alert: alertDef,
};

/** The screen of a route. The cast erases the kind (only here): each definition only ever sees its own routes. */
export function screenFor(route: Route): ScreenDef {
  return SCREENS[route.kind] as unknown as ScreenDef;
}
