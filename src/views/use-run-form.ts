import type { Key } from 'ink';
import type { CockpitActions } from '../app/ports.js';
import type { FleetStore } from '../store/fleet-store.js';
import { lineRows, NO_LINE } from '../store/lines.js';
import { emptyRunForm, RUN_FIELDS, runFormKey, toRunRequest, type RunFormKey, type RunFormState } from './run-form.js';
import { useSyncState } from './use-sync-state.js';

// The placement form (`n`, `:run`): while open, everything typed goes into its fields; Enter previews
// (a dry run of `dockpit run`), Enter again places.

export function useRunForm(place: CockpitActions['place'], store: FleetStore, close: () => void) {
  const [getForm, setForm] = useSyncState<RunFormState | null>(null);
  return {
    getForm,
    open(line: string): void {
      setForm(emptyRunForm(line));
    },
    key(input: string, key: Key): void {
      const form = getForm();
      if (!form) return;
      if (key.escape) {
        setForm(null);
        return close();
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
      if ('error' in request || !place) return;
      if (next.phase === 'previewing' || next.phase === 'running') {
        const dryRun = next.phase === 'previewing';
        place(request, dryRun).then(
          (r) => setForm((f) => f && { ...f, phase: r.ok ? (dryRun ? 'preview' : 'done') : 'edit', message: r.ok ? r.lines : r.lines.map((l) => `error: ${l}`) }),
          (err: unknown) => setForm((f) => f && { ...f, phase: 'edit', message: [`error: ${(err as Error).message}`] }),
        );
      }
    },
  };
}

export type RunFormFlow = ReturnType<typeof useRunForm>;
