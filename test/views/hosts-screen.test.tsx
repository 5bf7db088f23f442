import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { createFleetStore } from '../../src/store/fleet-store.js';
import { smallFleet } from './fleet-fixture.js';
import { frameLines, renderApp, rowCells } from './render-app.js';

afterEach(() => cleanup());

describe('hosts screen', () => {
  it('shows each host with transport, state, engine, latency, running/total and live-restore', async () => {
    const r = await renderApp(smallFleet());
    const frame = frameLines(r.lastFrame()).join('\n');
    expect(frameLines(frame)[0]).toBe('dockpit · hosts (3)  test');
    // At 100 columns the error keeps room before the traffic columns do (those that fit show '-' until the
    // first stats sample); the error is last.
    expect(rowCells(frame, 'HOST').slice(0, 7)).toEqual(['HOST', 'TRANSPORT', 'STATE', 'ENGINE', 'LATENCY', 'RUN/TOTAL', 'LIVE-RESTORE']);
    expect(rowCells(frame, 'HOST').at(-1)).toBe('ERROR');
    expect(rowCells(frame, 'alpha').slice(0, 7)).toEqual(['alpha', 'tcp', 'up', '20.10.24', '3.3ms', '2/3', 'on']);
    expect(rowCells(frame, 'bravo').slice(0, 7)).toEqual(['bravo', 'ssh', 'degraded', '24.0.7', '1250ms', '1/2', 'off']);
    expect(rowCells(frame, 'charlie').slice(0, 7)).toEqual(['charlie', 'tcp', 'down', '-', '-', '0/0', '-']);
    // The error's code and most of its message (the status line has it whole).
    expect(frameLines(frame).find((l) => l.startsWith('charlie '))).toMatch(/ REFUSED: connect ECON/);
  });

  it('lists hosts in store order, header first', async () => {
    const r = await renderApp(smallFleet());
    const lines = frameLines(r.lastFrame());
    expect(lines.slice(1, 5).map((l) => l.split(' ')[0])).toEqual(['HOST', 'alpha', 'bravo', 'charlie']);
  });

  it('the status line sums the fleet and shows the last error', async () => {
    const r = await renderApp(smallFleet());
    const last = frameLines(r.lastFrame()).at(-1)!;
    expect(last).toMatch(/^hosts 2\/3 up │ containers 3\/5 running │ charlie: REFUSED: connect/);
    // The whole error before the key help: at 100 columns there is room for one of them.
    expect(last).toContain('charlie: REFUSED: connect ECONNREFUSED 10.0.0.3:2375');
    expect(last).not.toContain('q quit');
  });

  it('an empty fleet says so', async () => {
    const r = await renderApp(createFleetStore());
    const lines = frameLines(r.lastFrame());
    expect(lines[0]).toBe('dockpit · hosts (0)  test');
    expect(lines[2]).toBe('no hosts configured');
    expect(lines.at(-1)).toMatch(/^hosts 0\/0 up │ containers 0\/0 running/);
  });
});
