import type { AlertSink } from '../types.js';
import { alertValues } from './zabbix-items.js';
import { sendZabbix, type ZabbixValue } from './zabbix-protocol.js';
import { createSendQueue } from './send-queue.js';

// Issue 15, item 3: Zabbix through the trapper protocol. The item keys are listed in zabbix-items.ts (and the
// README); the watch sends the host and line values (zabbixValues) every interval through sendValues, and the
// alert transitions arrive through send(). Values the server refuses (an item not created, a wrong host) are
// counted failed and not retried: retrying would not create the item.

export { zabbixItems, zabbixValues, itemKey, alertLine, ZABBIX_VALUE_TYPE, type ZabbixItem, type ZabbixValueType } from './zabbix-items.js';
export type { ZabbixValue } from './zabbix-protocol.js';

export interface ZabbixSinkOptions {
  /** The Zabbix server's trapper, `host:port` (port 10051 when left out). */
  server: string;
  /** The Zabbix host (technical name) that holds dockpit's items. */
  host: string;
  /** Deadline of one request (default 5 s). */
  timeoutMs?: number;
  /** Most values waiting while the server is away (default 10,000); the oldest are dropped beyond it. */
  queue?: number;
  now?: () => number;
}

export type ZabbixSink = AlertSink & {
  /** Queues item values (zabbixValues' output) to send; returns at once. */
  sendValues(values: readonly ZabbixValue[]): void;
};

export function createZabbixSink(opts: ZabbixSinkOptions): ZabbixSink {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const now = opts.now ?? Date.now;
  const firing = new Set<string>();
  // Zabbix's history key is (item, clock, ns): a second value of an item with the same clock and ns is
  // dropped as a duplicate ("skipped 1 duplicates", measured on 6.0), e.g. the periodic dockpit.alerts.firing
  // and the one after a transition in the same millisecond. Each value gets its own sub-millisecond ns.
  let seq = 0;
  const stamp = (values: readonly ZabbixValue[]): ZabbixValue[] =>
    values.map((v) => {
      const ns = v.ns ?? 0;
      seq = (seq + 1) % 1_000_000;
      return { ...v, ns: ns - (ns % 1_000_000) + seq };
    });
  let refusedInfo: string | null = null;
  const queue = createSendQueue<ZabbixValue>({
    bound: opts.queue ?? 10_000,
    // zabbix_sender's own batch size.
    maxBatch: 250,
    retries: Infinity,
    retryBaseMs: 500,
    retryCapMs: 30_000,
    deliver: async (batch) => {
      const answer = await sendZabbix(opts.server, batch, timeoutMs);
      refusedInfo = answer.failed > 0 ? `ZABBIX_FAILED: ${answer.info}` : null;
      return answer.failed;
    },
  });
  return {
    name: 'zabbix',
    send(transitions) {
      if (transitions.length === 0) return;
      for (const t of transitions) {
        if (t.kind === 'resolved') firing.delete(t.alert.key);
        else firing.add(t.alert.key);
      }
      queue.push(stamp(alertValues(transitions, firing.size, opts.host, now())));
    },
    sendValues(values) {
      if (values.length > 0) queue.push(stamp(values));
    },
    close: (ms) => queue.close(ms),
    stats: () => {
      const s = queue.stats();
      return s.lastError === null && refusedInfo !== null ? { ...s, lastError: refusedInfo } : s;
    },
  };
}
