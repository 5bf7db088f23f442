// Issue 14, item 3: a stats sample redraws only the rows on screen that changed. Counted on React's own
// fiber tree (the one Ink renders from), so every component counts, Ink's Text and Box included.
import { afterEach, describe, expect, it } from 'vitest';
import { useMemo } from 'react';
import { cleanup, render } from 'ink-testing-library';
import { Box } from 'ink';
// Ink keeps each render's instance (and its React root) by stdout; its package exports don't list this file.
import inkInstances from '../../node_modules/ink/build/instances.js';
import type { Alert } from '../../src/alerts/types.js';
import type { StatsSample } from '../../src/engine/types.js';
import { applyEvent, applyEvents } from '../../src/store/apply-event.js';
import { createFleetStore, type FleetStore } from '../../src/store/fleet-store.js';
import { initialFleetState } from '../../src/store/state.js';
import { entry, type Route } from '../../src/views/routes.js';
import { tableScreenFor } from '../../src/views/screens/registry.js';
import type { PlanActions } from '../../src/app/ports.js';
import { PlanPreviewScreen } from '../../src/views/PlanPreviewScreen.js';
import { StatusLine } from '../../src/views/StatusLine.js';
import { StoreContext } from '../../src/views/store-context.js';
import { TableView } from '../../src/views/TableView.js';
import { sampleAlerts } from '../unit/alert-fixtures.js';
import { container, hostUp, listed } from '../unit/fixtures.js';
import { double11Preview } from './fake-plans.js';
import { frameLines, renderApp, settle, waitForFrame, type Rendered } from './render-app.js';

afterEach(() => cleanup());

/** The fields of a React fiber this counter reads (React's internals; stable across 18 and 19). */
interface Fiber {
  tag: number;
  type: unknown;
  key: string | null;
  child: Fiber | null;
  sibling: Fiber | null;
  alternate: Fiber | null;
  memoizedProps: unknown;
  memoizedState: unknown;
}

// Function, class, forwardRef and simple-memo fibers run a component's code; a memo() with a comparison is
// a wrapper fiber around a function fiber, counted once through that child.
const COMPONENT_TAGS = new Set([0, 1, 11, 15]);

function nameOf(f: Fiber): string {
  const t = f.type as { displayName?: string; name?: string; render?: { name?: string } } | null;
  return t?.displayName ?? t?.name ?? t?.render?.name ?? '?';
}

interface Rendering {
  name: string;
  props: Record<string, unknown>;
}

/**
 * Which components ran since the last call. A component that ran has new props (its parent ran) or new
 * hook state (it re-rendered itself: React copies the hook list on every render); one that bailed out
 * keeps both objects. Fibers alternate between two objects, so both are remembered.
 */
function renderCounter(r: Rendered): () => Rendering[] {
  // Ink's `container` (its React root) is private in its types; read here only.
  const ink = (inkInstances as unknown as WeakMap<object, { container: { current: Fiber } }>).get(r.stdout);
  if (!ink) throw new Error('no Ink instance for this stdout');
  let seen = new WeakMap<Fiber, { props: unknown; state: unknown }>();
  const walk = (): Rendering[] => {
    const next = new WeakMap<Fiber, { props: unknown; state: unknown }>();
    const out: Rendering[] = [];
    const visit = (f: Fiber | null): void => {
      for (; f; f = f.sibling) {
        if (COMPONENT_TAGS.has(f.tag)) {
          // A fiber first updated after its mount is a new object whose alternate is the mounted one.
          const before = seen.get(f) ?? (f.alternate ? seen.get(f.alternate) : undefined);
          if (!before || before.props !== f.memoizedProps || before.state !== f.memoizedState) {
            out.push({ name: nameOf(f), props: (f.memoizedProps ?? {}) as Record<string, unknown> });
          }
          const now = { props: f.memoizedProps, state: f.memoizedState };
          next.set(f, now);
          if (f.alternate) next.set(f.alternate, now);
        }
        visit(f.child);
      }
    };
    visit(ink.container.current);
    seen = next;
    return out;
  };
  walk();
  return walk;
}

const INK_COMPONENTS = new Set(['Text', 'Box', 'App', 'InternalApp', '?']);
const ours = (rs: Rendering[]) => rs.filter((x) => !INK_COMPONENTS.has(x.name)).map((x) => x.name);

const HOSTS = ['h1', 'h2', 'h3'];
const PER_HOST = 5;
const AT = Date.UTC(2026, 11, 4, 6, 0, 5);

