import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileContainerLock } from '../../src/state/file/container-lock.js';
import { LockBusyError } from '../../src/state/types.js';

const run = promisify(execFile);
const t = (id: string) => ({ id, label: `h1/${id}` });

describe('fileContainerLock', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-plock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes one owner file per container and removes them on release', async () => {
    const lock = fileContainerLock(dir, { now: () => new Date('2025-11-11T00:00:00Z'), hostname: 'jump-1' });
    const hold = await lock.acquire('r1', 'ann@jump-1', [t('a'), t('b')]);
    const owner = JSON.parse(fs.readFileSync(path.join(dir, 'locks', 'a.json'), 'utf8'));
    expect(owner).toEqual({ runId: 'r1', operator: 'ann@jump-1', since: '2025-11-11T00:00:00.000Z', pid: process.pid, host: 'jump-1' });
    expect([...(await lock.holders()).keys()].sort()).toEqual(['a', 'b']);
    await hold.release();
    expect(fs.readdirSync(path.join(dir, 'locks')).filter((n) => n.endsWith('.json'))).toEqual([]);
  });

  it('refuses an overlapping set of another live run, naming who and since when, and takes none of it', async () => {
    const a = fileContainerLock(dir, { now: () => new Date('2025-11-11T00:00:00Z'), pid: 1111, isAlive: () => true });
    const b = fileContainerLock(dir, { pid: 2222, isAlive: () => true });
    await a.acquire('r1', 'ann@jump-1', [t('a'), t('b')]);
    const err = await b.acquire('r2', 'bob@jump-1', [t('c'), t('b')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockBusyError);
    expect((err as Error).message).toBe(`h1/b is locked by run r1 of ann@jump-1 on ${os.hostname()} (pid 1111) since 2025-11-11T00:00:00.000Z; nothing changed`);
    expect(fs.existsSync(path.join(dir, 'locks', 'c.json'))).toBe(false);
    await (await b.acquire('r2', 'bob@jump-1', [t('c')])).release();
  });

  it('takes over the locks of a dead pid on this jump host (and a torn lock file)', async () => {
    const dead = fileContainerLock(dir, { pid: 999_999_9, isAlive: () => false });
    await dead.acquire('r1', 'ann@jump-1', [t('a')]);
    fs.writeFileSync(path.join(dir, 'locks', 'b.json'), '{"runId":');
    const alive = fileContainerLock(dir);
    const hold = await alive.acquire('r2', 'bob@jump-1', [t('a'), t('b')]);
    expect((await alive.holders()).get('a')?.runId).toBe('r2');
    await hold.release();
  });

  it('does not take over a lock held on another jump host', async () => {
    const remote = fileContainerLock(dir, { hostname: 'jump-2', pid: 1, isAlive: () => false });
    await remote.acquire('r1', 'ann@jump-2', [t('a')]);
    await expect(fileContainerLock(dir).acquire('r2', 'bob', [t('a')])).rejects.toThrow(/locked by run r1/);
  });

  it('two processes racing for overlapping sets: never both, and the winner holds every container', async () => {
    for (const m of ['state/file/container-lock', 'state/run-id']) {
      const dist = path.resolve(`dist/${m}.js`);
      if (!fs.existsSync(dist) || fs.statSync(dist).mtimeMs < fs.statSync(path.resolve(`src/${m}.ts`)).mtimeMs) {
        throw new Error(`dist/${m}.js is missing or older than its source: run \`npm run build\` first`);
      }
    }
    const fixture = path.resolve('test/unit/fixtures/plan-lock-racer.mjs');
    for (let round = 0; round < 3; round++) {
      const [x, y] = await Promise.all([
        run(process.execPath, [fixture, dir, `rx${round}`, 'a,b,c', '1000']),
        run(process.execPath, [fixture, dir, `ry${round}`, 'c,d,a', '1000']),
      ]);
      const results = [JSON.parse(x.stdout), JSON.parse(y.stdout)];
      const winners = results.filter((r) => r.got);
      expect(winners).toHaveLength(1);
      expect(winners[0].mine).toBe(true);
      expect(results.find((r) => !r.got).error).toMatch(/is locked by run r[xy]\d of r[xy]\d@jump on \S+ \(pid \d+\) since/);
      expect(fs.readdirSync(path.join(dir, 'locks')).filter((n) => n.endsWith('.json'))).toEqual([]);
    }
  }, 30_000);
});
