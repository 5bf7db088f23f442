import type { ContainerEventRecord, DomainEvent } from '../engine/types.js';

// Issue 15: what the rules need from container events, counted as they arrive. The store's timeline keeps
// only the last 2,000 events of the whole fleet (2 s of a 1,000/s storm), too short for "5 restarts in
// 5 minutes": the evaluator keeps its own small record per container, bounded, and forgets containers
// that are gone.

/** What one container's events said. Times are local epoch ms. */
export interface ContainerMemory {
  host: string;
  id: string;
  name: string;
  /** When it died, oldest first: at most DIES_KEPT, none older than the restart window. */
  dies: number[];
  lastDie: { at: number; exitCode: number | null; explained: boolean; oom: boolean } | null;
  /** When the die before `lastDie` was, if nothing explained it either (a restart loop in the making). */
  unexpectedBeforeAt: number | null;
  /** A `kill` with signal 15 since it last started: a `docker stop` (or restart) is under way. */
  stopping: boolean;
  /** An `oom` since it last started: its next die is the OOM killer's. */
  oomSinceStart: boolean;
  oomAt: number | null;
  /** The last `health_status:` the engine reported. */
  health: string | null;
  lastEventAt: number;
}

/** A restart loop of more than this many restarts is not told apart from one of this many. */
export const DIES_KEPT = 1000;

const SIGTERM = 15;

export class AlertMemory {
  private readonly byContainer = new Map<string, ContainerMemory>();

  /** @param dieWindowMs how long dies are kept (the restart loop's `within`). */
  constructor(readonly dieWindowMs: number) {}

  /** O(1) (amortized: the die ring drops what falls out of the window). */
  observe(event: DomainEvent, at?: number): void {
    if (event.type === 'container.event') this.record(event.event, at ?? event.event.timeNano / 1e6);
    else if (event.type === 'container.removed') this.byContainer.delete(keyOf(event.host, event.id));
  }

  get(host: string, id: string): ContainerMemory | undefined {
    return this.byContainer.get(keyOf(host, id));
  }

  values(): IterableIterator<ContainerMemory> {
    return this.byContainer.values();
  }

  get size(): number {
    return this.byContainer.size;
  }

  /**
   * Forgets containers the store no longer has, once their last event is `graceMs` old (the list lags
   * the events that create a container by a moment). `exists` asks the store.
   */
  prune(now: number, graceMs: number, exists: (host: string, id: string) => boolean): void {
    for (const [key, m] of this.byContainer) {
      if (now - m.lastEventAt >= graceMs && !exists(m.host, m.id)) this.byContainer.delete(key);
    }
  }

  private record(e: ContainerEventRecord, at: number): void {
    const key = keyOf(e.host, e.id);
    if (e.action === 'destroy') {
      this.byContainer.delete(key);
      return;
    }
    let m = this.byContainer.get(key);
    if (!m) {
      m = { host: e.host, id: e.id, name: e.name, dies: [], lastDie: null, unexpectedBeforeAt: null, stopping: false, oomSinceStart: false, oomAt: null, health: null, lastEventAt: at };
      this.byContainer.set(key, m);
    }
    m.name = e.name;
    m.lastEventAt = Math.max(m.lastEventAt, at);
    switch (e.action) {
      case 'start':
      case 'restart':
      case 'unpause':
        m.stopping = false;
        m.oomSinceStart = false;
        break;
      case 'kill':
        if (e.signal === SIGTERM) m.stopping = true;
        break;
      case 'oom':
        m.oomAt = at;
        m.oomSinceStart = true;
        break;
      case 'die':
        m.dies.push(at);
        while (m.dies.length > DIES_KEPT || (m.dies.length > 0 && m.dies[0]! < at - this.dieWindowMs)) m.dies.shift();
        m.unexpectedBeforeAt = m.lastDie && isUnexpected(m.lastDie) ? m.lastDie.at : null;
        m.lastDie = { at, exitCode: e.exitCode ?? null, explained: m.stopping, oom: m.oomSinceStart };
        break;
      case 'stop':
        // docker stop: kill(15) → die → stop. The stop explains the die before it, whatever its exit code.
        if (m.lastDie) m.lastDie.explained = true;
        m.stopping = false;
        break;
      default:
        if (e.action.startsWith('health_status:')) m.health = e.action.slice('health_status:'.length).trim();
    }
  }
}

function keyOf(host: string, id: string): string {
  return `${host}\u0000${id}`;
}

/** A die no stop explains, with a non-zero exit code, not the OOM killer's. */
export function isUnexpected(d: NonNullable<ContainerMemory['lastDie']>): boolean {
  return !d.explained && !d.oom && d.exitCode !== null && d.exitCode !== 0;
}

/** Dies within the last `withinMs` before `now`. */
export function diesWithin(m: ContainerMemory, now: number, withinMs: number): number {
  let n = 0;
  for (let i = m.dies.length - 1; i >= 0 && m.dies[i]! > now - withinMs; i--) n++;
  return n;
}
