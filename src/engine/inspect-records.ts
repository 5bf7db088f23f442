import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ContainerInspect } from './container-inspect.js';
import { readIfExists, syncDir, writeFileDurably } from './durable-file.js';
import { DockpitError } from './errors.js';

// Cross-host migration must work when the source host's engine is dead: dockpit then recreates the
// container elsewhere from the configuration it last recorded. This is that record, one durable JSON file
// per container: `<stateDir>/records/<host>/<name>.json`. Records outlive their containers on purpose.

export const RECORDS_DIR = 'records';

export interface InspectRecord {
  host: string;
  /** The container's name, without the engine's leading "/". */
  name: string;
  id: string;
  /** When this configuration was recorded (ISO); an unchanged one is not written again. */
  seenAt: string;
  /** The engine's `GET /containers/{id}/json` body, whole (ContainerInspect types the part dockpit reads). */
  inspect: ContainerInspect;
}

export interface InspectRecords {
  /** Records a container's inspect; resolves true when the file was written, false when it held the same. */
  save(host: string, inspect: ContainerInspect): Promise<boolean>;
  /** The record, or null when there is none or its file is unreadable as a record (torn, hand-edited). */
  load(host: string, name: string): Promise<InspectRecord | null>;
  /** Every readable record of a host, by name. */
  list(host: string): Promise<InspectRecord[]>;
  remove(host: string, name: string): Promise<void>;
}

// Docker's own rule for container names (and the config's for host names): never "", ".", ".." or a path.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Leaves room for ".json" and the temp file's prefix and suffix within a 255-byte file name. */
const MAX_NAME = 200;

function safeName(kind: 'host' | 'container', name: string): string {
  if (!SAFE_NAME.test(name) || name.length > MAX_NAME) {
    throw new DockpitError('PARSE', `inspect record: ${kind} name ${JSON.stringify(name)} is not a safe file name`);
  }
  return name;
}

// Loose: a record keeps every field of the engine's body, and of a later dockpit's record.
const recordSchema = z.looseObject({
  host: z.string(),
  name: z.string(),
  id: z.string(),
  seenAt: z.string(),
  inspect: z.looseObject({ Id: z.string(), Name: z.string() }),
});

/** JSON with object keys sorted: two bodies that differ only in key order compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The part of an inspect that says how to recreate the container. State timing, PIDs, restart counts,
 * health logs and the like change while nothing an operator configured did: they are left out, so a quiet
 * fleet writes nothing.
 */
export function stableProjection(inspect: ContainerInspect): string {
  const networks: Record<string, unknown> = {};
  for (const [name, n] of Object.entries(inspect.NetworkSettings?.Networks ?? {})) {
    networks[name] = { IPAMConfig: n.IPAMConfig ?? null, IPAddress: n.IPAddress ?? '', Aliases: n.Aliases ?? null };
  }
  return canonical({
    Id: inspect.Id,
    Name: inspect.Name,
    Image: inspect.Image,
    Config: inspect.Config,
    HostConfig: inspect.HostConfig,
    Mounts: inspect.Mounts ?? null,
    Networks: networks,
    Status: inspect.State?.Status ?? null,
  });
}

export function inspectRecords(stateDir: string, now: () => Date = () => new Date()): InspectRecords {
  const root = path.join(stateDir, RECORDS_DIR);
  const fileOf = (host: string, name: string) => path.join(root, safeName('host', host), `${safeName('container', name)}.json`);
  // One read-compare-write at a time per file in this process, so two saves cannot both decide "changed"
  // and write out of order (across processes the rename keeps each file whole; the last writer wins).
  const chains = new Map<string, Promise<unknown>>();
  const serial = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const next = (chains.get(key) ?? Promise.resolve()).then(work, work);
    const tail = next.catch(() => undefined);
    chains.set(key, tail);
    void tail.then(() => chains.get(key) === tail && chains.delete(key));
    return next;
  };

  const load = async (host: string, name: string): Promise<InspectRecord | null> => {
    const file = fileOf(host, name);
    const text = await readIfExists(file); // a missing file is null; EACCES, EIO … are thrown
    if (text === null) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return null; // torn or hand-edited: no record, and the next save replaces it
    }
    const parsed = recordSchema.safeParse(raw);
    if (!parsed.success || parsed.data.host !== host || parsed.data.name !== name) return null;
    return parsed.data as unknown as InspectRecord;
  };

  return {
    load,
    async save(host, inspect) {
      const name = inspect.Name.replace(/^\//, '');
      const file = fileOf(host, name);
      return serial(file, async () => {
        const old = await load(host, name);
        if (old && stableProjection(old.inspect) === stableProjection(inspect)) return false;
        const record: InspectRecord = { host, name, id: inspect.Id, seenAt: now().toISOString(), inspect };
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        await writeFileDurably(file, `${JSON.stringify(record, null, 2)}\n`);
        return true;
      });
    },
    async list(host) {
      let entries: string[];
      try {
        entries = await fs.promises.readdir(path.join(root, safeName('host', host)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      // Temp files of writeFileDurably start with "." and end in ".tmp": only whole records are listed.
      const names = entries.filter((e) => e.endsWith('.json') && SAFE_NAME.test(e)).map((e) => e.slice(0, -'.json'.length));
      const records = await Promise.all(names.filter((n) => n.length <= MAX_NAME).map((n) => load(host, n)));
      return records.filter((r): r is InspectRecord => r !== null).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async remove(host, name) {
      const file = fileOf(host, name);
      await serial(file, async () => {
        await fs.promises.rm(file, { force: true });
        await syncDir(path.dirname(file)).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err; // no folder: nothing was there to remove
        });
      });
    },
  };
}
