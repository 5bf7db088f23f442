import { spawn } from 'node:child_process';
import { CLI, docker } from './fleet.js';

// Issue 12, item 3: "no action twice, wherever the kill lands". The kill-anywhere tests crash dockpit at
// seeded moments through its test-only fault point (src/engine/fault-point.ts: DOCKPIT_FAULT), then resume.
// The normal suite runs a short subset; `npm run chaos` (DOCKPIT_CHAOS=full) runs every moment asked for.
// DOCKPIT_CHAOS_SEED=N replays a run: the seed is printed by each file; DOCKPIT_CHAOS_MOMENTS picks moments.

export const CHAOS_FULL = process.env.DOCKPIT_CHAOS === 'full';

/** The seed of this run: given, or fresh (and printed so that a failure can be replayed). */
export function chaosSeed(): number {
  const given = process.env.DOCKPIT_CHAOS_SEED;
  if (given !== undefined) {
    const n = Number(given);
    if (!Number.isInteger(n) || n < 0) throw new Error(`DOCKPIT_CHAOS_SEED="${given}": expected a non-negative integer`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** mulberry32: small, seedable, good enough to pick moments. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `n` distinct items of `pool`, in a seeded order. */
export function pick<T>(pool: readonly T[], n: number, random: () => number): T[] {
  const copy = [...pool];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, Math.min(n, copy.length));
}

/** Every DOCKPIT_FAULT value of a run that writes `records` journal records and makes `calls` mutating calls. */
export function momentPool(records: number, calls: number, delaysMs: readonly number[]): { between: string[]; during: string[] } {
  return {
    between: Array.from({ length: records }, (_, i) => `crash-after:journal:${i + 1}`),
    during: Array.from({ length: calls }, (_, i) => delaysMs.map((ms) => `crash-during:call:${i + 1}:${ms}`)).flat(),
  };
}

/**
 * Seeded moments: `n` of them, about half between records and half during calls. DOCKPIT_CHAOS_MOMENTS (a
 * space-separated list of DOCKPIT_FAULT values) runs exactly those instead: to replay one moment alone.
 */
export function chooseMoments(pool: { between: string[]; during: string[] }, n: number, random: () => number): string[] {
  const given = process.env.DOCKPIT_CHAOS_MOMENTS?.trim();
  if (given) return given.split(/\s+/);
  const during = Math.min(pool.during.length, Math.ceil(n / 2));
  return [...pick(pool.between, n - during, random), ...pick(pool.during, during, random)];
}

/** Runs dockpit with a fault armed; resolves with how it ended (a moment that never came exits normally). */
export function runUntilKilled(args: string[], fault: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, DOCKPIT_FAULT: fault }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

export interface SeenEvent {
  id: string;
  name: string;
  action: string;
  signal: string | null;
}

/** The engine's own events on `host` between two moments (epoch seconds, both already past), filtered. */
export async function eventsOn(host: string, since: number, until: number, filters: string[]): Promise<SeenEvent[]> {
  const out = await docker(host, 'events', '--since', since.toFixed(3), '--until', until.toFixed(3), '--filter', 'type=container', ...filters.flatMap((f) => ['--filter', f]), '--format', '{{json .}}');
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const e = JSON.parse(l) as { Action: string; Actor: { ID: string; Attributes: Record<string, string> } };
      return { id: e.Actor.ID, name: e.Actor.Attributes.name ?? '', action: e.Action, signal: e.Actor.Attributes.signal ?? null };
    });
}

/** How many of `events` are of `action` (a `kill` counted only with `signal`, when given). */
export function count(events: readonly SeenEvent[], action: string, signal?: string): number {
  return events.filter((e) => e.action === action && (signal === undefined || e.signal === signal)).length;
}
