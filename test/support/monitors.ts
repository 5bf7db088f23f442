import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { FLEET_DIR } from './fleet.js';

// The fleet's monitoring services (test/fleet/fleet.sh starts them, issue 15): Alertmanager, Prometheus and a Zabbix
// server on PostgreSQL, all on 127.0.0.1 of the root namespace. What the alerting tests ask of them.

export interface ZabbixService {
  /** The trapper: 127.0.0.1:PORT */
  server: string;
  /** The same trapper on the fleet's LAN (LAN.1:PORT), for a dockpit run in a jump host. */
  serverLan: string;
  /** PostgreSQL listens on a unix socket only, in this directory. */
  pgSocketDir: string;
  pgPort: number;
  db: 'zabbix';
  /** A superuser, trusted on the socket: no password. */
  user: string;
  log: string;
}

export interface Monitors {
  /** http://127.0.0.1:PORT */
  alertmanager: string;
  /** The same Alertmanager on the fleet's LAN (http://LAN.1:PORT), for a dockpit run in a jump host. */
  alertmanagerLan: string;
  /** http://127.0.0.1:PORT */
  prometheus: string;
  /** The file_sd file of Prometheus' one job, `dockpit` (scrape interval 1 s): see setPromTargets. */
  promTargets: string;
  zabbix: ZabbixService;
}

/** The monitoring services of the test fleet, from its fleet.json. */
export function monitors(): Monitors {
  const file = path.join(FLEET_DIR, 'fleet.json');
  const fleet = JSON.parse(fs.readFileSync(file, 'utf8')) as { monitors?: Monitors };
  if (!fleet.monitors) throw new Error(`${file} has no "monitors": the fleet was started by an older fleet.sh; run it again`);
  return fleet.monitors;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 300)}`);
  return JSON.parse(body) as T;
}

/** Polls `probe` until it returns something other than undefined; on timeout throws with what it saw last. */
async function pollUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, last: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last seen: ${last()}`);
    await sleep(200);
  }
}

// --- Alertmanager (API v2) ---------------------------------------------------------

/** An alert as Alertmanager 0.25's GET /api/v2/alerts returns it. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** ISO times. An alert sent without endsAt gets now + resolve_timeout (5 m): active alerts end in the future. */
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  fingerprint: string;
  generatorURL?: string;
  receivers: Array<{ name: string }>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

export interface AmQuery {
  /** Alertmanager's own filters; each defaults to true there. */
  active?: boolean;
  silenced?: boolean;
  inhibited?: boolean;
  unprocessed?: boolean;
}

/**
 * GET /api/v2/alerts, narrowed to alerts carrying every label of `filter` (Alertmanager matchers, `name="value"`).
 * Resolved alerts (endsAt in the past) are not in this list at all: Alertmanager 0.25 leaves them out.
 */
export async function alertmanagerAlerts(filter: Record<string, string> = {}, query: AmQuery = {}): Promise<AmAlert[]> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) params.set(k, String(v));
  for (const [k, v] of Object.entries(filter)) params.append('filter', `${k}=${JSON.stringify(v)}`);
  const qs = params.toString();
  return getJson<AmAlert[]>(`${monitors().alertmanager}/api/v2/alerts${qs ? `?${qs}` : ''}`);
}

export interface WaitForAlertOptions {
  state: 'active' | 'resolved';
  timeoutMs: number;
}

const ended = (a: AmAlert, now: number) => Date.parse(a.endsAt) <= now;
const labelText = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;

/**
 * Waits until an alert carrying all of `labels` is active in Alertmanager (returns it), or until no such alert is
 * (resolved: gone from the list, or its endsAt has passed; returns null).
 */
