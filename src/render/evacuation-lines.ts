import type { EvacuationPlan } from '../migrate/evacuate-plan.js';
import { textTable } from './text-table.js';

/** `evacuate HOST`'s preview (issue 6, item 5): each move, the containers that cannot be placed, the load. */
export function evacuationPreviewLines(ev: EvacuationPlan): string[] {
  const rows = ev.moves.map((m) => [
    m.name,
    m.to,
    m.ip ?? '-',
    m.image.action === 'present' ? 'present' : m.image.action,
    m.gate.kind === 'healthcheck' ? 'health' : `${m.gate.seconds} s`,
    m.blockers.map((b) => b.message).join('; ') || (m.localData.length > 0 ? `leaves ${m.localData.length} mounts` : ''),
  ]);
  const lines = [textTable(['NAME', 'TO', 'IP', 'IMAGE', 'GATE', 'NOTE'], rows)];
  for (const u of ev.unplaced) lines.push(`cannot place ${u.name}: ${u.blocker.message}`);
  lines.push(`evacuate ${ev.host}: ${ev.moves.length} containers → ${Object.entries(ev.load).map(([h, n]) => `${h} ${n}`).join(', ') || 'nowhere'}`);
  return lines;
}
