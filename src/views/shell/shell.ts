import type { FleetStore } from '../../store/fleet-store.js';
import type { CockpitActions } from '../../app/ports.js';
import type { Binding, Command } from '../keymap.js';
import type { NavEntry, Route } from '../routes.js';
import type { MoveFlow } from '../use-move-flow.js';
import type { PlanFlow } from '../use-plan-flow.js';
import type { RunFormFlow } from '../use-run-form.js';

/** What screens and their keys may use: the flows, the ports, the navigation. Built once per render by App. */
export interface Shell {
  store: FleetStore;
  actions: CockpitActions;
  keymap: readonly Binding[];
  readOnly: boolean;
  moves: MoveFlow;
  plan: PlanFlow;
  form: RunFormFlow;
  /** Whether a command is bound (read-only and absent ports bind nothing that changes the fleet). */
  can(command: Command): boolean;
  top(): NavEntry;
  setStack(fn: (s: NavEntry[]) => NavEntry[]): void;
  setTop(patch: Partial<NavEntry>): void;
  setFlash(text: string | null): void;
  /** Moves the cursor or the stack as the keymap's navigation commands say. */
  navigate(command: Command): void;
}

/** What a screen's body is given. */
export interface ScreenProps<R extends Route = Route> {
  route: R;
  top: NavEntry;
  height: number;
  width: number;
  /** The scrollable screens report how many lines they have (for G and page keys). */
  onLines: (count: number) => void;
  shell: Shell;
}