export async function waitForAlert(labels: Record<string, string>, opts: { state: 'active'; timeoutMs: number }): Promise<AmAlert>;
export async function waitForAlert(labels: Record<string, string>, opts: { state: 'resolved'; timeoutMs: number }): Promise<null>;
export async function waitForAlert(labels: Record<string, string>, opts: WaitForAlertOptions): Promise<AmAlert | null>;
export async function waitForAlert(labels: Record<string, string>, opts: WaitForAlertOptions): Promise<AmAlert | null> {
  let seen: AmAlert[] = [];
  return pollUntil(
    `alert ${labelText(labels)} ${opts.state} in Alertmanager`,
    opts.timeoutMs,
    async () => {
      seen = await alertmanagerAlerts(labels);
      const now = Date.now();
      if (opts.state === 'active') return seen.find((a) => !ended(a, now) && a.status.state === 'active');
      return seen.every((a) => ended(a, now)) ? null : undefined;
    },
    () => JSON.stringify(seen.map((a) => ({ labels: a.labels, state: a.status.state, endsAt: a.endsAt }))),
  );
}

// --- Prometheus --------------------------------------------------------------------

/**
 * Points Prometheus' `dockpit` job at these host:port addresses (an empty list: at nothing). The file is replaced
 * whole, so Prometheus never reads half of it; it is re-read within a second.
 */
export function setPromTargets(addrs: string[]): void {
  const file = monitors().promTargets;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(addrs.length ? [{ targets: addrs, labels: {} }] : []));
  fs.renameSync(tmp, file);
}

interface PromResponse {
  status: 'success' | 'error';
  error?: string;
  data: { resultType: 'vector' | 'scalar' | 'matrix' | 'string'; result: unknown };
}

/**
 * An instant query that yields one number: a vector of one sample or a scalar; null if the vector is empty. A vector
 * of several series is an error (wrap the expression in sum() or narrow its labels).
 */
export async function promQuery(expr: string): Promise<number | null> {
  const url = `${monitors().prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`;
  const r = await getJson<PromResponse>(url);
  if (r.status !== 'success') throw new Error(`Prometheus query ${expr}: ${r.error ?? r.status}`);
  const { resultType, result } = r.data;
  if (resultType === 'scalar') return Number((result as [number, string])[1]);
  if (resultType !== 'vector') throw new Error(`Prometheus query ${expr}: a ${resultType}, not a vector or a scalar`);
  const samples = result as Array<{ metric: Record<string, string>; value: [number, string] }>;
  const [first] = samples;
  if (!first) return null;
  if (samples.length > 1) {
    throw new Error(`Prometheus query ${expr}: ${samples.length} series (${samples.map((s) => labelText(s.metric)).join(' ')}), expected one`);
  }
  return Number(first.value[1]);
}

/** Polls promQuery(expr) until `predicate` holds; returns that value. */
export async function waitForProm(expr: string, predicate: (v: number | null) => boolean, timeoutMs: number): Promise<number | null> {
  let last: number | null | undefined;
  const hit = await pollUntil(
    `Prometheus ${expr} as expected`,
    timeoutMs,
    async () => {
      last = await promQuery(expr);
      return predicate(last) ? { v: last } : undefined;
    },
    () => String(last),
  );
  return hit.v;
}

// --- Zabbix --------------------------------------------------------------------------

/** Runs SQL on the Zabbix database (psql, one transaction per statement unless the SQL says otherwise); returns stdout, trimmed. `vars` become psql variables (:'name' quotes one as a literal). */
export function psql(sql: string, vars: Record<string, string | number> = {}): Promise<string> {
  const z = monitors().zabbix;
  const args = ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', z.pgSocketDir, '-p', String(z.pgPort), '-U', z.user, '-d', z.db];
  for (const [k, v] of Object.entries(vars)) args.push('-v', `${k}=${v}`);
  return new Promise((resolve, reject) => {
    const child = execFile('/usr/lib/postgresql/15/bin/psql', args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`psql: ${stderr.trim() || err.message}\n${sql.slice(0, 500)}`));
      else resolve(stdout.trim());
    });
    child.stdin?.end(sql);
  });
}

/** Zabbix value types (items.value_type) and the history table each is stored in. */
export const ZABBIX_VALUE_TYPES = { float: 0, str: 1, log: 2, uint: 3, text: 4 } as const;
export type ZabbixValueType = keyof typeof ZABBIX_VALUE_TYPES;

export interface ZabbixItemSpec {
  key: string;
  /**
   * Default text: it takes any value. A float or uint item sent a non-number still counts as "processed" in the
   * trapper's reply; the value is dropped later and the item turns "not supported" (item_rtdata.state 1, error).
   */
  valueType?: ZabbixValueType;
}

