import { UsageError } from '../../config/config-error.js';
import { withDeadline } from '../../engine/deadline.js';
import { eventsBetween } from '../../engine/engine-calls.js';
import { toTimelineRecord, type EngineEvent } from '../../engine/engine-event.js';
import { toDockpitError } from '../../engine/errors.js';
import type { ContainerEventRecord } from '../../engine/types.js';
import { formatEventTime } from '../../render/format.js';
import { connectFleet } from '../connect.js';
import { textTable } from '../../render/text-table.js';
import type { HeadlessCommand } from './types.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 10m` (s, m, h, d) or an RFC 3339 time → how far back, in ms, from `nowMs`. */
export function parseSince(since: string | undefined, nowMs: number): number {
  if (since === undefined) return 15 * 60_000;
  const m = /^(\d+)([smhd])$/.exec(since.trim());
  if (m) return Number(m[1]) * UNIT_MS[m[2]!]!;
  const t = Date.parse(since);
  if (/^\d{4}-\d\d-\d\dT/.test(since) && Number.isFinite(t)) return Math.max(0, nowMs - t);
  throw new UsageError(`--since ${since}: expected a duration like 30s, 10m, 2h, 1d or an RFC 3339 time`);
}

/** The exact engine time: 19 digits, more than a JS number (or a JSON reader's double) keeps. */
function exactNano(e: ContainerEventRecord): bigint {
  return e.timeNanoText !== undefined ? BigInt(e.timeNanoText) : BigInt(Math.round(e.timeNano));
}

/** `timeNano` is a string (issue 17, item 6): as a JSON number every reader would round it. */
export function eventJson(e: ContainerEventRecord) {
  const nano = exactNano(e);
  return { time: new Date(Number(nano / 1_000_000n)).toISOString(), timeNano: nano.toString(), host: e.host, id: e.id, name: e.name, action: e.action };
}

function newestFirst(a: ContainerEventRecord, b: ContainerEventRecord): number {
  const [x, y] = [exactNano(a), exactNano(b)];
  return x < y ? 1 : x > y ? -1 : a.host.localeCompare(b.host);
}

export const eventsCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  const backMs = parseSince(args.since, Date.now());
  const fleet = await connectFleet(config);
  const records: ContainerEventRecord[] = [];
  try {
    await Promise.all(
      [...fleet.engine.connections.values()].map(async (conn) => {
        const docker = conn.client;
        if (!docker) {
          err(`warning: host ${conn.name} is down: its events are missing`);
          return;
        }
        const until = conn.engineNowSeconds();
        try {
          const evs = await withDeadline(config.engine.callTimeoutMs, (abortSignal) =>
            eventsBetween(docker, { since: until - backMs / 1000, until, filters: { type: ['container'] }, abortSignal }),
          );
          for (const ev of evs) {
            const r = toTimelineRecord(conn.name, ev as EngineEvent);
            if (r) records.push(r);
          }
        } catch (e) {
          err(`warning: host ${conn.name}: ${toDockpitError(e).toString()}`);
        }
      }),
    );
  } finally {
    await fleet.close();
  }
  records.sort(newestFirst);
  if (args.json) out(JSON.stringify(records.map(eventJson), null, 2));
  else out(textTable(['TIME', 'HOST', 'CONTAINER', 'ACTION'], records.map((e) => [formatEventTime(e.timeNano), e.host, e.name, e.action])));
  return 0;
};
