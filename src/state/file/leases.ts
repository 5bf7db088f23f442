import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { Leases, RoleHold } from '../types.js';
import { lockFs, mkdirp, writeFileDurably, type EnsureDir } from './durable-file.js';

// Issue 15, item 5, file state: one holder of a role per jump host (the folder is this jump host's).
// proper-lockfile's atomic mkdir of `<stateDir>/leaders/ROLE.lock`, its mtime refreshed while held and
// taken over once older than the TTL (a holder killed with -9 frees it after that long); the holder's id
// is in `ROLE.owner.json` beside it. A standby retries every CHECK_MS.

const CHECK_MS = 500;
/** proper-lockfile's smallest `stale`. */
const MIN_STALE_MS = 2000;

export interface FileLeases extends Leases {
  resignAll(): Promise<void>;
}

export function fileLeases(stateDir: string, ensureDir: EnsureDir = mkdirp): FileLeases {
  const campaigns = new Set<RoleHold>();

  const campaign = (role: string, id: string, ttlMs: number, onChange: (held: boolean) => void): RoleHold => {
    const dir = path.join(stateDir, 'leaders');
    const target = path.join(dir, encodeURIComponent(role));
    const ownerFile = `${target}.owner.json`;
    let release: (() => Promise<void>) | null = null;
    let compromised = false;
    let holder: string | null = null;
    let closed = false;
    let timer: NodeJS.Timeout | null = null;
    let told = false;

    const isHeld = () => !closed && release !== null && !compromised;
    const tell = () => {
      const held = isHeld();
      if (held !== told) {
        told = held;
        onChange(held);
      }
    };

    const check = async () => {
      if (release !== null && compromised) {
        await release().catch(() => undefined); // taken over as stale: not ours to remove
        release = null;
      }
      if (release === null) {
        try {
          await ensureDir(dir);
          compromised = false;
          const r = await lockfile.lock(target, {
            fs: lockFs,
            realpath: false,
            stale: Math.max(MIN_STALE_MS, ttlMs),
            retries: 0,
            onCompromised: () => {
              compromised = true;
              tell();
            },
          });
          try {
            await writeFileDurably(ownerFile, JSON.stringify({ id, pid: process.pid, since: new Date().toISOString() }));
          } catch (err) {
            await r().catch(() => undefined);
            throw err;
          }
          if (closed) await r().catch(() => undefined);
          else release = r;
        } catch {
          // Held by another dockpit of this jump host (or the folder cannot be written): standby.
          const owner = await fs.promises.readFile(ownerFile, 'utf8').then((t) => JSON.parse(t) as { id?: unknown }, () => null);
          holder = typeof owner?.id === 'string' ? owner.id : null;
        }
      }
      tell();
      if (!closed) timer = setTimeout(() => void check(), CHECK_MS);
    };
    void check();

    const hold: RoleHold = {
      get held() {
        return isHeld();
      },
      get holder() {
        return isHeld() ? id : holder;
      },
      async resign() {
        if (closed) return;
        closed = true;
        campaigns.delete(hold);
        if (timer) clearTimeout(timer);
        tell();
        const r = release;
        release = null;
        if (r && !compromised) {
          await fs.promises.rm(ownerFile, { force: true });
          await r().catch(() => undefined);
        }
      },
    };
    campaigns.add(hold);
    return hold;
  };

  return {
    campaign,
    async resignAll() {
      await Promise.all([...campaigns].map((c) => c.resign()));
    },
  };
}
