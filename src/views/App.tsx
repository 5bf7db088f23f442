import { Box, useApp, useInput } from 'ink';
import { useCallback, useContext, useRef, useState } from 'react';
import type { FleetStore } from '../store/fleet-store.js';
import type { CockpitActions } from '../app/ports.js';
import { ActionsContext, useActions } from './actions-context.js';
import { HelpScreen } from './HelpScreen.js';
import { activeKeymap, commandFor, type Command } from './keymap.js';
import { MoveConfirmScreen } from './MoveConfirmScreen.js';
import { navigate } from './navigation.js';
import { PlanConfirmScreen } from './PlanPreviewScreen.js';
import { entry, type NavEntry, type Route } from './routes.js';
import { BottomLine } from './shell/BottomLine.js';
import { Heading } from './shell/Heading.js';
import { dispatchKey, eachKey } from './shell/key-dispatch.js';
import { screenFor } from './shell/registry.js';
import { screenKey } from './shell/screen-keys.js';
import type { Shell } from './shell/shell.js';
import { useLineMode } from './shell/use-line-mode.js';
import { StatusLine } from './StatusLine.js';
import { StoreContext } from './store-context.js';
import { useMoveFlow } from './use-move-flow.js';
import { usePlanFlow } from './use-plan-flow.js';
import { useRunForm } from './use-run-form.js';
import { useSyncState } from './use-sync-state.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  store: FleetStore;
  actions?: CockpitActions;
  /** Where the hosts came from, shown in the title. */
  source: string;
  /** Where the shared state is (issue 11: a folder or etcd), shown in the title after the source. */
  state?: string;
  initialRoute?: Route;
  readOnly?: boolean;
}

export function App({ store, actions, source, state, initialRoute = { kind: 'lines' }, readOnly = false }: AppProps) {
  const cockpit = <Cockpit source={state === undefined ? source : `${source}  state ${state}`} initialRoute={initialRoute} readOnly={readOnly} />;
  return (
    <StoreContext.Provider value={store}>
      {actions ? <ActionsContext.Provider value={actions}>{cockpit}</ActionsContext.Provider> : cockpit}
    </StoreContext.Provider>
  );
}

/**
 * The layout (heading, the screen's body, the bottom line, the status line) and the wiring of the flows.
 * It holds no fleet data: each part selects what it shows, and keys read the store when they come.
 */
function Cockpit({ source, initialRoute, readOnly }: { source: string; initialRoute: Route; readOnly: boolean }) {
  const { exit } = useApp();
  const store = useContext(StoreContext)!;
  const actions = useActions();
  const { columns, rows } = useTerminalSize();
  const [getStack, setStack] = useSyncState<NavEntry[]>(() => [entry(initialRoute)]);
  const [flash, setFlash] = useState<string | null>(null);
  const contentLines = useRef(0);
  const onLines = useCallback((n: number) => void (contentLines.current = n), []);
  // Never as tall as the terminal: Ink 6 then clears and redraws every frame (engine-facts.md).
  const height = Math.max(4, rows - 1);
  const width = Math.max(20, columns - 1);
  const bodyHeight = height - 3;
  const pageSize = Math.max(1, bodyHeight - 1);
  const top = () => getStack()[getStack().length - 1]!;
  const go = (command: Command) => setStack((s) => navigate(s, command, store.getState(), pageSize, contentLines.current));

  const moves = useMoveFlow({ migrate: actions.migrate, heldBy: actions.heldBy, getStack, setStack, setFlash, hostState: (h) => store.getState().hosts[h]?.state ?? 'unknown' });
  const plan = usePlanFlow({ plans: actions.plans, heldBy: actions.heldBy, getStack, setStack, setFlash });
  const form = useRunForm(actions.place, store, () => setStack((s) => navigate(s, 'back', store.getState(), pageSize)));
  const lines = useLineMode({ store, setStack, setFlash, noPlacing: readOnly || !actions.place, plansConfigured: !!actions.plans, openForm: form.open, quit: exit });
  // Read-only, or no action behind a key that changes the fleet: that key is not bound at all.
  const migrating = !!actions.migrate;
  const keymap = activeKeymap(readOnly, {
    place: !!actions.place,
    applyPlan: !!actions.plans?.apply,
    cancelRun: !!actions.plans?.apply || migrating,
    restorePlan: !!actions.plans?.restore,
    migrate: migrating,
    evacuate: migrating,
    leaveData: migrating,
    moveProgress: migrating,
    ackAlert: !!actions.alerts,
  });
  const shell: Shell = {
    store, actions, keymap, readOnly, moves, plan, form, top, setStack, setFlash, navigate: go,
    can: (c) => keymap.some((b) => b.command === c),
    setTop: (patch) => setStack((s) => [...s.slice(0, -1), { ...s[s.length - 1]!, ...patch }]),
  };

  // A first q while a migration runs only warns; a second one quits (the moves under way finish first).
  const quitArmed = useRef(false);
  const screenMode = (input: string, key: Parameters<typeof commandFor>[1]) => {
    // A key two screens bind (`a`) is the shown screen's.
    const command = commandFor(input, key, keymap, (c) => !!screenFor(top().route).keys?.[c]);
    if (!command) return;
    setFlash(null);
    const armed = quitArmed.current;
    quitArmed.current = false;
    screenKey(shell, lines, command, () => {
      if (!moves.running() || armed) return exit();
      quitArmed.current = true;
      setFlash('migration running: q again quits after the moves under way end (M shows it)');
    });
  };
  // The mode stack, topmost first: the first active mode takes the key.
  const modes = [
    { active: () => lines.getMode().kind === 'help', key: lines.helpKey },
    { active: () => lines.getMode().kind !== 'normal', key: lines.lineKey },
    { active: () => !!moves.getConfirm(), key: moves.confirmKey },
    { active: () => !!plan.getConfirm(), key: plan.confirmKey },
    { active: () => top().route.kind === 'run', key: form.key },
    { active: () => true, key: screenMode },
  ];
  useInput((input, key) => eachKey(input, key, (i, k) => dispatchKey(modes, i, k)));

  const nav = top();
  const mode = lines.getMode();
  const moveConfirm = moves.getConfirm();
  const planConfirm = plan.getConfirm();
  const { Body } = screenFor(nav.route);
  let body;
  if (mode.kind === 'help') body = <HelpScreen keymap={keymap} height={bodyHeight} width={width} />;
  else if (moveConfirm && actions.migrate) body = <MoveConfirmScreen confirm={moveConfirm} parallel={actions.migrate.parallel} height={bodyHeight} width={width} />;
  else if (planConfirm && actions.plans) body = <PlanConfirmScreen confirm={planConfirm} plans={actions.plans} height={bodyHeight} width={width} />;
  else body = <Body route={nav.route} top={nav} height={bodyHeight} width={width} onLines={onLines} shell={shell} />;

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Heading top={nav} readOnly={readOnly} source={source} width={width} />
      <Box height={bodyHeight} flexDirection="column">
        {body}
      </Box>
      <BottomLine mode={mode} flash={flash} top={nav} width={width} />
      <StatusLine width={width} />
    </Box>
  );
}
