// One hollow Docker host: its containers' state, the actions that change it, and the events those
// changes emit. Every event corresponds to a state change that `/containers/json` then shows, so a
// client that lost an event would end up with a store that differs from `truth()`.
import { eventBody, listEntry, statusText } from './shapes.mjs';

/** dockerd keeps only its last 256 events for `since` (engine-facts.md); so does a hollow one. */
const EVENT_BUFFER = 256;

export class HostError extends Error {
  constructor(statusCode, message) {
    super(message);
    this.statusCode = statusCode;
  }
}

/** Epoch seconds with sub-millisecond precision. */
export function nowSeconds() {
  return (performance.timeOrigin + performance.now()) / 1000;
}

export class HollowHost {
  constructor(name, containers) {
    this.name = name;
    this.byId = new Map(containers.map((c) => [c.id, c]));
    this.byName = new Map(containers.map((c) => [c.name, c]));
    /** Oldest first; the newest EVENT_BUFFER events. */
    this.recent = [];
    this.subscribers = new Set();
    this.lastNano = 0;
    this.emitted = 0;
    /** Bumped on every change: the serialized list is cached per (version, second). */
    this.version = 0;
    this.listCache = new Map();
  }

  /** By full ID, name, or unique ID prefix, as the engine resolves a container reference. */
  find(ref) {
    const c = this.byId.get(ref) ?? this.byName.get(ref.replace(/^\//, ''));
    if (c) return c;
    let found = null;
    for (const [id, candidate] of this.byId) {
      if (!id.startsWith(ref)) continue;
      if (found) throw new HostError(404, `No such container: ${ref}`); // ambiguous: dockerd says the same
      found = candidate;
    }
    if (!found) throw new HostError(404, `No such container: ${ref}`);
    return found;
  }

  counts() {
    let running = 0;
    let paused = 0;
    for (const c of this.byId.values()) {
      if (c.state === 'running') running++;
      else if (c.state === 'paused') paused++;
    }
    return { total: this.byId.size, running, paused };
  }

  /** `GET /containers/json`: newest first, as dockerd orders it; `limit` takes the newest N. */
  listJson({ all, limit }) {
    const now = Math.floor(nowSeconds());
    const key = `${all ? 'a' : 'r'}${limit ?? ''}`;
    const cached = this.listCache.get(key);
    if (cached && cached.version === this.version && cached.second === now) return cached.json;
    let list = [...this.byId.values()].filter((c) => all || c.state === 'running' || c.state === 'paused');
    list.sort((a, b) => b.created - a.created);
    if (limit !== undefined && limit > 0) list = list.slice(0, limit);
    const json = JSON.stringify(list.map((c) => listEntry(c, now)));
    this.listCache.set(key, { version: this.version, second: now, json });
    return json;
  }

  changed() {
    this.version++;
  }

  emit(c, action, extra = {}) {
    const nowNs = Math.round(nowSeconds() * 1e9);
    // Strictly increasing per host; 256 ns is the spacing of doubles at today's epoch in nanoseconds.
    const timeNano = Math.max(nowNs, this.lastNano + 256);
    this.lastNano = timeNano;
    const ev = eventBody(c, action, extra, timeNano);
    const line = `${JSON.stringify(ev)}\n`;
    const record = { ev, line };
    this.recent.push(record);
    if (this.recent.length > EVENT_BUFFER) this.recent.shift();
    this.emitted++;
    for (const s of this.subscribers) s.offer(record);
    return timeNano;
  }

  // The actions, with the engine's answers for each state (measured on dockerd 20.10: 304 for a no-op
  // start/stop, 409 for pausing what is not running).

  start(c) {
    if (c.state === 'running' || c.state === 'paused') return 304;
    const now = nowSeconds();
    c.state = 'running';
    c.startedAt = now;
    c.exitCode = 0;
    c.pid = 1000 + Math.floor(Math.random() * 30000);
    this.changed();
    this.emit(c, 'start');
    return 204;
  }

  stop(c, exitCode = 143) {
    if (c.state !== 'running' && c.state !== 'paused') return 304;
    this.emit(c, 'kill', { after: { signal: '15' } });
    this.die(c, exitCode);
    this.emit(c, 'stop');
    return 204;
  }

  kill(c, signal = '9') {
    if (c.state !== 'running' && c.state !== 'paused') throw new HostError(409, `Cannot kill container: ${c.id}: Container ${c.id} is not running`);
    this.emit(c, 'kill', { after: { signal } });
    this.die(c, 137);
    return 204;
  }

  /** The process ended (crashed, killed, OOM): what a restart storm is made of. */
  die(c, exitCode = 137) {
    c.state = 'exited';
    c.exitCode = exitCode;
    c.finishedAt = nowSeconds();
    c.pid = 0;
    this.changed();
    this.emit(c, 'die', { before: { exitCode: String(exitCode) } });
  }

  restart(c) {
    if (c.state === 'running' || c.state === 'paused') this.stop(c);
    this.start(c);
    c.restartCount++;
    this.emit(c, 'restart');
    return 204;
  }

  pause(c) {
    if (c.state === 'paused') throw new HostError(409, `Container ${c.id} is already paused`);
    if (c.state !== 'running') throw new HostError(409, `Container ${c.id} is not running`);
    c.state = 'paused';
    this.changed();
    this.emit(c, 'pause');
    return 204;
  }

  unpause(c) {
    // dockerd 20.10 answers this one with a 500, not a 409 (its error carries no conflict type).
    if (c.state !== 'paused') throw new HostError(500, `Container ${c.id} is not paused`);
    c.state = 'running';
    this.changed();
    this.emit(c, 'unpause');
    return 204;
  }

  update(c, body) {
    const hc = c.hostConfig;
    for (const k of ['CpuShares', 'Memory', 'NanoCpus']) if (typeof body[k] === 'number') hc[k] = body[k];
    if (body.RestartPolicy && typeof body.RestartPolicy.Name === 'string') {
      hc.RestartPolicy = { Name: body.RestartPolicy.Name, MaximumRetryCount: body.RestartPolicy.MaximumRetryCount ?? 0 };
    }
    this.changed();
    this.emit(c, 'update');
    return { Warnings: null };
  }

  rename(c, newName) {
    const name = newName.replace(/^\//, '');
    if (!name) throw new HostError(400, 'Neither old nor new names may be empty');
    if (this.byName.has(name) && this.byName.get(name) !== c) {
      throw new HostError(409, `Conflict. The container name "/${name}" is already in use by container "${this.byName.get(name).id}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    const old = c.name;
    this.byName.delete(old);
    c.name = name;
    this.byName.set(name, c);
    this.changed();
    return this.emit(c, 'rename', { after: { oldName: `/${old}` } });
  }

  /** What a client's store must equal once the events stop: every container's name and state. */
  truth() {
    const out = {};
    for (const c of this.byId.values()) out[c.id] = { name: c.name, state: c.state, status: statusText(c, Math.floor(nowSeconds())) };
    return out;
  }
}
