import type { MovePlan } from './types.js';

// The preview of a move as lines of text: the CLI prints them, the cockpit's confirm screen shows them.

const mib = (b: number) => (b > 0 ? `${Math.round(b / 2 ** 20)} MiB` : 'no limit');

const STEP_WORDS: Record<MovePlan['steps'][number], (p: MovePlan) => string> = {
  network: (p) => `create network ${p.network} on ${p.to} from pool ${p.pool}`,
  image: (p) => `${p.image.action === 'pull' ? `pull ${p.image.ref} from ${p.options.registry}, else stream it` : `stream image ${p.image.ref}`} ${p.from} → ${p.to}`,
  create: (p) => `create ${p.name} on ${p.to}${p.ip ? ` with ${p.ip}` : ''} (not started)`,
  'stop-source': (p) => `stop ${p.name} on ${p.from}`,
  'park-source': (p) => `rename ${p.name} on ${p.from} to its parking name`,
  'start-target': (p) => `start ${p.name} on ${p.to}`,
  gate: (p) => (p.gate.kind === 'healthcheck' ? `wait for its healthcheck: healthy (at most ${p.gate.timeoutSeconds} s)` : `wait ${p.gate.seconds} s running without a restart`),
  'remove-source': (p) => `remove the parked ${p.name} from ${p.from}`,
};

const IMAGE_WORDS: Record<MovePlan['image']['action'], string> = {
  present: 'present on the target',
  stream: 'to stream',
  pull: 'to pull',
  conflict: "names another image on the target (blocked)",
};

export function movePlanLines(p: MovePlan): string[] {
  const lines = [
    `${p.name}: ${p.from} → ${p.to}${p.ip ? `, keeps ${p.ip} on ${p.network}` : ''}`,
    `  source: ${p.sourceMode === 'live' ? `live, ${p.sourceState}` : `recorded ${p.recordedAt ?? '?'} (host unreachable)`}; image ${p.image.ref} ${IMAGE_WORDS[p.image.action]}; memory ${mib(p.memoryBytes)}`,
  ];
  p.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${STEP_WORDS[s](p)}`));
  if (p.steps.includes('gate')) {
    lines.push(p.sourceMode === 'live'
      ? '  if anything fails before the gate passes: remove the target, rename and start the source again'
      : `  if anything fails before the gate passes: remove the target (${p.from} is not touched)`);
  }
  // Blocked by its data, the blocker says so; left behind only once the operator accepted it.
  if (p.options.leaveData) for (const d of p.localData) lines.push(`  data left behind: ${d.type} ${d.source} → ${d.destination}`);
  for (const w of p.warnings) lines.push(`  warning: ${w}`);
  for (const b of p.blockers) lines.push(`  blocked (${b.code}): ${b.message}`);
  return lines;
}