export interface ZabbixSendResult {
  response: string;
  processed: number;
  failed: number;
  total: number;
  info: string;
}

/** Sends values to the Zabbix trapper the way zabbix_sender does (`ZBXD\x01`, 8-byte little-endian length, JSON). */
export async function zabbixSend(data: Array<{ host: string; key: string; value: string; clock?: number }>): Promise<ZabbixSendResult> {
  const [hostName, port] = monitors().zabbix.server.split(':');
  const body = Buffer.from(JSON.stringify({ request: 'sender data', data }));
  const header = Buffer.alloc(13);
  header.write('ZBXD\x01', 0, 'latin1');
  header.writeUInt32LE(body.length, 5); // the upper 4 bytes of the length stay 0
  const reply = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = net.connect({ host: hostName, port: Number(port) });
    sock.setTimeout(5_000, () => sock.destroy(new Error('Zabbix trapper: no reply within 5 s')));
    sock.on('connect', () => sock.end(Buffer.concat([header, body])));
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', reject);
    sock.on('close', () => resolve(Buffer.concat(chunks)));
  });
  if (reply.length < 13 || reply.toString('latin1', 0, 4) !== 'ZBXD') throw new Error(`Zabbix trapper: not a ZBXD reply: ${JSON.stringify(reply.toString('latin1', 0, 60))}`);
  const json = JSON.parse(reply.subarray(13, 13 + reply.readUInt32LE(5)).toString('utf8')) as { response: string; info?: string };
  const info = json.info ?? '';
  const num = (name: string) => Number(new RegExp(`${name}: (\\d+)`).exec(info)?.[1] ?? NaN);
  return { response: json.response, info, processed: num('processed'), failed: num('failed'), total: num('total') };
}

const PROBE_HOST = 'dockpit-fleet-probe';
const TEST_GROUP = 'dockpit tests';

/**
 * Creates Zabbix host `host` (if missing) with trapper items (type 2) for these keys (those missing), by SQL: there is
 * no frontend, so no API. Ids are max(id)+1 under an advisory lock. Returns once the server's configuration cache
 * has them: in the same transaction it adds a new item to a probe host, and sends it a value until the trapper
 * accepts it (the cache is re-read every second, CacheUpdateFrequency=1; a whole transaction is seen at once).
 */