function sample(host: string, id: string, cpuPercent: number): StatsSample {
  return { host, id, at: AT, cpuPercent, memBytes: 64 * 2 ** 20, memLimitBytes: 2 ** 30, rxBytesPerSec: 1000, txBytesPerSec: 500 };
}

/** 3 hosts × 5 running containers, every one sampled once. */
function sampledFleet(): FleetStore {
  const ids = HOSTS.flatMap((h) => Array.from({ length: PER_HOST }, (_, i) => ({ host: h, id: `${h}-c${i}`, name: `${h}-app-${i}` })));
  return createFleetStore(
    applyEvents(initialFleetState(), [
      ...HOSTS.map((h) => hostUp(h)),
      ...HOSTS.map((h) => listed(h, ids.filter((c) => c.host === h).map((c) => container(c.host, c.id, c.name, { bizline: 'shop' })))),
      { type: 'stats.sampled', samples: ids.map((c) => sample(c.host, c.id, 1)) },
    ]),
  );
}

/** One sample of one container (h2's third), as the sampler commits it. */
function sampleOne(store: FleetStore, cpuPercent: number): void {
  store.setState(applyEvent(store.getState(), { type: 'stats.sampled', samples: [sample('h2', 'h2-c2', cpuPercent)] }), true);
}

const WIDTH = 120;
const HEIGHT = 20;

/**
 * The cockpit's body as the shell lays it out: a table screen and the status line, under a root that reads
 * nothing from the store (so whatever re-renders does so on its own subscriptions).
 */
function Body({ store, route, cursor = 0 }: { store: FleetStore; route: Route; cursor?: number }) {
  const nav = useMemo(() => ({ ...entry(route), cursor }), [route, cursor]);
  return (
    <StoreContext.Provider value={store}>
      <Box flexDirection="column" width={WIDTH}>
        <TableView screen={tableScreenFor(route)!} nav={nav} height={HEIGHT} width={WIDTH} />
        <StatusLine width={WIDTH} />
      </Box>
    </StoreContext.Provider>
  );
}

const CONTAINERS: Route = { kind: 'containers' };
const HOSTS_ROUTE: Route = { kind: 'hosts' };

/** A row component's place among the screen's rows, from its props. */
const rowIndexes = (rs: Rendering[]) => rs.filter((x) => x.name === 'TableRowView').map((x) => x.props.index);

/** The components under one row: the row, its line and one Text per column shown. */
const ROW_FIBERS = 1 + 1 + 11;

describe('a stats sample of one container re-renders only its row (issue 14)', () => {
  it('containers screen: the sampled container\'s row and the Text it draws, nothing else', async () => {
    const store = sampledFleet();
    const r = render(<Body store={store} route={CONTAINERS} />);
    await waitForFrame(r, (f) => f.includes('h3-app-4'));
    await settle();
    const renders = renderCounter(r);
    sampleOne(store, 42);
    const frame = await waitForFrame(r, (f) => /h2-app-2 .* 42% /.test(f));
    await settle();
    const got = renders();
    expect(ours(got)).toEqual(['TableRowView']);
    // h1's five rows come first: h2-app-2 is the eighth.
    expect(rowIndexes(got)).toEqual([7]);
    expect(got).toHaveLength(ROW_FIBERS);
    // The other rows still show their own samples.
    expect(frameLines(frame).filter((l) => / 1\.0% /.test(l))).toHaveLength(HOSTS.length * PER_HOST - 1);

    // A sample showing the same figures (an idle container) leaves the row's object as it was: nothing re-renders.
    sampleOne(store, 42);
    await settle();
    expect(renders()).toEqual([]);
  });

  it('hosts screen: the sampled host\'s row only', async () => {
    const store = sampledFleet();
    const r = render(<Body store={store} route={HOSTS_ROUTE} />);
    await waitForFrame(r, (f) => f.includes('h3 '));
    await settle();
    const renders = renderCounter(r);

    sampleOne(store, 42);
    // h2's five containers: four at 1%, one at 42%.
    await waitForFrame(r, (f) => /h2 .* 46% /.test(f));
    await settle();
    const got = renders();
    expect(ours(got)).toEqual(['TableRowView']);
    expect(rowIndexes(got)).toEqual([1]);
  });

  it('a cursor move re-renders the table and the two rows whose selection changed, not the others', async () => {
    const store = sampledFleet();
    const r = render(<Body store={store} route={CONTAINERS} />);
    await waitForFrame(r, (f) => f.includes('h3-app-4'));
    await settle();
    const renders = renderCounter(r);

    r.rerender(<Body store={store} route={CONTAINERS} cursor={1} />);
    await settle();
    const got = renders();
    expect(ours(got).filter((n) => n === 'TableRowView')).toHaveLength(2);
    expect(rowIndexes(got).sort()).toEqual([0, 1]);
    expect(ours(got)).not.toContain('StatusLine');
  });

  it('through the whole cockpit: that row only, no other row, screen, heading or status line', async () => {
    const store = sampledFleet();
    const r = await renderApp(store, { columns: WIDTH, rows: 30 }, { initialRoute: CONTAINERS });
    const renders = renderCounter(r);

    sampleOne(store, 42);
    await waitForFrame(r, (f) => /h2-app-2 .* 42% /.test(f));
    await settle();
    const got = renders();
    const names = ours(got);
    // The shell, the heading, the bottom line, the table and the status line stay as they were.
    expect(names).toEqual(['TableRowView']);
    expect(rowIndexes(got)).toEqual([7]);
    expect(got).toHaveLength(ROW_FIBERS);
    // Printed so the figure can be compared before and after (194 components with App.tsx's useFleet((s) => s)).
    console.info(`cockpit, one stats commit: ${got.length} components (${names.join(', ')})`);
  });
});

