import fs from 'node:fs';
import path from 'node:path';
import { DockpitError } from '../../engine/errors.js';
import { stableProjection } from '../inspect-projection.js';
import { inspectRecordSchema } from '../schemas.js';
import type { InspectRecord, InspectRecords } from '../types.js';
import { mkdirp, readdirIfExists, readIfExists, syncDir, writeFileDurably, type EnsureDir } from './durable-file.js';
import { inTurn } from './in-turn.js';

// Cross-host migration must work when the source host's engine is dead: dockpit then recreates the
// container elsewhere from the configuration it last recorded. This is that record, one durable JSON file
// per container: `<stateDir>/records/<host>/<name>.json`. Records outlive their containers on purpose.

export const RECORDS_DIR = 'records';

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

export type FileInspectRecords = InspectRecords & {
  /** Writes a record as it is (its seenAt kept), for `dockpit state copy`. */
  put(record: InspectRecord): Promise<void>;
};

export function inspectRecords(stateDir: string, now: () => Date = () => new Date(), ensureDir: EnsureDir = mkdirp): FileInspectRecords {
  const root = path.join(stateDir, RECORDS_DIR);
  const fileOf = (host: string, name: string) => path.join(root, safeName('host', host), `${safeName('container', name)}.json`);
  // One read-compare-write at a time per file in this process, whichever instance makes it (the cockpit makes
  // several: the recorder, the migration facts, the state's own): inTurn's queue is the module's, keyed by
  // the file's path. So two saves cannot both decide "changed" and write out of order. Across processes the
  // rename keeps each file whole; the last writer wins.
  const serial = inTurn;

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
    const parsed = inspectRecordSchema.safeParse(raw);
    if (!parsed.success || parsed.data.host !== host || parsed.data.name !== name) return null;
    return parsed.data as unknown as InspectRecord;
  };

  const write = async (file: string, record: InspectRecord) => {
    await ensureDir(path.dirname(file));
    await writeFileDurably(file, `${JSON.stringify(record, null, 2)}\n`);
  };

  return {
    load,
    async save(host, inspect) {
      const name = inspect.Name.replace(/^\//, '');
      const file = fileOf(host, name);
      return serial(file, async () => {
        const old = await load(host, name);
        if (old && stableProjection(old.inspect) === stableProjection(inspect)) return false;
        await write(file, { host, name, id: inspect.Id, seenAt: now().toISOString(), inspect });
        return true;
      });
    },
    async put(record) {
      const file = fileOf(record.host, record.name);
      await serial(file, () => write(file, record));
    },
    async list(host) {
      const entries = await readdirIfExists(path.join(root, safeName('host', host)));
      // Temp files of writeFileDurably start with "." and end in ".tmp": only whole records are listed.
      const names = entries.filter((e) => e.endsWith('.json') && SAFE_NAME.test(e)).map((e) => e.slice(0, -'.json'.length));
      const records = await Promise.all(names.filter((n) => n.length <= MAX_NAME).map((n) => load(host, n)));
      return records.filter((r): r is InspectRecord => r !== null).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async hosts() {
      const hosts = (await readdirIfExists(root)).filter((h) => SAFE_NAME.test(h) && h.length <= MAX_NAME).sort();
      const has = await Promise.all(hosts.map(async (h) => (await readdirIfExists(path.join(root, h))).some((e) => e.endsWith('.json') && SAFE_NAME.test(e))));
      return hosts.filter((_h, i) => has[i]);
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