export async function zabbixEnsureHost(host: string, itemKeys: Array<string | ZabbixItemSpec>, timeoutMs = 15_000): Promise<void> {
  const items = itemKeys.map((k) => (typeof k === 'string' ? { key: k, valueType: 'text' as const } : { key: k.key, valueType: k.valueType ?? 'text' }));
  const probeKey = `probe[${Date.now()}.${process.pid}.${Math.floor(Math.random() * 1e6)}]`;
  const ensureHost = (varName: string) => `
    INSERT INTO hosts (hostid, host, name, status)
      SELECT (SELECT COALESCE(MAX(hostid), 0) + 1 FROM hosts), :'${varName}', :'${varName}', 0
      WHERE NOT EXISTS (SELECT 1 FROM hosts WHERE host = :'${varName}');
    INSERT INTO hosts_groups (hostgroupid, hostid, groupid)
      SELECT (SELECT COALESCE(MAX(hostgroupid), 0) + 1 FROM hosts_groups), h.hostid, g.groupid
      FROM hosts h, hstgrp g WHERE h.host = :'${varName}' AND g.name = :'grp'
      AND NOT EXISTS (SELECT 1 FROM hosts_groups x WHERE x.hostid = h.hostid);`;
  const ensureItem = (hostVar: string, keyVar: string, valueType: number) => `
    INSERT INTO items (itemid, type, hostid, name, key_, value_type, delay, history, trends, status)
      SELECT (SELECT COALESCE(MAX(itemid), 0) + 1 FROM items), 2, h.hostid, :'${keyVar}', :'${keyVar}', ${valueType}, '0', '90d',
        ${valueType === 0 || valueType === 3 ? "'365d'" : "'0'"}, 0
      FROM hosts h WHERE h.host = :'${hostVar}'
      AND NOT EXISTS (SELECT 1 FROM items i WHERE i.hostid = h.hostid AND i.key_ = :'${keyVar}');`;
  const vars: Record<string, string> = { host, probe: PROBE_HOST, probekey: probeKey, grp: TEST_GROUP };
  items.forEach((it, i) => (vars[`k${i}`] = it.key));
  const sql = `
    BEGIN;
    SELECT pg_advisory_xact_lock(15015);
    INSERT INTO hstgrp (groupid, name, internal, flags, uuid)
      SELECT (SELECT COALESCE(MAX(groupid), 0) + 1 FROM hstgrp), :'grp', 0, 0, md5(:'grp')
      WHERE NOT EXISTS (SELECT 1 FROM hstgrp WHERE name = :'grp');
    ${ensureHost('host')}
    ${ensureHost('probe')}
    ${items.map((it, i) => ensureItem('host', `k${i}`, ZABBIX_VALUE_TYPES[it.valueType])).join('\n')}
    ${ensureItem('probe', 'probekey', ZABBIX_VALUE_TYPES.text)}
    -- The configuration syncer reads items joined with their runtime row.
    INSERT INTO item_rtdata (itemid) SELECT itemid FROM items i WHERE NOT EXISTS (SELECT 1 FROM item_rtdata r WHERE r.itemid = i.itemid);
    -- So that ids the server hands out itself never collide with ours.
    UPDATE ids SET nextid = GREATEST(nextid, (SELECT MAX(hostid) FROM hosts)) WHERE table_name = 'hosts' AND field_name = 'hostid';
    UPDATE ids SET nextid = GREATEST(nextid, (SELECT MAX(itemid) FROM items)) WHERE table_name = 'items' AND field_name = 'itemid';
    COMMIT;`;
  await psql(sql, vars);
  let last: ZabbixSendResult | undefined;
  await pollUntil(
    `Zabbix server sees host ${host} (its configuration cache)`,
    timeoutMs,
    async () => {
      last = await zabbixSend([{ host: PROBE_HOST, key: probeKey, value: 'ready' }]);
      return last.processed === 1 ? true : undefined;
    },
    () => JSON.stringify(last),
  );
}

export interface ZabbixHistoryRow {
  /** Unix seconds, as sent (or as received when the sender gave no clock). */
  clock: number;
  /** Not always 0 for a clock sent without ns: values of one batch with the same clock get 0, 1, 2... */
  ns: number;
  value: string;
}

/** The values item `key` of Zabbix host `host` has stored, oldest first, from every history table (whatever its type). */
export async function zabbixHistory(host: string, key: string, opts: { sinceSec?: number } = {}): Promise<ZabbixHistoryRow[]> {
  const part = (table: string) =>
    `SELECT v.clock, v.ns, v.value::text AS value FROM ${table} v JOIN items i ON i.itemid = v.itemid JOIN hosts h ON h.hostid = i.hostid
     WHERE h.host = :'host' AND i.key_ = :'key' AND v.clock >= :since`;
  const sql = `SELECT COALESCE(json_agg(json_build_object('clock', clock, 'ns', ns, 'value', value) ORDER BY clock, ns), '[]')
    FROM (${['history', 'history_uint', 'history_str', 'history_text', 'history_log'].map(part).join(' UNION ALL ')}) x;`;
  return JSON.parse(await psql(sql, { host, key, since: Math.floor(opts.sinceSec ?? 0) })) as ZabbixHistoryRow[];
}

/** Polls zabbixHistory until `predicate` holds (the history syncer writes about once a second); returns those rows. */
export async function waitForZabbixHistory(
  host: string,
  key: string,
  predicate: (rows: ZabbixHistoryRow[]) => boolean,
  opts: { sinceSec?: number; timeoutMs: number },
): Promise<ZabbixHistoryRow[]> {
  let rows: ZabbixHistoryRow[] = [];
  return pollUntil(
    `Zabbix history of ${host} ${key} as expected`,
    opts.timeoutMs,
    async () => {
      rows = await zabbixHistory(host, key, opts);
      return predicate(rows) ? rows : undefined;
    },
    () => JSON.stringify(rows.slice(-5)),
  );
}
