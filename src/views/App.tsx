import { Box, Text, useApp, useInput, type Key } from 'ink';
import { useCallback, useContext, useMemo, useRef, useState } from 'react';
import { useSyncState } from './use-sync-state.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { FleetState } from '../store/state.js';
import { feasibleActions } from '../plans/plan.js';
import type { PlanPreview } from '../plans/types.js';
import type { CockpitActions } from '../app/ports.js';
import { ActionsContext, useActions } from './actions-context.js';
import { lineRows, NO_LINE } from '../store/lines.js';
import { emptyRunForm, RUN_FIELDS, runFormKey, toRunRequest, type RunFormKey, type RunFormState } from './run-form.js';
import { RunFormScreen } from './RunFormScreen.js';
import { confirmKey, openConfirm, type ConfirmKey, type PlanConfirm } from './plan-confirm.js';
import { ended, isRunning, startedRun, withProgress, type PlanRunView } from './plan-run.js';
import { PlanConfirmScreen, PlanPreviewScreen } from './PlanPreviewScreen.js';
import { PlanProgressScreen } from './PlanProgressScreen.js';
import { PlansScreen } from './PlansScreen.js';
import { MoveConfirmScreen } from './MoveConfirmScreen.js';
import { EvacuatePreviewScreen, MovePreviewScreen } from './MovePreviewScreen.js';
import { MoveProgressScreen } from './MoveProgressScreen.js';
import { MoveTargetsScreen } from './MoveTargetsScreen.js';
import { useMoveFlow } from './use-move-flow.js';
import { clampCursor } from './table-layout.js';
import { completeCommand, runCommand } from './command-line.js';
import { DetailScreen } from './DetailScreen.js';
import { fit } from '../render/format.js';
import { ASKING, whenFree } from './held-by.js';
import { HelpScreen } from './HelpScreen.js';
import { activeKeymap, commandFor } from './keymap.js';
import { LogsScreen } from './LogsScreen.js';
import { currentRows, goTo, holdersOfIp, looksLikeIp, navigate, withFilter } from './navigation.js';
import { entry, type NavEntry, type Route } from './routes.js';
import { tableScreenFor } from './screens/registry.js';
import { StatusLine } from './StatusLine.js';
import { StoreContext, useFleet } from './store-context.js';
import { TableView } from './TableView.js';
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

/** The key flags of one character of a multi-key read. */
function keyOf(c: string): Key {
  return {
    upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
    return: c === '\r' || c === '\n', escape: c === '\x1b', ctrl: false, shift: false, tab: c === '\t',
    backspace: c === '\b', delete: c === '\x7f', meta: false,
  } as Key;
}

type Mode = { kind: 'normal' } | { kind: 'filter'; text: string; before: string } | { kind: 'command'; text: string; hint: string } | { kind: 'help' };

function containerName(state: FleetState, host: string, id: string): string {
  return state.containers[host]?.byId[id]?.name ?? id.slice(0, 12);
}

function heading(route: Route, state: FleetState): string {
  if (route.kind === 'detail') return `container ${containerName(state, route.host, route.id)} on ${route.host}`;
  if (route.kind === 'logs') return `log of ${containerName(state, route.host, route.id)} on ${route.host}`;
  if (route.kind === 'run') return 'new container';
  if (route.kind === 'plans') return 'degradation plans';
  if (route.kind === 'plan') return `plan ${route.name}`;
  if (route.kind === 'planRun') return 'plan run';
  if (route.kind === 'moveTargets') return `migrate ${route.name} from ${route.host}: target`;
  if (route.kind === 'movePreview') return `migrate ${route.name} ${route.host} → ${route.to}: preview`;
  if (route.kind === 'evacuate') return `evacuate ${route.host}: preview`;
  if (route.kind === 'moveRun') return 'migration';
  return tableScreenFor(route)!.title(route);
}

