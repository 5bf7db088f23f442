import { describe, expect, it } from 'vitest';
import type { PlacementDecision } from '../../src/pool/place.js';
import { placeLines } from '../../src/render/place-lines.js';

// Issue 14: a placement's outcome in words, exactly as `dockpit run` printed it before the service moved
// out of the command (scripts and the cockpit's form read these lines).

const D: PlacementDecision = { name: 'news-9', line: 'news', tier: 1, host: 'h2', ip: '10.88.1.7', pool: 'lan', network: 'biz', labels: {}, reused: true, why: 'fewest news containers' };
const ID = 'abcdef0123456789'.padEnd(64, '0');
const OTHER = { host: 'h1', id: '9876543210ab'.padEnd(64, '0'), name: 'by-hand' };

describe('placeLines', () => {
  it('warnings come first, on stderr', () => {
    expect(placeLines({ kind: 'started', decision: D, id: ID, verifiedAt: 'T', warnings: ['10.88.1.7 could not be verified on h3 (down)'] })).toEqual({
      err: ['warning: 10.88.1.7 could not be verified on h3 (down)'],
      out: 'news-9 → h2 10.88.1.7 (pool lan, network biz, line news, tier 1, its reserved address): started abcdef012345\n  host: fewest news containers',
    });
  });

  it('a refusal and a ledger failure: one line each, nothing on stdout', () => {
    expect(placeLines({ kind: 'refused', code: 'BUSY', message: 'news-9 is being placed by ops@j1', warnings: [] })).toEqual({ err: ['dockpit: news-9 is being placed by ops@j1'], out: null });
    expect(placeLines({ kind: 'failed', stage: 'ledger', message: 'STATE: ledger locked', decision: null, id: null, warnings: [] }).err).toEqual(['dockpit: STATE: ledger locked']);
  });

  it('started but not audited names the container', () => {
    expect(placeLines({ kind: 'failed', stage: 'audit', message: 'EACCES', decision: D, id: ID, warnings: [] }).err).toEqual([
      'dockpit: news-9 was started on h2 (abcdef012345) but the audit log could not be written: EACCES',
    ]);
  });

  it.each([
    ['stopped', 'dockpit: h2/news-9 (abcdef012345) was stopped (--keep-on-conflict leaves it running); 10.88.1.7 stays reserved for news-9'],
    ['kept', 'dockpit: h2/news-9 (abcdef012345) was left running (--keep-on-conflict); 10.88.1.7 stays reserved for news-9'],
    ['stop failed', 'dockpit: h2/news-9 (abcdef012345) could not be stopped: stop it by hand; 10.88.1.7 stays reserved for news-9'],
  ] as const)('an address conflict, the new container %s', (container, second) => {
    expect(placeLines({ kind: 'conflict', decision: D, id: ID, others: [OTHER], container, warnings: [] })).toEqual({
      err: ['dockpit: 10.88.1.7 is held by two running containers: h2/news-9 (abcdef012345) (this run) and h1/by-hand (9876543210ab)', second],
      out: null,
    });
  });
});
