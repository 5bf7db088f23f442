import type { ICompare, IKeyValue, IRequestOp, ITxnResponse } from 'etcd3';
import type { EtcdConn } from './client.js';
import { prefixEnd } from './keys.js';

// Small builders for etcd's raw requests, and ranges read in pages. Keys here are relative; `conn.key()`
// makes them whole.

/**
 * etcd refuses a transaction with more than 128 operations (--max-txn-ops, also per compare list): what
 * may be many (locks, imports, releases) is sent in chunks of at most this.
 */
export const MAX_TXN_OPS = 100;

export const chunks = <T>(items: readonly T[], size = MAX_TXN_OPS): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export function putOp(conn: EtcdConn, key: string, value: string, lease?: string): IRequestOp {
  return { request_put: { key: conn.key(key), value: Buffer.from(value), ...(lease !== undefined && { lease }) } };
}

export function deleteOp(conn: EtcdConn, key: string): IRequestOp {
  return { request_delete_range: { key: conn.key(key) } };
}

/** Deletes every key starting with `dir`. */
export function deleteDirOp(conn: EtcdConn, dir: string): IRequestOp {
  const start = conn.key(dir);
  return { request_delete_range: { key: start, range_end: prefixEnd(start) } };
}

export function getOp(conn: EtcdConn, key: string): IRequestOp {
  return { request_range: { key: conn.key(key) } };
}

/** Deletes `key` only while this lease holds it (nested transactions: etcd 3.3+). */
export function deleteIfLeaseOp(conn: EtcdConn, key: string, lease: string): IRequestOp {
  return { request_txn: { compare: [leaseIs(conn, key, lease)], success: [deleteOp(conn, key)], failure: [] } };
}

/** The key does not exist (a missing key's create revision compares as 0). */
export const absent = (conn: EtcdConn, key: string): ICompare => ({ key: conn.key(key), target: 'Create', result: 'Equal', create_revision: 0 });
/** The key was last written at `rev` (0: it does not exist). */
export const modIs = (conn: EtcdConn, key: string, rev: string): ICompare => ({ key: conn.key(key), target: 'Mod', result: 'Equal', mod_revision: rev });
export const leaseIs = (conn: EtcdConn, key: string, lease: string): ICompare => ({ key: conn.key(key), target: 'Lease', result: 'Equal', lease });
export const valueIs = (conn: EtcdConn, key: string, value: string): ICompare => ({ key: conn.key(key), target: 'Value', result: 'Equal', value: Buffer.from(value) });
/** No key starting with `dir` was written after revision `rev` (and none was added). */
export const dirUnchangedSince = (conn: EtcdConn, dir: string, rev: bigint): ICompare => {
  const start = conn.key(dir);
  return { key: start, range_end: prefixEnd(start), target: 'Mod', result: 'Less', mod_revision: (rev + 1n).toString() };
};

/** The key-values a transaction's `index`th operation (a range) read. */
export function rangeResult(res: ITxnResponse, index: number): IKeyValue[] {
  return res.responses[index]?.response_range?.kvs ?? [];
}

export interface RangeResult {
  kvs: IKeyValue[];
  /** The store's revision the whole range was read at. */
  revision: string;
}

const PAGE = 500;

/**
 * Every key starting with `dir` (relative), read in pages at one revision (a consistent snapshot), in key
 * order.
 */
export async function rangeDir(conn: EtcdConn, what: string, dir: string, opts: { keysOnly?: boolean; from?: string } = {}): Promise<RangeResult> {
  const start = conn.key(dir);
  const end = prefixEnd(start);
  let from = opts.from !== undefined ? conn.key(opts.from) : start;
  const kvs: IKeyValue[] = [];
  let revision: string | undefined;
  for (;;) {
    const page = await conn.call(what, (rpc, o) =>
      rpc.kv.range({ key: from, range_end: end, limit: PAGE, ...(revision !== undefined && { revision }), ...(opts.keysOnly && { keys_only: true }) }, o),
    );
    revision ??= page.header.revision;
    kvs.push(...page.kvs);
    if (!page.more || page.kvs.length === 0) return { kvs, revision };
    from = Buffer.concat([page.kvs[page.kvs.length - 1]!.key, Buffer.from([0])]);
  }
}

/**
 * The distinct first segments of the keys under `dir` (`dir/<segment>/…`), sorted: run ids of a journal,
 * hosts with records. Reads key names only, and skips over each segment's keys once it is seen.
 */
export async function listSegments(conn: EtcdConn, what: string, dir: string): Promise<string[]> {
  const end = prefixEnd(conn.key(dir));
  let from = conn.key(dir);
  let revision: string | undefined;
  const out: string[] = [];
  for (;;) {
    const page = await conn.call(what, (rpc, o) => rpc.kv.range({ key: from, range_end: end, limit: PAGE, keys_only: true, ...(revision !== undefined && { revision }) }, o));
    revision ??= page.header.revision;
    let last: string | null = null;
    for (const kv of page.kvs) {
      const seg = conn.rel(kv.key).slice(dir.length).split('/')[0]!;
      if (seg !== out[out.length - 1]) out.push(seg);
      last = seg;
    }
    if (!page.more || last === null) return out.sort();
    from = prefixEnd(conn.key(`${dir}${last}/`)); // past every key of the last segment seen
  }
}

/** Sorts by create revision (etcd's commit order), then key (one transaction writes several at one). */
export function byCreation(a: IKeyValue, b: IKeyValue): number {
  const ra = BigInt(a.create_revision);
  const rb = BigInt(b.create_revision);
  if (ra !== rb) return ra < rb ? -1 : 1;
  return Buffer.compare(a.key, b.key);
}

/** The JSON value of a key-value, or null when it is not JSON. */
export function jsonOf(kv: IKeyValue): unknown {
  try {
    return JSON.parse(kv.value.toString()) as unknown;
  } catch {
    return null;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
