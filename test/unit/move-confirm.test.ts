import { describe, expect, it } from 'vitest';
import { moveConfirmKey, openMoveConfirm, type MoveConfirm } from '../../src/views/move-confirm.js';
import { wrapLines } from '../../src/views/wrap-lines.js';
import { evacuationOf, planOf } from '../views/fake-migrate.js';

// Issue 6: the typed confirmation of a move (pure), and the folding of long reasons onto the next rows.

function typed(c: MoveConfirm, text: string): { state: MoveConfirm; confirmed: boolean } {
  let s = c;
  for (const ch of text) s = moveConfirmKey(s, { kind: 'char', text: ch }).state;
  return moveConfirmKey(s, { kind: 'submit' });
}

describe('the typed confirmation of a move', () => {
  it('a live source: the container’s name, exactly', () => {
    const c = openMoveConfirm({ kind: 'migrate', plan: planOf('h2', { leaveData: true, fenced: false }) }, true);
    expect(c.stages.map((s) => s.expect)).toEqual(['shop-api']);
    expect(c.choices).toEqual({ leaveData: true, fenced: false });
    const wrong = typed(c, 'shop-ap');
    expect(wrong.confirmed).toBe(false);
    expect(wrong.state.message).toBe('"shop-ap" is not "shop-api": nothing done (type it exactly, Esc cancels)');
    expect(typed(c, 'shop-api').confirmed).toBe(true);
    expect(typed(c, 'SHOP-API').confirmed).toBe(false);
  });

  it('a recorded source: the host’s name first ("I confirm it is fenced"), then the container’s; fenced is set', () => {
    const plan = { ...planOf('h2', { leaveData: true, fenced: true }), sourceMode: 'recorded' as const };
    const c = openMoveConfirm({ kind: 'migrate', plan }, true);
    expect(c.stages).toEqual([
      { expect: 'h1', means: 'h1 is unreachable: I confirm h1 is fenced (powered off or cut from the LAN)' },
      { expect: 'shop-api', means: 'move shop-api h1 → h2' },
    ]);
    expect(c.choices.fenced).toBe(true);
    expect(typed(c, 'shop-api')).toMatchObject({ confirmed: false, state: { stage: 0 } });
    const fenced = typed(c, 'h1');
    expect(fenced).toMatchObject({ confirmed: false, state: { stage: 1, text: '' } });
    expect(typed(fenced.state, 'shop-api').confirmed).toBe(true);
  });

  it('an evacuation: the host’s name; of a down host, the same word states the fencing', () => {
    const plan = evacuationOf({ leaveData: true, fenced: false });
    expect(openMoveConfirm({ kind: 'evacuate', plan, sourceState: 'up' }, true).stages).toEqual([{ expect: 'h1', means: 'evacuate h1' }]);
    const down = { ...plan, moves: plan.moves.map((m) => ({ ...m, sourceMode: 'recorded' as const })) };
    const c = openMoveConfirm({ kind: 'evacuate', plan: down, sourceState: 'down' }, false);
    expect(c.stages).toEqual([{ expect: 'h1', means: 'h1 is down: I confirm h1 is fenced (powered off or cut from the LAN), and evacuate it' }]);
    expect(c.choices).toEqual({ leaveData: false, fenced: true });
  });

  it('backspace removes one character (not one UTF-16 unit)', () => {
    const c = openMoveConfirm({ kind: 'migrate', plan: planOf('h2', { leaveData: true, fenced: false }) }, true);
    const s = moveConfirmKey(moveConfirmKey(c, { kind: 'char', text: 'a😀' }).state, { kind: 'backspace' }).state;
    expect(s.text).toBe('a');
  });
});

describe('wrapLines', () => {
  it('keeps short lines, folds long ones at a space, indented past their own indent', () => {
    const out = wrapLines([{ text: 'short' }, { text: '  BLOCKED: the quick brown fox jumps over the lazy dog', color: 'red' }], 24);
    expect(out).toEqual([
      { text: 'short' },
      { text: '  BLOCKED: the quick', color: 'red' },
      { text: '      brown fox jumps', color: 'red' },
      { text: '      over the lazy dog', color: 'red' },
    ]);
  });

  it('cuts a word longer than the line; every piece fits', () => {
    const out = wrapLines([{ text: `host-${'x'.repeat(100)}` }], 30);
    for (const l of out) expect(l.text.length).toBeLessThanOrEqual(30);
    expect(out.map((l) => l.text.trim()).join('')).toBe(`host-${'x'.repeat(100)}`);
  });
});