function Cockpit({ source, initialRoute, readOnly }: { source: string; initialRoute: Route; readOnly: boolean }) {
  const { exit } = useApp();
  const store = useContext(StoreContext)!;
  const { columns, rows } = useTerminalSize();
  const [getStack, setStack] = useSyncState<NavEntry[]>(() => [entry(initialRoute)]);
  const [getMode, setMode] = useSyncState<Mode>({ kind: 'normal' });
  const stack = getStack();
  const mode = getMode();
  const [flash, setFlash] = useState<string | null>(null);
  const contentLines = useRef(0);
  const onLines = useCallback((n: number) => {
    contentLines.current = n;
  }, []);
  const actions = useActions();
  const [getForm, setForm] = useSyncState<RunFormState | null>(null);
  // Issue 5: the typed-name confirmation of a plan (while open, every key is text), and the run it started.
  const [getConfirm, setConfirm] = useSyncState<PlanConfirm | null>(null);
  const [getRun, setRun] = useSyncState<PlanRunView | null>(null);
  const runSeq = useRef(0);
  // Issue 6: the migration flow's data, confirmation and run live in their own hook.
  const moves = useMoveFlow({
    migrate: actions.migrate,
    heldBy: actions.heldBy,
    getStack,
    setStack,
    setFlash,
    hostState: (h) => store.getState().hosts[h]?.state ?? 'unknown',
  });
  // A first q while a migration runs only warns; a second one quits (the moves under way finish first).
  const quitArmed = useRef(false);
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
  });
  const top = stack[stack.length - 1]!;
  const state = useFleet((s) => s);
  const tableRows = useMemo(() => currentRows(top, state), [top, state]);

  // Never as tall as the terminal: Ink 6 then clears and redraws every frame (engine-facts.md).
  const height = Math.max(4, rows - 1);
  const width = Math.max(20, columns - 1);
  const bodyHeight = height - 3;
  const pageSize = Math.max(1, bodyHeight - 1);

  const apply = (fn: (s: NavEntry[]) => NavEntry[]) => setStack(fn);
  const setTop = (patch: Partial<NavEntry>) => apply((s) => [...s.slice(0, -1), { ...s[s.length - 1]!, ...patch }]);
  const following = () => getStack()[getStack().length - 1]!.follow;

  const runLine = (text: string) => {
    const result = runCommand(text, store.getState(), readOnly || !actions.place, !!actions.plans);
    setMode({ kind: 'normal' });
    if ('error' in result) setFlash(result.error);
    else if ('quit' in result) exit();
    else if ('help' in result) setMode({ kind: 'help' });
    else {
      setFlash(null);
      if (result.route.kind === 'run') setForm(emptyRunForm(result.route.line));
      apply((s) => goTo(s, result.route));
    }
  };

  /** Keys while the placement form is open: everything typed goes into its fields. */
  function formKey(input: string, key: Key): void {
    const form = getForm();
    if (!form) return;
    if (key.escape) {
      setForm(null);
      return apply((s) => navigate(s, 'back', store.getState(), pageSize));
    }
    const field = RUN_FIELDS[form.focus]!.key;
    let k: RunFormKey | null = null;
    if (key.return) k = { kind: 'submit' };
    else if (key.tab && !key.shift && (field === 'line' || field === 'host')) {
      const state = store.getState();
      const candidates = field === 'line' ? lineRows(state).map((l) => l.name).filter((n) => n !== NO_LINE) : [...state.hostOrder];
      const completed = runFormKey(form, { kind: 'complete', candidates });
      k = completed.values[field] !== form.values[field] ? { kind: 'complete', candidates } : { kind: 'next' };
    } else if (key.downArrow || key.tab) k = key.shift ? { kind: 'prev' } : { kind: 'next' };
    else if (key.upArrow) k = { kind: 'prev' };
    else if (key.backspace || key.delete) k = { kind: 'backspace' };
    else if (input && !key.ctrl && !key.meta) k = { kind: 'char', text: input };
    if (!k) return;
    const next = runFormKey(form, k);
    setForm(next);
    const request = toRunRequest(next.values);
    if ('error' in request || !actions.place) return;
    if (next.phase === 'previewing' || next.phase === 'running') {
      const dryRun = next.phase === 'previewing';
      actions.place(request, dryRun).then(
        (r) => setForm((f) => f && { ...f, phase: r.ok ? (dryRun ? 'preview' : 'done') : 'edit', message: r.ok ? r.lines : r.lines.map((l) => `error: ${l}`) }),
        (err: unknown) => setForm((f) => f && { ...f, phase: 'edit', message: [`error: ${(err as Error).message}`] }),
      );
    }
  }

  /** Starts the confirmed apply or restore and shows its progress. Reports of an older run are ignored. */
  function startRun(c: PlanConfirm): void {
    const plans = actions.plans;
    const run = c.purpose === 'apply' ? plans?.apply : plans?.restore;
    if (!plans || !run) return;
    const seq = ++runSeq.current;
    const mine = (fn: (r: PlanRunView) => PlanRunView) => setRun((r) => (r && runSeq.current === seq ? fn(r) : r));
    const onProgress = (p: Parameters<typeof withProgress>[1]) => mine((r) => withProgress(r, p));
    const controller = c.purpose === 'apply' ? new AbortController() : null;
    setRun(startedRun(c.plan, c.purpose, Date.now(), controller));
    const promise = c.purpose === 'apply' ? plans.apply!(c.plan, onProgress, controller!.signal) : plans.restore!(c.runId!, onProgress);
    promise.then(
      (result) => mine((r) => ended(r, Date.now(), result)),
      (err: unknown) => mine((r) => ended(r, Date.now(), { error: (err as Error).message })),
    );
    setConfirm(null);
    apply((s) => (s[s.length - 1]!.route.kind === 'planRun' ? [...s] : [...s, entry({ kind: 'planRun' })]));
  }

  /** Keys while the confirmation line is open: typed text, never commands (as in the placement form). */
  function confirmLineKey(input: string, key: Key): void {
    const c = getConfirm();
    if (!c) return;
    if (key.escape) {
      setConfirm(null);
      return setFlash(`${c.purpose} of ${c.plan} cancelled: nothing done`);
    }
    let k: ConfirmKey | null = null;
    if (key.return) k = { kind: 'submit' };
    else if (key.backspace || key.delete) k = { kind: 'backspace' };
    else if (input && !key.ctrl && !key.meta && !key.tab) k = { kind: 'char', text: input };
    if (!k) return;
    const { state: next, confirmed } = confirmKey(c, k);
    if (!confirmed) return setConfirm(next);
    if (isRunning(getRun())) return setConfirm({ ...next, message: 'a run is still in progress: wait for its end or cancel it (c)' });
    if (next.purpose === 'apply') {
      // The fleet may have changed since the line opened: a guard that refuses now still refuses.
      let refusal: string | null;
      try {
        refusal = actions.plans!.preview(next.plan).refusal;
      } catch (err) {
        refusal = (err as Error).message;
      }
      if (refusal) return setConfirm({ ...next, message: `refused: ${refusal} (nothing done)` });
    }
    startRun(next);
  }

  /** `R`: the newest run on this jump host, behind its own typed-name confirmation. */
  function restoreLast(): void {
    const plans = actions.plans;
    if (!plans?.restore) return setFlash('restore is not available here');
    if (isRunning(getRun())) return setFlash('a run is still in progress: wait for its end or cancel it (c)');
    plans.lastRun().then(
      (last) => (last ? setConfirm(openConfirm('restore', last.plan, last.runId)) : setFlash('no run to restore on this jump host')),
      (err: unknown) => setFlash(`error: ${(err as Error).message}`),
    );
  }

  useInput((input, key) => {
    // Several keys can arrive in one read (typed fast, pasted, or tmux send-keys): each counts, in order.
    // Ink reads Esc then a key in one read as Alt+key, and several Esc as one: dockpit binds no Alt keys,
    // so these are taken apart again.
    if (key.escape) {
      for (let i = 0; i <= [...input].filter((c) => c === '\x1b').length; i++) handleKey('', keyOf('\x1b'));
    } else if (key.meta && !key.ctrl && input) {
      handleKey('', keyOf('\x1b'));
      for (const c of input) handleKey(c, keyOf(c));
    } else if (input.length > 1 && !key.ctrl && !key.meta) {
      for (const c of input) handleKey(c, keyOf(c));
    } else handleKey(input, key);
  });

  /** The log's cursor is unused while following: pausing starts it at the newest page, where the view is. */
  function pauseAtNewest(): void {
    if (following()) apply((s) => navigate(s, 'bottom', store.getState(), pageSize, contentLines.current));
  }

  function handleKey(input: string, key: Key): void {
    const mode = getMode();
    const top = getStack()[getStack().length - 1]!;
    if (mode.kind === 'help') return setMode({ kind: 'normal' });
    if (mode.kind === 'filter' || mode.kind === 'command') {
      if (key.escape) {
        if (mode.kind === 'filter') apply((s) => withFilter(s, mode.before));
        return setMode({ kind: 'normal' });
      }
      if (key.return) {
        if (mode.kind === 'command') return runLine(mode.text);
        setMode({ kind: 'normal' });
        // `/` + an IP + Enter: whoever holds the address, with its detail open; several holders, all of them.
        if (!looksLikeIp(mode.text)) return;
        const ip = mode.text.trim();
        const holders = holdersOfIp(store.getState(), ip);
        const clearHere = (s: NavEntry[]) => [...s.slice(0, -1), { ...s[s.length - 1]!, filter: '' }];
        if (holders.length === 1) {
          const [h] = holders;
          apply((s) => [...clearHere(s), { ...entry({ kind: 'containers' }), filter: ip }, entry({ kind: 'detail', host: h!.host, id: h!.id })]);
        } else if (holders.length > 1) {
          apply((s) => [...clearHere(s), { ...entry({ kind: 'containers' }), filter: ip }]);
          setFlash(`conflict: ${ip} is held by ${holders.length} containers (${holders.map((h) => `${h.name} on ${h.host}`).join(', ')})`);
        } else {
          const waiting = store.getState().hostOrder.filter((h) => store.getState().hosts[h]?.state === 'connecting');
          setFlash(`no container holds ${ip}${waiting.length ? ` (not listed yet: ${waiting.join(', ')})` : ''}`);
        }
        return;
      }
      if (key.tab) {
        if (mode.kind !== 'command') return;
        const { text, candidates } = completeCommand(mode.text, store.getState());
        return setMode({ kind: 'command', text, hint: candidates.length > 1 ? candidates.join(' ') : '' });
      }
      const text = key.backspace || key.delete ? mode.text.slice(0, -1) : key.ctrl || key.meta ? mode.text : mode.text + input;
      if (mode.kind === 'filter') {
        apply((s) => withFilter(s, text));
        return setMode({ ...mode, text });
      }
      return setMode({ kind: 'command', text, hint: '' });
    }

    if (moves.getConfirm()) return moves.confirmKey(input, key);
    if (getConfirm()) return confirmLineKey(input, key);
    if (top.route.kind === 'run') return formKey(input, key);
    const command = commandFor(input, key, keymap);
    if (!command) return;
    setFlash(null);
    const armed = quitArmed.current;
    quitArmed.current = false;
    switch (command) {
      case 'quit':
        if (moves.running() && !armed) {
          quitArmed.current = true;
          return setFlash('migration running: q again quits after the moves under way end (M shows it)');
        }
        return exit();
      case 'migrate': {
        let target: { host: string; id: string } | null = null;
        if (top.route.kind === 'detail') target = top.route;
        else if (top.route.kind === 'containers') {
          const row = currentRows(top, store.getState())?.[top.cursor] as { host: string; id: string } | undefined;
          if (row) target = row;
        }
        if (!target) return;
        const name = store.getState().containers[target.host]?.byId[target.id]?.name;
        if (!name) return setFlash('that container is no longer listed');
        return moves.openTargets(target.host, target.id, name);
      }
      case 'evacuate': {
        if (top.route.kind !== 'hosts') return;
        const row = currentRows(top, store.getState())?.[top.cursor] as { name: string } | undefined;
        if (row) moves.openEvacuation(row.name);
        return;
      }
      case 'leaveData':
        return moves.toggleLeaveData();
      case 'moveProgress':
        return moves.showRun();
      case 'help':
        return setMode({ kind: 'help' });
      case 'place': {
        if (!actions.place) return setFlash('placing containers is not available here');
        const row = currentRows(top, store.getState())?.[top.cursor] as { name?: string; bizline?: string | null } | undefined;
        const line = top.route.kind === 'lines' ? row?.name : top.route.kind === 'containers' ? (top.route.bizline ?? row?.bizline ?? undefined) : undefined;
        setForm(emptyRunForm(line && line !== NO_LINE ? line : ''));
        return apply((s) => goTo(s, line ? { kind: 'run', line } : { kind: 'run' }));
      }
      case 'plans':
        if (!actions.plans) return setFlash('no degradation plans are configured yet');
        return apply((s) => (top.route.kind === 'plans' ? [...s] : goTo(s, { kind: 'plans' })));
      case 'applyPlan': {
        if (top.route.kind !== 'plan' || !actions.plans?.apply) return;
        const name = top.route.name;
        let preview: PlanPreview;
        try {
          preview = actions.plans.preview(name);
        } catch (err) {
          return setFlash(`refused: ${(err as Error).message} (cannot be applied)`);
        }
        if (preview.refusal) return setFlash(`refused: ${preview.refusal} (cannot be applied)`);
        if (isRunning(getRun())) return setFlash('a run is still in progress: wait for its end or cancel it (c)');
        // Issue 11: a container another run holds refuses now, naming the holder, before the name is asked.
        const stillHere = () => {
          const now = getStack()[getStack().length - 1]!.route;
          return now.kind === 'plan' && now.name === name && !getConfirm();
        };
        return whenFree(actions.heldBy, feasibleActions(preview).map((a) => ({ id: a.id, label: `${a.host}/${a.name}` })), {
          free: () => {
            if (!stillHere()) return;
            setFlash(null);
            setConfirm(openConfirm('apply', name));
          },
          refuse: (why) => stillHere() && setFlash(`refused: ${why} (nothing done)`),
          waiting: () => stillHere() && setFlash(ASKING),
        });
      }
      case 'restorePlan':
        if (top.route.kind === 'plans' || top.route.kind === 'planRun') restoreLast();
        return;
      case 'cancelRun': {
        if (top.route.kind === 'moveRun') return void moves.cancel();
        const run = getRun();
        if (top.route.kind !== 'planRun' || !run?.controller || !isRunning(run)) return;
        run.controller.abort();
        return setFlash('cancelling: the actions not started yet are skipped');
      }
      case 'open':
        if (top.route.kind === 'moveTargets' || top.route.kind === 'movePreview' || top.route.kind === 'evacuate') return moves.open();
        if (top.route.kind === 'plans') {
          const list = actions.plans?.list() ?? [];
          const plan = list[clampCursor(top.cursor, list.length)];
          if (plan) apply((s) => [...s, entry({ kind: 'plan', name: plan.name })]);
          return;
        }
        return apply((s) => navigate(s, command, store.getState(), pageSize, contentLines.current));
      case 'filter':
        if (tableScreenFor(top.route)) setMode({ kind: 'filter', text: top.filter, before: top.filter });
        return;
      case 'command':
        return setMode({ kind: 'command', text: '', hint: '' });
      case 'reveal':
        if (top.route.kind === 'detail') setTop({ reveal: !top.reveal });
        return;
      case 'follow':
        if (top.route.kind === 'logs') {
          pauseAtNewest();
          setTop({ follow: !following() });
        }
        return;
      case 'back':
        return apply((s) => (top.filter && tableScreenFor(top.route) ? withFilter(s, '') : navigate(s, 'back', store.getState(), pageSize)));
      default:
        if (top.route.kind === 'logs' && (command === 'up' || command === 'pageUp')) {
          pauseAtNewest();
          setTop({ follow: false });
        }
        if (top.route.kind === 'logs' && command === 'bottom') setTop({ follow: true });
        return apply((s) => navigate(s, command, store.getState(), pageSize, contentLines.current));
    }
  }

  const table = tableScreenFor(top.route);
  const count = tableRows ? ` (${tableRows.length})` : '';
  const title = `dockpit · ${heading(top.route, state)}${count}${readOnly ? ' [read-only]' : ''}`;
  let bottom: string;
  if (mode.kind === 'filter') bottom = `/${mode.text}█`;
  else if (mode.kind === 'command') bottom = `:${mode.text}█ ${mode.hint}`;
  else {
    const filterNote = top.filter ? `filter: ${top.filter} (esc clears)` : '';
    bottom = [flash, moves.backgroundNote(), filterNote].filter(Boolean).join(' │ ');
  }

  let body;
  const confirm = getConfirm();
  const can = (c: string) => keymap.some((b) => b.command === c);
  const moveConfirm = moves.getConfirm();
  if (mode.kind === 'help') body = <HelpScreen keymap={keymap} height={bodyHeight} width={width} />;
  else if (moveConfirm && actions.migrate) body = <MoveConfirmScreen confirm={moveConfirm} parallel={actions.migrate.parallel} height={bodyHeight} width={width} />;
  else if (top.route.kind === 'moveTargets') {
    body = <MoveTargetsScreen loaded={moves.loadedFor(moves.getTargets(), top.route)} cursor={top.cursor} height={bodyHeight} width={width} onLines={onLines} />;
  } else if (top.route.kind === 'movePreview') {
    body = <MovePreviewScreen loaded={moves.loadedFor(moves.getPreview(), top.route)} leaveData={top.route.leaveData} scroll={top.cursor} height={bodyHeight} width={width} onLines={onLines} />;
  } else if (top.route.kind === 'evacuate') {
    const hostState = state.hosts[top.route.host]?.state ?? 'unknown';
    body = <EvacuatePreviewScreen loaded={moves.loadedFor(moves.getEvacuation(), top.route)} leaveData={top.route.leaveData} hostState={hostState} scroll={top.cursor} height={bodyHeight} width={width} onLines={onLines} />;
  } else if (top.route.kind === 'moveRun') {
    body = <MoveProgressScreen run={moves.getRun()} scroll={top.cursor} height={bodyHeight} width={width} onLines={onLines} canCancel={can('cancelRun')} />;
  } else if (confirm && actions.plans) body = <PlanConfirmScreen confirm={confirm} plans={actions.plans} height={bodyHeight} width={width} />;
  else if (top.route.kind === 'plans' && actions.plans) {
    body = <PlansScreen plans={actions.plans} cursor={top.cursor} height={bodyHeight} width={width} onLines={onLines} canRestore={can('restorePlan')} />;
  } else if (top.route.kind === 'plan' && actions.plans) {
    body = <PlanPreviewScreen plans={actions.plans} name={top.route.name} scroll={top.cursor} height={bodyHeight} width={width} onLines={onLines} canApply={can('applyPlan')} />;
  } else if (top.route.kind === 'planRun') {
    body = <PlanProgressScreen run={getRun()} scroll={top.cursor} height={bodyHeight} width={width} onLines={onLines} canCancel={can('cancelRun')} canRestore={can('restorePlan')} />;
  }
  else if (table) body = <TableView screen={table} nav={top} rows={tableRows ?? []} height={bodyHeight} width={width} />;
  else if (top.route.kind === 'detail') {
    body = <DetailScreen host={top.route.host} id={top.route.id} scroll={top.cursor} height={bodyHeight} width={width} onLines={onLines} reveal={top.reveal} />;
  } else if (top.route.kind === 'logs') {
    body = <LogsScreen host={top.route.host} id={top.route.id} scroll={top.cursor} height={bodyHeight} width={width} onLines={onLines} follow={top.follow} />;
  } else if (top.route.kind === 'run') {
    const form = getForm() ?? emptyRunForm(top.route.line);
    body = <RunFormScreen form={form} height={bodyHeight} width={width} />;
  }

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color="cyan" wrap="truncate">
        {fit(`${title}  ${source}`, width)}
      </Text>
      <Box height={bodyHeight} flexDirection="column">
        {body}
      </Box>
      <Text color={mode.kind !== 'normal' ? undefined : flash ? 'yellow' : moves.backgroundNote() ? 'cyan' : undefined} wrap="truncate">
        {fit(bottom, width)}
      </Text>
      <StatusLine width={width} />
    </Box>
  );
}
