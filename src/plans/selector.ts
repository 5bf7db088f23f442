import type { Container } from '../engine/types.js';
import type { Selector } from './types.js';

// Issue 5: which containers a plan step's `select:` means. All conditions given must hold.

/** The line name a step may select for containers without a bizline label. */
export const NO_LINE = '(none)';

/** A name pattern with * (any run) and ? (one character), matched against the whole name. */
export function globMatch(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}

export function lineOf(c: Container): string {
  return c.bizline ?? NO_LINE;
}

/** Whether a container matches a step's selector: every condition given must hold. */
export function selects(s: Selector, c: Container): boolean {
  if (s.lines && !s.lines.includes(lineOf(c))) return false;
  if (s.hosts && !s.hosts.includes(c.host)) return false;
  const tierSet = s.tiers !== undefined || s.minTier !== undefined || s.maxTier !== undefined;
  if (tierSet && c.tier === null) return false;
  if (s.tiers && !s.tiers.includes(c.tier!)) return false;
  if (s.minTier !== undefined && c.tier! < s.minTier) return false;
  if (s.maxTier !== undefined && c.tier! > s.maxTier) return false;
  if (s.labels && !Object.entries(s.labels).every(([k, v]) => c.labels[k] === v)) return false;
  if (s.names && !s.names.some((p) => globMatch(p, c.name))) return false;
  return true;
}
