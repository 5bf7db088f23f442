/** Where the operator is. A stack of these is the navigation history; Esc pops. */
export type Route =
  | { kind: 'lines' }
  | { kind: 'hosts' }
  | { kind: 'containers'; host?: string; bizline?: string }
  | { kind: 'ips' }
  | { kind: 'events' }
  | { kind: 'detail'; host: string; id: string }
  | { kind: 'logs'; host: string; id: string }
  | { kind: 'run'; line?: string }
  | { kind: 'plans' }
  | { kind: 'plan'; name: string }
  | { kind: 'planRun' }
  // Issue 6: `m` picks a target for a container, previews the move; `E` previews a host's evacuation;
  // the progress of the migration the cockpit runs. `leaveData` is the preview's L switch.
  | { kind: 'moveTargets'; host: string; id: string; name: string }
  | { kind: 'movePreview'; host: string; id: string; name: string; to: string; leaveData: boolean }
  | { kind: 'evacuate'; host: string; leaveData: boolean }
  | { kind: 'moveRun' }
  // Issue 15: the alerts the cockpit evaluates, and one alert's detail (by its key).
  | { kind: 'alerts' }
  | { kind: 'alert'; key: string };

export interface SortState {
  column: number;
  desc: boolean;
}

export interface NavEntry {
  route: Route;
  cursor: number;
  /** The `/` filter of this screen (substring, case-insensitive). */
  filter: string;
  sort: SortState | null;
  /** Detail: secret env values shown. Belongs to this screen only: the next container starts masked. */
  reveal: boolean;
  /** Logs: the newest lines stay in view. Each log starts following. */
  follow: boolean;
}

export function entry(route: Route): NavEntry {
  return { route, cursor: 0, filter: '', sort: null, reveal: false, follow: true };
}
