import { performance } from 'node:perf_hooks';
import type { IKeyValue } from 'etcd3';
import { DockpitError } from '../../engine/errors.js';
import { stableProjection } from '../inspect-projection.js';
import { inspectRecordSchema } from '../schemas.js';
import type { InspectRecord, InspectRecords } from '../types.js';
import type { EtcdConn } from './client.js';
import { RECORDS_DIR, recordHostDir, recordKey } from './keys.js';
import { absent, deleteOp, jsonOf, listSegments, modIs, putOp, rangeDir, sleep } from './kv.js';

// Inspect records on etcd: `records/<host>/<name>`, one JSON value each, with no lease (a record must
// outlive its container and its host's engine: that is what a migration off a dead engine recreates
// from). They hold the containers' env, secrets included: etcd's auth (a dockpit user whose role is
// limited to the prefix) is what protects them; nothing here logs a value.

// Docker's own rule for container names (and the config's for host names): never "", ".", ".." or a path.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const MAX_NAME = 200;
/** How long `save` retries when other writers keep changing the same record. */
const CONTENDED_MS = 10_000;

function safeName(kind: 'host' | 'container', name: string): string {
  if (!SAFE_NAME.test(name) || name.length > MAX_NAME) {
    throw new DockpitError('PARSE', `inspect record: ${kind} name ${JSON.stringify(name)} is not a safe name`);
  }
  return name;
}

export const recordKeyOf = (host: string, name: string): string => recordKey(safeName('host', host), safeName('container', name));

/** The record a value holds, or null when it is not one (hand-edited) or names another host/name. */
function recordOf(kv: IKeyValue | undefined, host: string, name: string): InspectRecord | null {
  if (!kv) return null;
  const parsed = inspectRecordSchema.safeParse(jsonOf(kv));
  if (!parsed.success || parsed.data.host !== host || parsed.data.name !== name) return null;
  return parsed.data as unknown as InspectRecord;
}

export function etcdRecords(conn: EtcdConn, now: () => Date): InspectRecords {
  const get = async (host: string, name: string): Promise<IKeyValue | undefined> => {
    const res = await conn.call('record read', (rpc, o) => rpc.kv.range({ key: conn.key(recordKeyOf(host, name)) }, o));
    return res.kvs[0];
  };
  return {
    async load(host, name) {
      return recordOf(await get(host, name), host, name);
    },
    async save(host, inspect) {
      const name = inspect.Name.replace(/^\//, '');
      const key = recordKeyOf(host, name);
      const until = performance.now() + CONTENDED_MS;
      // Compare-and-put: two savers (two jump hosts' cockpits) cannot both decide "changed" and write out
      // of order; the loser reads again.
      for (;;) {
        const kv = await get(host, name);
        const old = recordOf(kv, host, name);
        if (old && stableProjection(old.inspect) === stableProjection(inspect)) return false;
        const record: InspectRecord = { host, name, id: inspect.Id, seenAt: now().toISOString(), inspect };
        const res = await conn.call('record save', (rpc, o) =>
          rpc.kv.txn({ compare: [kv ? modIs(conn, key, kv.mod_revision) : absent(conn, key)], success: [putOp(conn, key, JSON.stringify(record))], failure: [] }, o),
        );
        if (res.succeeded) return true;
        if (performance.now() > until) throw new DockpitError('TIMEOUT', `inspect record ${conn.where}${key}: kept changing for ${CONTENDED_MS / 1000} s; not written`);
        await sleep(20 + Math.random() * 80);
      }
    },
    async list(host) {
      const dir = recordHostDir(safeName('host', host));
      const { kvs } = await rangeDir(conn, 'records list', dir);
      return kvs
        .map((kv) => {
          const name = conn.rel(kv.key).slice(dir.length);
          return SAFE_NAME.test(name) ? recordOf(kv, host, name) : null;
        })
        .filter((r): r is InspectRecord => r !== null)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async hosts() {
      return listSegments(conn, 'records hosts', RECORDS_DIR);
    },
    async remove(host, name) {
      const key = recordKeyOf(host, name);
      await conn.call('record remove', (rpc, o) => rpc.kv.txn({ compare: [], success: [deleteOp(conn, key)], failure: [] }, o));
    },
  };
}

/** Writes a record as given, its seenAt kept (`dockpit state copy`). */
export async function importRecord(conn: EtcdConn, record: InspectRecord): Promise<void> {
  const key = recordKeyOf(record.host, record.name);
  await conn.call('record import', (rpc, o) => rpc.kv.put({ key: conn.key(key), value: Buffer.from(JSON.stringify(record)) }, o));
}
