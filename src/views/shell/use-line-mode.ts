import type { Key } from 'ink';
import type { FleetStore } from '../../store/fleet-store.js';
import { completeCommand, parseCommandLine } from '../command-line.js';
import { goTo, holdersOfIp, looksLikeIp, withFilter } from '../navigation.js';
import { entry, type NavEntry, type Route } from '../routes.js';
import { useSyncState } from '../use-sync-state.js';

export type LineMode = { kind: 'normal' } | { kind: 'filter'; text: string; before: string } | { kind: 'command'; text: string; hint: string } | { kind: 'help' };

export interface LineModeDeps {
  store: FleetStore;
  setStack: (fn: (s: NavEntry[]) => NavEntry[]) => void;
  setFlash: (text: string | null) => void;
  /** Placing is not bound (read-only, or no port). */
  noPlacing: boolean;
  plansConfigured: boolean;
  openForm: (line: string) => void;
  quit: () => void;
}

/** `/` filter, `:` command line and `?` help: modes over the screen that take every key while open. */
export function useLineMode({ store, setStack, setFlash, noPlacing, plansConfigured, openForm, quit }: LineModeDeps) {
  const [getMode, setMode] = useSyncState<LineMode>({ kind: 'normal' });

  const runLine = (text: string) => {
    const result = parseCommandLine(text, store.getState(), noPlacing, plansConfigured);
    setMode({ kind: 'normal' });
    if ('error' in result) setFlash(result.error);
    else if ('quit' in result) quit();
    else if ('help' in result) setMode({ kind: 'help' });
    else {
      setFlash(null);
      const route: Route = result.route;
      if (route.kind === 'run') openForm(route.line ?? '');
      setStack((s) => goTo(s, route));
    }
  };

  /** `/` + an IP + Enter: whoever holds the address, with its detail open; several holders, all of them. */
  const jumpToIp = (text: string) => {
    if (!looksLikeIp(text)) return;
    const ip = text.trim();
    const holders = holdersOfIp(store.getState(), ip);
    const clearHere = (s: NavEntry[]) => [...s.slice(0, -1), { ...s[s.length - 1]!, filter: '' }];
    if (holders.length === 1) {
      const [h] = holders;
      setStack((s) => [...clearHere(s), { ...entry({ kind: 'containers' }), filter: ip }, entry({ kind: 'detail', host: h!.host, id: h!.id })]);
    } else if (holders.length > 1) {
      setStack((s) => [...clearHere(s), { ...entry({ kind: 'containers' }), filter: ip }]);
      setFlash(`conflict: ${ip} is held by ${holders.length} containers (${holders.map((h) => `${h.name} on ${h.host}`).join(', ')})`);
    } else {
      const waiting = store.getState().hostOrder.filter((h) => store.getState().hosts[h]?.state === 'connecting');
      setFlash(`no container holds ${ip}${waiting.length ? ` (not listed yet: ${waiting.join(', ')})` : ''}`);
    }
  };

  return {
    getMode,
    openHelp: () => setMode({ kind: 'help' }),
    openCommand: () => setMode({ kind: 'command', text: '', hint: '' }),
    openFilter: (current: string) => setMode({ kind: 'filter', text: current, before: current }),
    /** Any key closes help. */
    helpKey: () => setMode({ kind: 'normal' }),
    lineKey(input: string, key: Key): void {
      const mode = getMode();
      if (mode.kind !== 'filter' && mode.kind !== 'command') return;
      if (key.escape) {
        if (mode.kind === 'filter') setStack((s) => withFilter(s, mode.before));
        return setMode({ kind: 'normal' });
      }
      if (key.return) {
        if (mode.kind === 'command') return runLine(mode.text);
        setMode({ kind: 'normal' });
        return jumpToIp(mode.text);
      }
      if (key.tab) {
        if (mode.kind !== 'command') return;
        const { text, candidates } = completeCommand(mode.text, store.getState());
        return setMode({ kind: 'command', text, hint: candidates.length > 1 ? candidates.join(' ') : '' });
      }
      const text = key.backspace || key.delete ? mode.text.slice(0, -1) : key.ctrl || key.meta ? mode.text : mode.text + input;
      if (mode.kind === 'filter') {
        setStack((s) => withFilter(s, text));
        return setMode({ ...mode, text });
      }
      return setMode({ kind: 'command', text, hint: '' });
    },
  };
}

export type LineModes = ReturnType<typeof useLineMode>;
