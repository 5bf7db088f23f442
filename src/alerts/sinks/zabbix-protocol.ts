import net from 'node:net';
import zlib from 'node:zlib';
import { parseHostPort } from '../host-port.js';

// The Zabbix trapper protocol, what `zabbix_sender` speaks (Zabbix 6.0): a `ZBXD` header, a flags byte, the
// body's length as 8 little-endian bytes (4 of length and 4 reserved with flags 0x01; 8 + 8 with the
// "large packet" flag 0x04), then JSON. One request per connection; the server answers in the same framing.

export interface ZabbixValue {
  /** The Zabbix host (its technical name) the item belongs to. */
  host: string;
  key: string;
  value: string | number;
  /** Epoch seconds. */
  clock: number;
  /** Nanoseconds within that second: orders values sent in the same second. */
  ns?: number;
}

export interface ZabbixAnswer {
  response: string;
  info: string;
  processed: number;
  failed: number;
  total: number;
}

const MAGIC = Buffer.from('ZBXD', 'latin1');
const FLAG_PROTOCOL = 0x01;
const FLAG_COMPRESSED = 0x02;
const FLAG_LARGE = 0x04;

export class ZabbixProtocolError extends Error {
  readonly code = 'ZABBIX_PROTOCOL';
  constructor(message: string) {
    super(message);
    this.name = 'ZabbixProtocolError';
  }
}

/** One request, framed. */
export function frameZabbix(body: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(body), 'utf8');
  const header = Buffer.alloc(13);
  MAGIC.copy(header, 0);
  header[4] = FLAG_PROTOCOL;
  header.writeBigUInt64LE(BigInt(json.length), 5);
  return Buffer.concat([header, json]);
}

/** The body of a "sender data" request. */
export function senderData(values: readonly ZabbixValue[]): { request: 'sender data'; data: ZabbixValue[] } {
  return { request: 'sender data', data: values.map((v) => ({ ...v, value: String(v.value) })) };
}

/**
 * Reads one framed message from the start of `buf`: the body and the bytes it used, or null while more bytes
 * are needed. Throws on anything that is not the protocol (a wrong port answers garbage, say so).
 */
export function unframeZabbix(buf: Buffer): { body: string; used: number } | null {
  if (buf.length < 5) return null;
  if (!buf.subarray(0, 4).equals(MAGIC)) throw new ZabbixProtocolError(`not a Zabbix answer (starts with ${JSON.stringify(buf.subarray(0, 8).toString('latin1'))})`);
  const flags = buf[4]!;
  const large = (flags & FLAG_LARGE) !== 0;
  const headerLen = large ? 21 : 13;
  if (buf.length < headerLen) return null;
  const len = large ? Number(buf.readBigUInt64LE(5)) : buf.readUInt32LE(5);
  if (buf.length < headerLen + len) return null;
  let body = buf.subarray(headerLen, headerLen + len);
  if (flags & FLAG_COMPRESSED) body = zlib.inflateSync(body);
  return { body: body.toString('utf8'), used: headerLen + len };
}

/** The server's answer: `{"response":"success","info":"processed: 3; failed: 1; total: 4; seconds spent: 0.000055"}`. */
export function parseZabbixAnswer(body: string): ZabbixAnswer {
  let parsed: { response?: unknown; info?: unknown };
  try {
    parsed = JSON.parse(body) as { response?: unknown; info?: unknown };
  } catch {
    throw new ZabbixProtocolError(`the Zabbix answer is not JSON: ${body.slice(0, 200)}`);
  }
  const response = typeof parsed.response === 'string' ? parsed.response : '';
  const info = typeof parsed.info === 'string' ? parsed.info : '';
  const num = (name: string): number => {
    const m = new RegExp(`${name}:\\s*(\\d+)`).exec(info);
    return m ? Number(m[1]) : 0;
  };
  if (response !== 'success') throw new ZabbixProtocolError(`the Zabbix server refused the request: ${response || '(no response)'}${info ? ` (${info})` : ''}`);
  if (!/processed:\s*\d+/.test(info)) throw new ZabbixProtocolError(`the Zabbix answer says no "processed: N": ${info || body.slice(0, 200)}`);
  return { response, info, processed: num('processed'), failed: num('failed'), total: num('total') };
}

/** Sends values in one request and resolves to the server's answer; rejects on a transport error or after `timeoutMs`. */
export function sendZabbix(server: string, values: readonly ZabbixValue[], timeoutMs: number): Promise<ZabbixAnswer> {
  const { host, port } = parseHostPort(server, 10051);
  return new Promise<ZabbixAnswer>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let settled = false;
    const socket = net.connect({ host, port });
    const finish = (err: Error | null, answer?: ZabbixAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(answer!);
    };
    const timer = setTimeout(() => finish(Object.assign(new Error(`no answer from Zabbix at ${server} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    socket.on('connect', () => socket.write(frameZabbix(senderData(values))));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const msg = unframeZabbix(buf);
        if (msg) finish(null, parseZabbixAnswer(msg.body));
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('error', (err) => finish(err));
    socket.on('end', () => finish(new ZabbixProtocolError(`Zabbix at ${server} closed the connection before a whole answer (${buf.length} bytes)`)));
  });
}
