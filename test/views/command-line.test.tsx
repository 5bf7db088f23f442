import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { containersScreen } from '../../src/views/screens/containers-screen.js';
import { hFleet } from './fleet-fixture.js';
import { ENTER, ESCAPE, frameLines, headersOf, press, renderApp, TAB, tableRows } from './render-app.js';

afterEach(() => cleanup());

/** The line above the status line: filter, command line or flash. */
const bottom = (frame: string) => frameLines(frame).at(-2)!.trimEnd();
const names = (frame: string) => tableRows(frame, headersOf(containersScreen)).map((r) => r.NAME);

describe(': command line', () => {
  it(': opens it; typing shows; Escape closes it and the screen is as it was', async () => {
    const r = await renderApp(hFleet());
    expect(bottom(await press(r, ':', (f) => bottom(f) === ':█'))).toBe(':█');
    expect(bottom(await press(r, 'ho', (f) => bottom(f) === ':ho█'))).toBe(':ho█');
    const closed = await press(r, ESCAPE, (f) => bottom(f) === '');
    expect(frameLines(closed)[0]).toBe('dockpit · hosts (2)  test');
  });

  it('ho + Tab completes to host and shows the candidates', async () => {
    const r = await renderApp(hFleet());
    await press(r, ':');
    await press(r, 'ho');
    const completed = await press(r, TAB, (f) => f.includes(':host█'));
    expect(bottom(completed)).toBe(':host█ hosts host');
  });

  it('host names complete too, and Tab then Enter runs it', async () => {
    const r = await renderApp(hFleet());
    await press(r, ':');
    await press(r, 'host ');
    const names1 = await press(r, TAB, (f) => f.includes(':host h█'));
    expect(bottom(names1)).toBe(':host h█ h1 h2');
    await press(r, '2');
    const frame = await press(r, ENTER, (f) => f.includes('containers on h2'));
    expect(frameLines(frame)[0]).toBe('dockpit · containers on h2 (2)  test');
  });

  it(':host h2 Enter shows h2’s containers; Escape comes back', async () => {
    const r = await renderApp(hFleet());
    await press(r, ':');
    await press(r, 'host h2');
    const frame = await press(r, ENTER, (f) => f.includes('containers on h2'));
    expect(frameLines(frame)[0]).toBe('dockpit · containers on h2 (2)  test');
    expect(names(frame)).toEqual(['db-2', 'web-2']);
    expect(bottom(frame)).toBe('');
    const back = await press(r, ESCAPE, (f) => f.includes('hosts (2)'));
    expect(frameLines(back)[0]).toBe('dockpit · hosts (2)  test');
  });

  it(':line pay, :ps, :ip, :lines go where they say', async () => {
    const r = await renderApp(hFleet());
    await press(r, ':');
    await press(r, 'line pay');
    expect(frameLines(await press(r, ENTER, (f) => f.includes('line pay')))[0]).toBe('dockpit · line pay (2)  test');
    await press(r, ':');
    await press(r, 'ps');
    expect(frameLines(await press(r, ENTER, (f) => f.includes('containers (4)')))[0]).toBe('dockpit · containers (4)  test');
    await press(r, ':');
    await press(r, 'ip');
    expect(frameLines(await press(r, ENTER, (f) => f.includes('addresses')))[0]).toBe('dockpit · addresses (4)  test');
    await press(r, ':');
    await press(r, 'lines');
    const lines = await press(r, ENTER, (f) => f.includes('business lines'));
    expect(frameLines(lines)[0]).toBe('dockpit · business lines (2)  test');
    // A top-level screen replaced the stack: Escape stays.
    await press(r, ESCAPE);
    expect(frameLines(r.lastFrame())[0]).toBe('dockpit · business lines (2)  test');
  });

  it(':bogus Enter shows an error line, and the screen keeps working', async () => {
    const r = await renderApp(hFleet());
    await press(r, ':');
    await press(r, 'bogus');
    const err = await press(r, ENTER, (f) => f.includes('unknown command'));
    expect(bottom(err)).toMatch(/^unknown command ":bogus"/);
    expect(frameLines(err)[0]).toBe('dockpit · hosts (2)  test');
    // Keys still work, and the next one clears the error.
    const moved = await press(r, 'j', (f) => !f.includes('unknown command'));
    expect(bottom(moved)).toBe('');
    const opened = await press(r, ENTER, (f) => f.includes('containers on'));
    expect(frameLines(opened)[0]).toBe('dockpit · containers on h2 (2)  test');
  });

  it(':host without a name and :host with an unknown one say so', async () => {
    const r = await renderApp(hFleet());
    await press(r, ':');
    await press(r, 'host');
    expect(bottom(await press(r, ENTER, (f) => f.includes('needs')))).toBe(':host needs a host name');
    await press(r, ':');
    await press(r, 'host h9');
    expect(bottom(await press(r, ENTER, (f) => f.includes('no host')))).toBe('no host "h9"');
  });

  it(':help opens the help', async () => {
    const r = await renderApp(hFleet());
    await press(r, ':');
    await press(r, 'help');
    const help = await press(r, ENTER, (f) => f.includes('keys (any key closes)'));
    expect(frameLines(help)[1]).toBe('keys (any key closes)');
  });
});
