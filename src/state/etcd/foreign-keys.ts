import { ConfigError } from '../../config/config-error.js';
import type { EtcdConn } from './client.js';
import { AUDIT_DIR, CLAIMS_DIR, JOURNALS_DIR, LEADERS_DIR, LEDGER_DIR, LEDGER_GUARD, LOCKS_DIR, PLACING_DIR, prefixEnd, RECORDS_DIR } from './keys.js';
import { rangeResult } from './kv.js';

// A prefix that holds keys dockpit did not write is somebody else's (a typo in state.etcd.prefix, or
// another application's data): dockpit refuses to write there, as a config error (exit 2), rather than
// mix its state into it. Checked by ready(), before every change, in one round trip: a range of at most
// one key in each gap between dockpit's own key ranges.

/** dockpit's own ranges under the prefix, relative, sorted: [start, end). */
function ownRanges(): Array<[Buffer, Buffer]> {
  const dirs = [AUDIT_DIR, CLAIMS_DIR, JOURNALS_DIR, LEADERS_DIR, LEDGER_DIR, LOCKS_DIR, PLACING_DIR, RECORDS_DIR].map((d): [Buffer, Buffer] => [Buffer.from(d), prefixEnd(Buffer.from(d))]);
  const guard = Buffer.from(LEDGER_GUARD);
  const ranges: Array<[Buffer, Buffer]> = [...dirs, [guard, Buffer.concat([guard, Buffer.from([0])])]];
  return ranges.sort((a, b) => Buffer.compare(a[0], b[0]));
}

/** The ranges under the prefix that no key of dockpit's falls in, relative; `null` end: the prefix's end. */
export function foreignRanges(): Array<[Buffer, Buffer | null]> {
  const gaps: Array<[Buffer, Buffer | null]> = [];
  let from: Buffer = Buffer.alloc(0);
  for (const [start, end] of ownRanges()) {
    if (Buffer.compare(from, start) < 0) gaps.push([from, start]);
    if (Buffer.compare(end, from) > 0) from = end;
  }
  gaps.push([from, null]);
  return gaps;
}

/** Throws a ConfigError when the prefix holds a key dockpit did not write; also proves etcd answers. */
export async function checkNoForeignKeys(conn: EtcdConn): Promise<void> {
  const prefix = conn.key('');
  const gaps = foreignRanges();
  const res = await conn.call('read', (rpc, o) =>
    rpc.kv.txn(
      {
        compare: [],
        success: gaps.map(([start, end]) => ({
          request_range: { key: Buffer.concat([prefix, start]), range_end: end ? Buffer.concat([prefix, end]) : prefixEnd(prefix), limit: 1, keys_only: true },
        })),
        failure: [],
      },
      o,
    ),
  );
  const found = gaps.map((_, i) => rangeResult(res, i)[0]).find((kv) => kv !== undefined);
  if (found) {
    throw new ConfigError(
      `${conn.config.prefix} on ${conn.config.endpoints.join(',')} holds keys dockpit did not write (${found.key.toString()}): it is somebody else's; give dockpit a prefix of its own`,
      undefined,
      undefined,
      'state.etcd.prefix',
    );
  }
}
