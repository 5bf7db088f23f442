import { holderText } from '../pool/address-holders.js';
import type { PlacementDecision } from '../pool/place.js';
import type { PlaceOutcome } from '../pool/place-outcome.js';

// Issue 14: a placement's outcome in words, for `dockpit run` (stderr, then stdout) and the cockpit's form
// (both, in that order). Pure.

export function placementSummary(d: PlacementDecision): string {
  return `${d.name} → ${d.host} ${d.ip} (pool ${d.pool}, network ${d.network}, line ${d.line}, tier ${d.tier}${d.reused ? ', its reserved address' : ''})`;
}

/** What went wrong or needs a word (stderr), and the result itself (stdout; null when there is none). */
export interface PlaceLines {
  err: string[];
  out: string | null;
}

export function placeLines(o: PlaceOutcome): PlaceLines {
  const err = o.warnings.map((w) => `warning: ${w}`);
  switch (o.kind) {
    case 'planned':
      return { err, out: `dry run: ${placementSummary(o.decision)}\n  host: ${o.decision.why}\n  nothing changed` };
    case 'started':
      return { err, out: `${placementSummary(o.decision)}: started ${o.id.slice(0, 12)}\n  host: ${o.decision.why}` };
    case 'refused':
      return { err: [...err, `dockpit: ${o.message}`], out: null };
    case 'failed': {
      const d = o.decision;
      if (o.stage === 'create' && d) {
        const after = o.released ? `${d.ip} is free again: nothing was reserved or left running` : `${d.ip} stays reserved for ${d.name}: running it again gets the same address`;
        err.push(`dockpit: ${placementSummary(d)}: ${o.message}`, `dockpit: ${after}`);
      } else if (o.stage === 'audit' && d && o.id !== null) {
        err.push(`dockpit: ${d.name} was started on ${d.host} (${o.id.slice(0, 12)}) but the audit log could not be written: ${o.message}`);
      } else err.push(`dockpit: ${o.message}`);
      return { err, out: null };
    }
    case 'conflict': {
      const d = o.decision;
      const mine = holderText({ host: d.host, id: o.id, name: d.name });
      const kept = `; ${d.ip} stays reserved for ${d.name}`;
      err.push(
        `dockpit: ${d.ip} is held by two running containers: ${mine} (this run) and ${o.others.map(holderText).join(', ')}`,
        o.container === 'stopped'
          ? `dockpit: ${mine} was stopped (--keep-on-conflict leaves it running)${kept}`
          : o.container === 'kept'
            ? `dockpit: ${mine} was left running (--keep-on-conflict)${kept}`
            : `dockpit: ${mine} could not be stopped: stop it by hand${kept}`,
      );
      return { err, out: null };
    }
  }
}
