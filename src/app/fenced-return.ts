import type Docker from 'dockerode';
import { withDeadline } from '../engine/deadline.js';
import { toDockpitError } from '../engine/errors.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import { updateContainerExact } from '../engine/container-update.js';
import { hostIsUp } from '../engine/host-up.js';
import type { SourceInspect } from '../migrate/container-spec.js';
import { dockerodeMigrateHost } from '../migrate/dockerode-engine.js';
import type { DomainEventSink } from '../engine/types.js';
import { migrationJournal, migrationState, type MigrationJournal, type MigrationView } from '../migrate/journal.js';
import type { AuditLog, StateStore } from '../state/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { FleetState } from '../store/state.js';

// Issue 17, item 2 (chaos F7, F8): a move off a fenced host leaves the source untouched on it (the engine
// did not answer); a move whose source engine died before remove-source leaves its parked source there.
// When that host comes back, the old copy runs again beside the moved one, on the same static address:
// with live-restore it never stopped, with a restart policy its engine starts it at boot. Measured on the
// test fleet before this: after `evacuate h1 --fenced h1` and h1's engine started again, both copies ran,
// each on 10.88.78.2. So as soon as a long-lived dockpit (the cockpit, `dockpit watch`) sees such a host up,
// each source a done move left there is kept from starting again (restart policy `no`) and stopped; it is
// not removed (its logs and any local data stay for the operator), and each change is audited.

/** The source of a finished move off a fenced host, which may still be on that host. */
export interface FencedLeftover {
  runId: string;
  move: number;
  host: string;
  name: string;
  /** The source container's ID (a container made on the host later has another). */
  id: string;
  to: string;
  /** fenced: the move never touched it; not removed: parked, its removal failed or was not asked for. */
  why: 'fenced' | 'not removed';
}

/**
 * The sources that done moves left on `hosts`: each made from a recorded configuration (a fenced host), and
 * each parked source not removed (its engine died during remove-source, or --keep-source). Chaos F7 seed 2
 * found the second kind: parked sources with restart=always ran again at their engine's start, on their
 * moved copies' addresses.
 */
export function fencedLeftovers(views: readonly MigrationView[], hosts: ReadonlySet<string>): FencedLeftover[] {
  const left = (m: MigrationView['moves'][number]) =>
    m.plan.sourceMode === 'recorded' || !m.steps.some((s) => s.step === 'remove-source' && s.state === 'done');
  return views.flatMap((v) =>
    v.moves
      .filter((m) => m.status === 'done' && hosts.has(m.plan.from) && left(m))
      .map((m) => ({ runId: v.runId, move: m.index, host: m.plan.from, name: m.plan.name, id: m.plan.sourceId, to: m.plan.to, why: m.plan.sourceMode === 'recorded' ? 'fenced' : 'not removed' }) as const),
  );
}

export type RetireStep = 'no-restart' | 'stop';

/** What keeps a leftover from running: nothing once it is stopped with restart policy `no`. */
export function retireSteps(inspect: Pick<SourceInspect, 'State' | 'HostConfig'>): RetireStep[] {
  const policy = (inspect.HostConfig['RestartPolicy'] as { Name?: string } | undefined)?.Name ?? '';
  const s = inspect.State ?? {};
  const runs = s.Running === true || s.Restarting === true || s.Paused === true || ['running', 'restarting', 'paused'].includes(s.Status ?? '');
  const steps: RetireStep[] = [];
  if (policy !== '' && policy !== 'no') steps.push('no-restart');
  if (runs) steps.push('stop');
  return steps;
}

/** What the service asks of an engine. */
export interface FencedReturnEngine {
  connected(host: string): boolean;
  /** null: no such container (removed by hand since). */
  inspect(host: string, id: string, signal: AbortSignal): Promise<SourceInspect | null>;
  disableRestart(host: string, id: string, signal: AbortSignal): Promise<void>;
  /** A container already stopped resolves too. */
  stop(host: string, id: string, seconds: number, signal: AbortSignal): Promise<void>;
}

export function fencedReturnEngine(engine: FleetEngine): FencedReturnEngine {
  const client = (host: string): Docker => {
    const c = engine.connections.get(host)?.client;
    if (!c) throw new Error(`${host}: not connected`);
    return c;
  };
  return {
    connected: (host) => (engine.connections.get(host)?.client ?? null) !== null,
    inspect: (host, id, signal) => dockerodeMigrateHost(client(host), host).inspect(id, signal),
    disableRestart: async (host, id, signal) => void (await updateContainerExact(client(host), id, { RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } }, signal)),
    stop: (host, id, seconds, signal) => dockerodeMigrateHost(client(host), host).stop(id, seconds, signal),
  };
}

