// Issue 17, item 2: the invariants every chaos run is checked against. Pure functions over what the engines
// and the state folder hold (gathered by truth.ts): each returns the violations it finds, as text that names
// the container, address or file, so that a table row says what broke without a rerun.

export interface Violation {
  invariant: string;
  text: string;
}

/** One container as its engine shows it (docker inspect), not as dockpit believes it is. */
export interface Seen {
  host: string;
  name: string;
  /** created, running, paused, exited, dead … */
  state: string;
  /** Addresses on the pool network, empty when none. */
  ips: string[];
  /** State, limits and restart policy as one comparable string (what a restore must put back). */
  shape: string;
}

/** A container event from an engine's own log (docker events), in order. */
export interface EngineEvent {
  host: string;
  name: string;
  action: string;
  /** The signal of a kill event, else null. */
  signal: string | null;
  /** Engine time, nanoseconds since the epoch, as a decimal string (exact: 19 digits). */
  timeNano: string;
}

const v = (invariant: string, text: string): Violation => ({ invariant, text });
const key = (c: { host: string; name: string }) => `${c.host}/${c.name}`;

/** No container lost: every name there before is still on some engine after (moved is fine, gone is not). */
export function noContainerLost(before: readonly Seen[], after: readonly Seen[]): Violation[] {
  const names = new Set(after.map((c) => c.name));
  return before.filter((c) => !names.has(c.name)).map((c) => v('no container lost', `${key(c)} (was ${c.state}) is on no engine any more`));
}

/** At most one running (or paused: it holds its address and name) instance of each name across the fleet. */
export function oneRunningPerName(after: readonly Seen[]): Violation[] {
  const by = new Map<string, Seen[]>();
  for (const c of after) if (c.state === 'running' || c.state === 'paused') by.set(c.name, [...(by.get(c.name) ?? []), c]);
  return [...by.entries()].filter(([, cs]) => cs.length > 1).map(([n, cs]) => v('one running per name', `${n} runs ${cs.length} times: ${cs.map(key).join(', ')}`));
}

/** No address bound twice: among running or paused containers of every host, each pool address once. */
export function noAddressTwice(after: readonly Seen[]): Violation[] {
  const by = new Map<string, Seen[]>();
  for (const c of after) {
    if (c.state !== 'running' && c.state !== 'paused') continue;
    for (const ip of c.ips) by.set(ip, [...(by.get(ip) ?? []), c]);
  }
  return [...by.entries()].filter(([, cs]) => cs.length > 1).map(([ip, cs]) => v('no address twice', `${ip} is held by ${cs.map(key).join(' and ')}`));
}

/** A restore is exact: each container's state, limits and restart policy as before the run. */
export function restoreExact(before: readonly Seen[], after: readonly Seen[], only: (c: Seen) => boolean = () => true): Violation[] {
  const now = new Map(after.map((c) => [key(c), c]));
  const out: Violation[] = [];
  for (const b of before.filter(only)) {
    const a = now.get(key(b));
    if (!a) out.push(v('restore exact', `${key(b)} is not on ${b.host} after the restore`));
    else if (a.shape !== b.shape) out.push(v('restore exact', `${key(b)}: ${a.shape}, was ${b.shape}`));
  }
  return out;
}

/**
 * Each action exactly once: `expected` maps host/name to the count of each action the run must show in the
 * engine's events (a stop also counts its SIGTERM kill, so a stop made twice is seen even when the second
 * finds the container stopped already and the engine logs no second `stop`).
 */
export function exactlyOnce(events: readonly EngineEvent[], expected: Readonly<Record<string, Readonly<Record<string, number>>>>): Violation[] {
  const out: Violation[] = [];
  for (const [k, want] of Object.entries(expected)) {
    const mine = events.filter((e) => key(e) === k);
    for (const [action, n] of Object.entries(want)) {
      const got = action === 'kill:15' ? mine.filter((e) => e.action === 'kill' && e.signal === '15').length : mine.filter((e) => e.action === action).length;
      if (got !== n) out.push(v('each action once', `${k}: ${got} × ${action} in the engine's events, expected ${n}`));
    }
  }
  return out;
}

