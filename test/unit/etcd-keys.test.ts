import { describe, expect, it } from 'vitest';
import { lastErrorOf } from '../../src/state/etcd/client.js';
import { foreignRanges } from '../../src/state/etcd/foreign-keys.js';
import { changeOf, claimKey, distinctChanges, journalRunDir, ledgerKey, lockKey, prefixEnd, recordKey } from '../../src/state/etcd/keys.js';
import { byCreation } from '../../src/state/etcd/kv.js';

// The etcd backend's pure parts: the key layout, what a changed key means to a watcher, range ends, and
// the cause an operator is shown when gRPC cannot connect.

describe('etcd key layout', () => {
  it('keeps names from outside inside their segment', () => {
    expect(ledgerKey('biz', 'web-1')).toBe('ledger/biz/web-1');
    expect(ledgerKey('a/b', '../x')).toBe('ledger/a%2Fb/..%2Fx');
    expect(lockKey('abc123')).toBe('locks/abc123');
    expect(claimKey('20240101T000000Z-abcdef')).toBe('claims/20240101T000000Z-abcdef');
    expect(journalRunDir('runs', '20240101T000000Z-abcdef')).toBe('journals/runs/20240101T000000Z-abcdef/');
    expect(recordKey('h1', 'web')).toBe('records/h1/web');
  });

  it('ends a prefix range just past every key that starts with it', () => {
    expect(prefixEnd(Buffer.from('/dockpit/')).toString()).toBe('/dockpit0');
    expect([...prefixEnd(Buffer.from([0x61, 0xff, 0xff]))]).toEqual([0x62]);
    expect([...prefixEnd(Buffer.from([0xff]))]).toEqual([0]); // everything
  });
});

describe("what is not dockpit's under its prefix", () => {
  it('is every gap between its own ranges', () => {
    const gaps = foreignRanges().map(([a, b]) => [a.toString(), b === null ? null : b.toString()]);
    expect(gaps).toEqual([
      ['', 'audit/'],
      ['audit0', 'claims/'],
      ['claims0', 'journals/'],
      ['journals0', 'leaders/'],
      ['leaders0', 'ledger.rev'],
      ['ledger.rev\0', 'ledger/'],
      ['ledger0', 'locks/'],
      ['locks0', 'placing/'],
      ['placing0', 'records/'],
      ['records0', null],
    ]);
  });
});

describe('what a changed key tells a watcher', () => {
  it('maps keys to changes', () => {
    expect(changeOf('ledger/biz/web')).toEqual({ kind: 'ledger' });
    expect(changeOf('ledger.rev')).toEqual({ kind: 'ledger' });
    expect(changeOf('locks/abc')).toEqual({ kind: 'locks' });
    expect(changeOf('placing/web')).toEqual({ kind: 'locks' });
    expect(changeOf('claims/r1')).toEqual({ kind: 'locks' });
    expect(changeOf('journals/runs/r1/0000000000001-aa-00000001')).toEqual({ kind: 'journal', journal: 'runs', runId: 'r1' });
    expect(changeOf('journals/migrations/m1/x')).toEqual({ kind: 'journal', journal: 'migrations', runId: 'm1' });
  });

  it('ignores what no watcher follows, and what is not ours', () => {
    expect(changeOf('audit/2024-01-01T00:00:00.000Z-abc')).toBeNull();
    expect(changeOf('records/h1/web')).toBeNull();
    expect(changeOf('journals/other/r1/x')).toBeNull();
    expect(changeOf('journals/runs/r1')).toBeNull();
    expect(changeOf('ledgers')).toBeNull();
  });

  it('reports one change per kind (and per run) of a batch, in first-seen order', () => {
    expect(distinctChanges(['ledger/a/x', 'ledger/a/y', 'ledger.rev', 'audit/x', 'locks/1', 'journals/runs/r1/a', 'journals/runs/r1/b', 'journals/runs/r2/a', 'claims/r1'])).toEqual([
      { kind: 'ledger' },
      { kind: 'locks' },
      { kind: 'journal', journal: 'runs', runId: 'r1' },
      { kind: 'journal', journal: 'runs', runId: 'r2' },
    ]);
  });
});

describe('record order', () => {
  it('is commit order (create revision as a number), then key within one transaction', () => {
    const kv = (key: string, rev: string) => ({ key: Buffer.from(key), create_revision: rev, mod_revision: rev, version: '1', value: Buffer.from(''), lease: '0' });
    const sorted = [kv('b', '10'), kv('a', '9'), kv('c', '10'), kv('z', '100')].sort(byCreation);
    expect(sorted.map((x) => x.key.toString())).toEqual(['a', 'b', 'c', 'z']);
  });
});

describe("gRPC's cause", () => {
  it('is the last error grpc-js names', () => {
    expect(lastErrorOf('14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ')).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(lastErrorOf('14 UNAVAILABLE: No connection established. Last error: Error: unable to verify the first certificate. Resolution note: ')).toBe('unable to verify the first certificate');
    expect(lastErrorOf('14 UNAVAILABLE: No connection established. Last error: null. Resolution note: ')).toBe('null');
    expect(lastErrorOf("14 UNAVAILABLE: No connection established. Last error: Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames. Resolution note: ")).toBe("Hostname/IP does not match certificate's altnames");
    expect(lastErrorOf('14 UNAVAILABLE: read ECONNRESET')).toBe('read ECONNRESET');
  });
});