describe('the plan preview recomputes only when what the planner reads changes', () => {
  it('a probe\'s latency does not recompute or redraw it; a sample (what an action frees) does', async () => {
    const store = sampledFleet();
    let previews = 0;
    const plans: PlanActions = {
      list: () => [],
      preview: () => {
        previews++;
        return double11Preview();
      },
      lastRun: () => Promise.resolve(null),
    };
    const onLines = () => {};
    const r = render(
      <StoreContext.Provider value={store}>
        <PlanPreviewScreen plans={plans} name="double11" scroll={0} height={HEIGHT} width={WIDTH} onLines={onLines} canApply={false} />
      </StoreContext.Provider>,
    );
    await waitForFrame(r, (f) => f.includes('web-1'));
    await settle();
    const renders = renderCounter(r);
    const before = previews;

    store.setState(applyEvent(store.getState(), { type: 'host.status', host: 'h2', patch: { latencyMs: 250, lastSeen: AT + 1000 } }), true);
    await settle();
    expect(previews).toBe(before);
    expect(renders()).toEqual([]);

    sampleOne(store, 42);
    await settle();
    expect(previews).toBe(before + 1);
    expect(ours(renders())).toContain('PlanPreviewScreen');
  });
});

describe('alerts (issue 15): an alerts.changed commit redraws the status line and :alerts, a stats sample neither', () => {
  it('on another screen: the status line only, no row of that screen', async () => {
    const store = sampledFleet();
    const r = await renderApp(store, { columns: WIDTH, rows: 30 }, { initialRoute: CONTAINERS });
    const renders = renderCounter(r);

    emitAlerts(store, sampleAlerts(Date.now()));
    await waitForFrame(r, (f) => f.includes('⚠ 3 alerts'));
    await settle();
    const names = ours(renders());
    expect(names).toContain('StatusLine');
    expect(names).not.toContain('TableRowView');
    expect(names).not.toContain('TableViewBody');
  });

  it('on :alerts: a stats sample redraws nothing; an alerts.changed redraws the screen and the status line', async () => {
    const store = sampledFleet();
    const now = Date.now();
    // Ages a second past whole minutes: the SINCE column's next change (its clock's tick) is a minute away.
    const settled = sampleAlerts(now).map((a) => ({
      ...a,
      since: now - 10 * 60_000 - 1000,
      firingSince: a.firingSince === null ? null : now - 5 * 60_000 - 1000,
      resolvedAt: a.resolvedAt === null ? null : now - 2 * 60_000 - 1000,
    }));
    emitAlerts(store, settled);
    const r = await renderApp(store, { columns: WIDTH, rows: 30 }, { initialRoute: { kind: 'alerts' } });
    await waitForFrame(r, (f) => f.includes('oomKilled'));
    await settle();
    const renders = renderCounter(r);

    sampleOne(store, 42);
    await settle();
    expect(ours(renders())).toEqual([]);

    const [loop, down, degraded] = settled;
    emitAlerts(store, [loop!, down!, { ...degraded!, state: 'resolved', resolvedAt: now }]);
    await waitForFrame(r, (f) => f.includes('⚠ 2 alerts'));
    await settle();
    const names = ours(renders());
    expect(names).toContain('StatusLine');
    expect(names).toContain('AlertsScreen');
    expect(names).toContain('TableRowView');
  });
});

function emitAlerts(store: FleetStore, alerts: readonly Alert[]): void {
  store.setState(applyEvent(store.getState(), { type: 'alerts.changed', alerts }), true);
}