/** Actions that change a container (what an audit entry must account for, and what a no-op must not do). */
export const CHANGING = new Set(['create', 'start', 'stop', 'kill', 'pause', 'unpause', 'update', 'destroy', 'rename', 'restart']);

/** A second resume (or a dry run) makes zero engine calls: no changing event in its window. */
export function noCalls(what: string, events: readonly EngineEvent[]): Violation[] {
  return events.filter((e) => CHANGING.has(e.action)).map((e) => v('second resume: zero calls', `${what}: ${e.action}${e.signal ? ` (signal ${e.signal})` : ''} on ${key(e)}`));
}

/**
 * No guard exceeded: replays the events in engine time and counts, per line, the containers down at once
 * (stopped, killed, died or paused) that were up at the start; more than `maxDown` is a violation. Events of
 * containers of no line in `lineOf` are ignored. An engine that dies (F1) downs its containers itself: pass
 * `exempt` (host/name) for those, a guard holds what dockpit does.
 */
export function maxDownPerLine(events: readonly EngineEvent[], lineOf: ReadonlyMap<string, string>, maxDown: number, exempt: ReadonlySet<string> = new Set()): Violation[] {
  const down = new Map<string, Set<string>>();
  const worst = new Map<string, { n: number; who: string[] }>();
  const sorted = [...events].sort((a, b) => (BigInt(a.timeNano) < BigInt(b.timeNano) ? -1 : BigInt(a.timeNano) > BigInt(b.timeNano) ? 1 : 0));
  for (const e of sorted) {
    const k = key(e);
    const line = lineOf.get(k);
    if (line === undefined || exempt.has(k)) continue;
    const set = down.get(line) ?? new Set<string>();
    down.set(line, set);
    if (e.action === 'die' || e.action === 'pause' || e.action === 'stop') set.add(k);
    else if (e.action === 'start' || e.action === 'unpause' || e.action === 'restart') set.delete(k);
    const w = worst.get(line);
    if (set.size > (w?.n ?? 0)) worst.set(line, { n: set.size, who: [...set] });
  }
  return [...worst.entries()].filter(([, w]) => w.n > maxDown).map(([line, w]) => v('no guard exceeded', `line ${line}: ${w.n} down at once (maxDownPerLine ${maxDown}): ${w.who.join(', ')}`));
}

/** One audit entry, as much of it as the check needs. */
export interface AuditLike {
  action: string;
  targets: readonly string[];
  outcome: string;
}

/**
 * Every change in the audit log: each container the engines saw dockpit change (host/name, from `changed`)
 * is a target of some audit entry. The caller passes only the changes dockpit made (a fault's own kills and
 * the test's setup are not dockpit's).
 */
export function auditCovers(changed: Iterable<string>, audit: readonly AuditLike[]): Violation[] {
  const targets = new Set(audit.flatMap((e) => e.targets));
  return [...new Set(changed)]
    .filter((k) => !targets.has(k))
    .map((k) => v('every change audited', `${k} was changed on its engine and no audit entry names it`));
}

/** A dry run changes nothing: the engines' containers exactly as before, and no changing event. */
export function dryRunChangedNothing(before: readonly Seen[], after: readonly Seen[], events: readonly EngineEvent[]): Violation[] {
  const out = restoreExact(before, after).map((x) => v('dry run changes nothing', x.text));
  return [...out, ...noCalls('dry run', events).map((x) => v('dry run changes nothing', x.text))];
}

/** No secret at rest or in a log: none of `secrets` appears in any of the texts (a journal, the audit log, output). */
export function noSecrets(texts: ReadonlyArray<{ where: string; text: string }>, secrets: readonly string[]): Violation[] {
  const out: Violation[] = [];
  for (const t of texts) for (const s of secrets) if (s.length > 0 && t.text.includes(s)) out.push(v('no secret written', `${t.where} holds the secret value ${s.slice(0, 4)}…`));
  return out;
}
