import { describe, expect, it } from 'vitest';
import { blastRadius, blastRadiusText, confirmKey, openConfirm } from '../../src/views/plan-confirm.js';
import { double11Preview } from '../views/fake-plans.js';

describe('confirmKey: the typed-name confirmation', () => {
  it('Enter confirms only on the exact name', () => {
    let s = openConfirm('apply', 'double11');
    for (const c of 'double11') s = confirmKey(s, { kind: 'char', text: c }).state;
    expect(s.text).toBe('double11');
    expect(confirmKey(s, { kind: 'submit' })).toEqual({ state: s, confirmed: true });
  });

  it('a prefix, a longer text, another case or surrounding spaces do nothing and say so', () => {
    for (const text of ['', 'double1', 'double111', 'Double11', ' double11', 'double11 ']) {
      const { state, confirmed } = confirmKey({ ...openConfirm('apply', 'double11'), text }, { kind: 'submit' });
      expect(confirmed, text).toBe(false);
      expect(state.message).toBe(`"${text}" is not "double11": nothing done (type the name exactly, Esc cancels)`);
      expect(state.text).toBe(text);
    }
  });

  it('typing again clears the message; backspace removes one character (a wide one whole)', () => {
    const wrong = confirmKey({ ...openConfirm('restore', '双十一', 'run-1'), text: '双十' }, { kind: 'submit' }).state;
    const typed = confirmKey(wrong, { kind: 'char', text: '一' }).state;
    expect(typed).toEqual({ purpose: 'restore', plan: '双十一', runId: 'run-1', text: '双十一', message: null });
    expect(confirmKey(typed, { kind: 'backspace' }).state.text).toBe('双十');
    expect(confirmKey(openConfirm('apply', 'p'), { kind: 'backspace' }).state.text).toBe('');
  });
});

describe('blastRadius', () => {
  it('counts distinct containers and hosts, and per line what goes down (most first)', () => {
    const b = blastRadius(double11Preview());
    expect(b).toEqual({ containers: 3, hosts: 2, lines: [{ line: 'shop', down: 2, running: 2 }] });
    expect(blastRadiusText(b)).toEqual(['changes 3 containers on 2 hosts', 'down: shop 2/2']);
  });

  it('a plan that only limits takes nothing down; singular words', () => {
    const p = double11Preview();
    const only = { ...p, actions: [p.actions[2]!], perLine: { pay: { running: 2, down: 0, cpuPercent: 3, memBytes: 0 } } };
    expect(blastRadiusText(blastRadius(only))).toEqual(['changes 1 container on 1 host', 'takes no container down']);
  });

  it('the same container twice (limit then stop) counts once', () => {
    const p = double11Preview();
    const twice = { ...p, actions: [p.actions[0]!, { ...p.actions[0]!, step: 1, action: 'limit' as const }] };
    expect(blastRadius(twice).containers).toBe(1);
  });
});
