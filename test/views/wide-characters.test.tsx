import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { applyEvents } from '../../src/store/apply-event.js';
import { createFleetStore } from '../../src/store/fleet-store.js';
import { initialFleetState } from '../../src/store/state.js';
import type { Route } from '../../src/views/routes.js';
import { container, hostUp, listed } from '../unit/fixtures.js';
import { frameLines, renderApp } from './render-app.js';

afterEach(() => cleanup());

// Labels are free text: a business line may be written in any script, and CJK characters take two columns.
function cjkFleet() {
  return createFleetStore(
    applyEvents(initialFleetState(), [
      hostUp('h1'),
      listed('h1', [
        container('h1', 'a', 'pay-api', { bizline: '支付线华东生产', tier: 1, ips: { biz: '10.88.1.10' } }),
        container('h1', 'b', 'shop-web', { bizline: 'shop', tier: 2, ips: { biz: '10.88.1.20' } }),
      ]),
    ]),
  );
}

/** The display column where `text` starts in `line`. */
const columnOf = (line: string, text: string) => {
  const i = line.indexOf(text);
  if (i < 0) throw new Error(`"${text}" not in: ${line}`);
  return stringWidth(line.slice(0, i));
};

describe('wide characters', () => {
  it('a CJK business line keeps every screen within 80 columns', async () => {
    for (const route of [{ kind: 'lines' }, { kind: 'containers' }, { kind: 'ips' }] as Route[]) {
      const r = await renderApp(cjkFleet(), { columns: 80, rows: 24 }, { initialRoute: route });
      for (const line of frameLines(r.lastFrame())) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
      r.unmount();
    }
  });

  // BUG (reported): `fit` pads and cuts by string length, not display width, so a cell with CJK text is
  // wider on screen than its column and every cell after it on that row shifts right of its header.
  it('cells after a CJK cell stay under their headers', async () => {
    const r = await renderApp(cjkFleet(), { columns: 200, rows: 30 }, { initialRoute: { kind: 'containers' } });
    const lines = frameLines(r.lastFrame());
    const header = lines[1]!;
    const cjk = lines.find((l) => l.includes('pay-api'))!;
    const plain = lines.find((l) => l.includes('shop-web'))!;
    expect(columnOf(plain, 'running')).toBe(columnOf(header, 'STATE'));
    expect(columnOf(cjk, 'running')).toBe(columnOf(header, 'STATE'));
    expect(columnOf(cjk, '10.88.1.10')).toBe(columnOf(header, 'IPS'));
  });
});
