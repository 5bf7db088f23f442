import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLedgerPoller, type LedgerPoller } from '../../src/app/ledger-watch.js';
import type { DomainEvent } from '../../src/engine/types.js';
import type { StateStore } from '../../src/state/types.js';
import { fileStateAt } from '../support/file-state.js';
import { waitFor } from '../support/fleet.js';
import { LAN, pools, reservation } from './ip-fixtures.js';

// Issue 4: the cockpit reads the ledger every 2 s, and at once when the file is replaced.

let poller: LedgerPoller | null = null;
let state: StateStore | null = null;
afterEach(async () => {
  poller?.stop();
  poller = null;
  await state?.close();
  state = null;
});

function start(stateDir: string, intervalMs: number) {
  const events: DomainEvent[] = [];
  state = fileStateAt(stateDir);
  poller = startLedgerPoller({ state, pools: pools(LAN), emit: (e) => events.push(e), intervalMs });
  return events;
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-ledger-'));
const write = (dir: string, body: unknown) => {
  // As the ledger writes it: a new file renamed over the old one.
  fs.writeFileSync(path.join(dir, '.ledger.json.tmp'), JSON.stringify(body));
  fs.renameSync(path.join(dir, '.ledger.json.tmp'), path.join(dir, 'ledger.json'));
};

describe('the ledger poller', () => {
  it('says which pools first, then reads: no ledger yet is no reservations', async () => {
    const events = start(tmp(), 60_000);
    expect(events[0]).toEqual({ type: 'pools.configured', pools: pools(LAN) });
    await waitFor(() => events.length >= 2, 1000);
    expect(events[1]).toEqual({ type: 'ledger.read', reservations: [] });
  });

  it('a replaced ledger file is read at once, not at the next tick', async () => {
    const dir = tmp();
    const events = start(dir, 60_000);
    await waitFor(() => events.length >= 2, 1000);
    const r = reservation('web-1', 'lan', '10.88.1.10');
    write(dir, { version: 1, reservations: [r] });
    const { ms } = await waitFor(() => events.some((e) => e.type === 'ledger.read' && e.reservations.length === 1), 1000);
    console.log(`ledger change seen after ${ms.toFixed(0)} ms`);
    expect(events.at(-1)).toEqual({ type: 'ledger.read', reservations: [r] });
  });

  it('reads on its interval too (a state folder created later, or a watch that missed)', async () => {
    const dir = path.join(tmp(), 'later');
    const events = start(dir, 100);
    await waitFor(() => events.length >= 2, 1000);
    fs.mkdirSync(dir);
    write(dir, { version: 1, reservations: [reservation('a', 'lan', '10.88.1.20')] });
    await waitFor(() => events.some((e) => e.type === 'ledger.read' && e.reservations.length === 1), 1000);
  });

  it('an unreadable ledger is a ledger.failed with its code and the file, not an empty ledger', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'ledger.json'), '{ not json');
    const events = start(dir, 60_000);
    const { value } = await waitFor(() => events.find((e) => e.type === 'ledger.failed'), 1000);
    expect(value).toMatchObject({ type: 'ledger.failed' });
    expect((value as { error: string }).error).toMatch(new RegExp(`^PARSE: ledger ${path.join(dir, 'ledger.json')}: not JSON`));
    expect(events.some((e) => e.type === 'ledger.read')).toBe(false);
  });

  it('emits nothing after stop', async () => {
    const dir = tmp();
    const events = start(dir, 50);
    await waitFor(() => events.length >= 2, 1000);
    poller!.stop();
    const n = events.length;
    write(dir, { version: 1, reservations: [reservation('b', 'lan', '10.88.1.21')] });
    await new Promise((r) => setTimeout(r, 200));
    expect(events.length).toBe(n);
  });
});
