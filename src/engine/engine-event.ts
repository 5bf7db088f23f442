import type { ContainerEventRecord } from './types.js';

/** One line of the engine's `/events` stream. */
export interface EngineEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  timeNano?: number;
  /** timeNano's exact digits, where the reader kept them (LineJsonDecoder's exactKey). */
  timeNanoText?: string;
  time?: number;
}

// What an operator's timeline shows; exec_*, attach, resize, top, archive … are tooling noise.
const TIMELINE_ACTIONS: ReadonlySet<string> = new Set([
  'create', 'start', 'restart', 'die', 'kill', 'oom', 'stop', 'pause', 'unpause', 'destroy', 'rename', 'update',
]);

export function isTimelineAction(action: string): boolean {
  return TIMELINE_ACTIONS.has(action) || action.startsWith('health_status');
}

/** The timeline record of an engine event, or null for events the timeline does not keep. */
export function toTimelineRecord(host: string, ev: EngineEvent): ContainerEventRecord | null {
  const action = ev.Action ?? ev.status ?? '';
  const id = ev.Actor?.ID ?? ev.id;
  if (!id || !isTimelineAction(action)) return null;
  const attributes = ev.Actor?.Attributes ?? {};
  const record: ContainerEventRecord = {
    host,
    id,
    name: (attributes.name ?? id.slice(0, 12)).replace(/^\//, ''),
    action,
    timeNano: ev.timeNano ?? (ev.time ?? 0) * 1e9,
  };
  // Only where the engine says them: a die whose exit code isn't known must not read as exit code 0.
  const exitCode = action === 'die' ? intOf(attributes.exitCode) : null;
  if (exitCode !== null) record.exitCode = exitCode;
  const signal = action === 'kill' ? intOf(attributes.signal) : null;
  if (signal !== null) record.signal = signal;
  if (ev.timeNanoText !== undefined) record.timeNanoText = ev.timeNanoText;
  return record;
}

function intOf(text: string | undefined): number | null {
  if (text === undefined || !/^-?\d+$/.test(text)) return null;
  return Number(text);
}