export interface FencedReturnOptions {
  store: Pick<FleetStore, 'getState' | 'subscribe'>;
  engine: FencedReturnEngine;
  journal: Pick<MigrationJournal, 'runs' | 'read'>;
  audit: Pick<AuditLog, 'ready' | 'append'>;
  callTimeoutMs: number;
  onError?: (host: string, message: string) => void;
}

export interface FencedReturn {
  /** Resolves when no check is under way (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** How soon a host seen up but not yet connected is looked at again. */
const RETRY_MS = 250;

const upHosts = (s: FleetState): Set<string> => new Set(s.hostOrder.filter((h) => hostIsUp(s.hosts[h]?.state)));

/** The service on a live fleet and its state, as the cockpit and `dockpit watch` both run it: errors go to the host's status. */
export function startFencedReturnOn(store: FleetStore, engine: FleetEngine, state: StateStore, callTimeoutMs: number, emit: DomainEventSink): FencedReturn {
  return startFencedReturn({
    store,
    engine: fencedReturnEngine(engine),
    journal: migrationJournal(state),
    audit: state.audit,
    callTimeoutMs,
    onError: (host, error) => emit({ type: 'host.status', host, patch: { error } }),
  });
}

/** Checks every host as it comes up (and each up at the start: a dockpit started after the host returned). */
export function startFencedReturn(o: FencedReturnOptions): FencedReturn {
  let wasUp = new Set<string>();
  const pending = new Set<string>();
  let running: Promise<void> | null = null;
  let stopped = false;

  const retire = async (l: FencedLeftover): Promise<void> => {
    const deadline = <T>(call: (signal: AbortSignal) => Promise<T>) => withDeadline(o.callTimeoutMs, call);
    let target = `${l.host}/${l.name}`;
    const details = { runId: l.runId, move: l.move, id: l.id, movedTo: l.to, why: l.why };
    let done: RetireStep[] = [];
    try {
      const ins = await deadline((s) => o.engine.inspect(l.host, l.id, s));
      if (!ins) return;
      target = `${l.host}/${ins.Name.replace(/^\//, '')}`; // a parked source goes by its parking name
      const steps = retireSteps(ins);
      if (steps.length === 0) return;
      await o.audit.ready(); // a change the audit log cannot record is not made
      // Restart policy first: stopped, it must not come back at the engine's next start.
      for (const step of steps) {
        if (step === 'no-restart') await deadline((s) => o.engine.disableRestart(l.host, l.id, s));
        else {
          const seconds = typeof ins.Config.StopTimeout === 'number' ? ins.Config.StopTimeout : 10;
          await withDeadline(o.callTimeoutMs + seconds * 1000, (s) => o.engine.stop(l.host, l.id, seconds, s));
        }
        done = [...done, step];
      }
      await o.audit.append({ action: 'migrate.fenced-return', targets: [target], details: { ...details, steps: done }, outcome: 'ok' });
    } catch (err) {
      const e = toDockpitError(err, `${target} (moved to ${l.to} while ${l.host} was fenced)`);
      o.onError?.(l.host, e.toString());
      await o.audit
        .append({ action: 'migrate.fenced-return', targets: [target], details: { ...details, steps: done }, outcome: 'failed', error: e.toString() })
        .catch(() => undefined); // the error is already told; an audit log that cannot be written says so itself
    }
  };

  const check = async (hosts: Set<string>): Promise<void> => {
    const ids = await o.journal.runs();
    const views = await Promise.all(ids.map(async (id) => migrationState(await o.journal.read(id))));
    const connected = new Set([...hosts].filter((h) => o.engine.connected(h)));
    // A host is listed (up) a moment before its client is handed out: looked at again shortly, while up.
    const early = [...hosts].filter((h) => !connected.has(h));
    if (early.length > 0) retryLater(early);
    await Promise.all(fencedLeftovers(views, connected).map(retire));
  };

  const later = new Set<string>();
  let retryTimer: NodeJS.Timeout | null = null;
  const retryLater = (hosts: readonly string[]): void => {
    for (const h of hosts) later.add(h);
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      for (const h of later) if (wasUp.has(h)) pending.add(h);
      later.clear();
      drain();
    }, RETRY_MS);
  };

  const drain = (): void => {
    if (running || stopped || pending.size === 0) return;
    const batch = new Set(pending);
    pending.clear();
    running = check(batch)
      .catch((err: unknown) => {
        for (const h of batch) o.onError?.(h, `fenced return: ${toDockpitError(err).toString()}`);
      })
      .finally(() => {
        running = null;
        drain();
      });
  };

  const onState = (s: FleetState): void => {
    const up = upHosts(s);
    for (const h of up) if (!wasUp.has(h)) pending.add(h);
    wasUp = up;
    drain();
  };
  const unsubscribe = o.store.subscribe(onState);
  onState(o.store.getState());

  return {
    idle: async () => {
      while (running) await running;
    },
    stop: async () => {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      unsubscribe();
      while (running) await running;
    },
  };
}
