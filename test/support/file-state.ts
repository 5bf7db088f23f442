import { DEFAULT_RETENTION } from '../../src/config/state-config.js';
import { fileState } from '../../src/state/file/file-state.js';
import { currentOperator } from '../../src/state/operator.js';
import type { Operator, StateStore } from '../../src/state/types.js';

/** The file backend's state in `dir`, as openState makes it for `state: DIR`. */
export function fileStateAt(dir: string, opts: { operator?: Operator; now?: () => Date } = {}): StateStore {
  return fileState({ kind: 'file', dir, retention: { ...DEFAULT_RETENTION } }, { operator: opts.operator ?? currentOperator(), ...(opts.now && { now: opts.now }) });
}

/** Every entry of the audit log in state folder `dir`, oldest first. */
export function readAuditLog(dir: string) {
  return fileStateAt(dir).audit.read();
}
