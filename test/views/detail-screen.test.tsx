import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { DockpitError } from '../../src/engine/errors.js';
import { applyEvent } from '../../src/store/apply-event.js';
import { fakeActions, inspectOf } from './fake-actions.js';
import { smallFleet } from './fleet-fixture.js';
import { ESCAPE, frameLines, press, renderApp, waitForFrame, type Size } from './render-app.js';

afterEach(() => cleanup());

const TALL: Size = { columns: 100, rows: 70 };
const ALPHA = { initialRoute: { kind: 'containers', host: 'alpha' } } as const;

function fitsIn(frame: string, size: Size): boolean {
  const lines = frameLines(frame);
  return lines.length <= size.rows - 1 && lines.every((l) => stringWidth(l) <= size.columns);
}

describe('container detail', () => {
  it('d opens the detail of the container under the cursor; a password is masked until x; Esc goes back', async () => {
    const actions = fakeActions(async (_h, id) => inspectOf(id, 'api'));
    const r = await renderApp(smallFleet(), TALL, { ...ALPHA, actions });
    const frame = await press(r, 'd', (f) => f.includes('DB_PASSWORD'));
    expect(actions.inspectCalls).toEqual([{ host: 'alpha', id: 'a1' }]);
    const lines = frameLines(frame);
    expect(lines[0]).toMatch(/^dockpit · container api on alpha {2}test/);
    expect(lines[1]).toMatch(/^x reveals secret env values · l log · esc back/);
    expect(lines[2]).toMatch(/^host {9}alpha/);
    expect(lines[3]).toMatch(/^name {9}api/);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}biz {8}10\.88\.1\.20\/16 static {2}gw 10\.88\.0\.1 {2}mac 02:42:0a:58:01:14/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}DB_PASSWORD=•••••• *$/));
    expect(frame).not.toContain('hunter2');
    expect(frame).not.toContain('tok-123');
    expect(fitsIn(frame, TALL)).toBe(true);

    const revealed = await press(r, 'x', (f) => f.includes('hunter2'));
    expect(frameLines(revealed)).toContainEqual(expect.stringMatching(/^ {2}DB_PASSWORD=hunter2 *$/));
    expect(frameLines(revealed)[1]).toMatch(/^x hides secret env values/);
    const hidden = await press(r, 'x', (f) => !f.includes('hunter2'));
    expect(hidden).toContain('DB_PASSWORD=••••••');

    const back = await press(r, ESCAPE, (f) => f.includes('containers on alpha'));
    expect(frameLines(back)[0]).toBe('dockpit · containers on alpha (3)  test');
  });

  it('shows a loading line until inspect answers', async () => {
    let answer!: () => void;
    const actions = fakeActions((_h, id) => new Promise((resolve) => (answer = () => resolve(inspectOf(id, 'api')))));
    const r = await renderApp(smallFleet(), TALL, { ...ALPHA, actions });
    const loading = await press(r, 'd', (f) => f.includes('loading'));
    expect(frameLines(loading)[1]).toMatch(/^loading a1 on alpha… *$/);
    answer();
    const loaded = await waitForFrame(r, (f) => f.includes('host         alpha'));
    expect(loaded).not.toContain('loading');
  });

  it('shows an inspect error as CODE: message and keeps working', async () => {
    const actions = fakeActions(() => Promise.reject(new DockpitError('UNREACHABLE', 'host alpha is not connected')));
    const r = await renderApp(smallFleet(), TALL, { ...ALPHA, actions });
    const frame = await press(r, 'd', (f) => f.includes('UNREACHABLE'));
    expect(frameLines(frame)[1]).toMatch(/^UNREACHABLE: host alpha is not connected *$/);
    const back = await press(r, ESCAPE, (f) => f.includes('containers on alpha'));
    expect(frameLines(back)[0]).toBe('dockpit · containers on alpha (3)  test');
  });

  it('scrolls within a small terminal, never taller or wider than it', async () => {
    const small: Size = { columns: 50, rows: 12 };
    const actions = fakeActions(async (_h, id) => inspectOf(id, 'api'));
    const r = await renderApp(smallFleet(), small, { ...ALPHA, actions });
    const top = await press(r, 'd', (f) => f.includes('host         alpha'));
    expect(fitsIn(top, small)).toBe(true);
    expect(frameLines(top)[2]).toMatch(/^host {9}alpha/);
    // The command is longer than the screen: cut, with a mark.
    expect(frameLines(top).find((l) => l.startsWith('command'))).toMatch(/…$/);

    const down = await press(r, 'j', (f) => !f.includes('host         alpha'));
    expect(frameLines(down)[2]).toMatch(/^name {9}api/);

    const bottom = await press(r, 'G', (f) => f.includes('GREETING'));
    const lines = frameLines(bottom);
    expect(fitsIn(bottom, small)).toBe(true);
    // The last line of the detail is on the last row of the body (title, status line and footer follow).
    expect(lines[lines.length - 3]).toMatch(/^ {2}GREETING=a=b *$/);
    // The cursor stops where the view stops: one k scrolls one line at once.
    const up = await press(r, 'k', (f) => !frameLines(f)[frameLines(f).length - 3]!.includes('GREETING'));
    expect(frameLines(up)[frameLines(up).length - 3]).toMatch(/^ {2}EMPTY_SECRET= *$/);
  });

  it('fetches again when the store shows the container changed, at most every 2 s', { timeout: 10_000 }, async () => {
    const store = smallFleet();
    let status = 'running';
    const actions = fakeActions(async (_h, id) => inspectOf(id, 'api', (c) => (c.State.Status = status)));
    const r = await renderApp(store, TALL, { ...ALPHA, actions });
    await press(r, 'd', (f) => f.includes('state        running'));
    expect(actions.inspectCalls).toHaveLength(1);

    status = 'exited';
    store.setState(applyEvent(store.getState(), { type: 'container.patched', host: 'alpha', id: 'a1', patch: { state: 'exited', status: 'Exited (0) 1 second ago' } }), true);
    await waitForFrame(r, (f) => f.includes('state        exited'), 3000);
    expect(actions.inspectCalls).toHaveLength(2);
    const second = Date.now();

    status = 'running';
    store.setState(applyEvent(store.getState(), { type: 'container.patched', host: 'alpha', id: 'a1', patch: { state: 'running', status: 'Up 1 second' } }), true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(actions.inspectCalls).toHaveLength(2);
    await waitForFrame(r, (f) => f.includes('state        running'), 3000);
    expect(actions.inspectCalls).toHaveLength(3);
    expect(Date.now() - second).toBeGreaterThanOrEqual(1900);
  });
});
