import type { ContainerEventRecord } from '../engine/types.js';

function same(a: ContainerEventRecord, b: ContainerEventRecord): boolean {
  return a.timeNano === b.timeNano && a.host === b.host && a.id === b.id && a.action === b.action;
}

/**
 * Inserts an event in time order (hosts' streams interleave, backfills arrive late), dropping exact
 * duplicates (a backfill overlaps what the live stream already gave) and the oldest beyond `limit`.
 * Returns the same array when nothing changed.
 */
export function insertEvent(
  timeline: readonly ContainerEventRecord[],
  e: ContainerEventRecord,
  limit: number,
): readonly ContainerEventRecord[] {
  let i = timeline.length;
  while (i > 0 && timeline[i - 1]!.timeNano > e.timeNano) i--;
  for (let j = i - 1; j >= 0 && timeline[j]!.timeNano === e.timeNano; j--) if (same(timeline[j]!, e)) return timeline;
  if (timeline.length >= limit && i === 0) return timeline; // older than everything we keep
  const next = [...timeline.slice(0, i), e, ...timeline.slice(i)];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/**
 * Several events at once; the same result as inserting them one by one. The common case (live events, each
 * newer than everything kept) appends in one copy; anything else goes one at a time.
 */
export function insertEvents(
  timeline: readonly ContainerEventRecord[],
  events: readonly ContainerEventRecord[],
  limit: number,
): readonly ContainerEventRecord[] {
  const last = timeline.length > 0 ? timeline[timeline.length - 1]!.timeNano : -Infinity;
  let ordered = true;
  for (let i = 0; i < events.length && ordered; i++) {
    ordered = events[i]!.timeNano > (i === 0 ? last : events[i - 1]!.timeNano);
  }
  if (!ordered) {
    let t = timeline;
    for (const e of events) t = insertEvent(t, e, limit);
    return t;
  }
  const next = [...timeline, ...events];
  return next.length > limit ? next.slice(next.length - limit) : next;
}
