import fs from 'node:fs';
import path from 'node:path';
import type { Violation } from './invariants.js';

// What a failed `dockpit run` must not leave in the state folder (F9, F10, F13): the name's address kept in
// the ledger, or its placement lock.

export function leftBehind(stateDir: string, name: string): Violation[] {
  const out: Violation[] = [];
  const ledger = path.join(stateDir, 'ledger.json');
  if (fs.existsSync(ledger)) {
    const kept = (JSON.parse(fs.readFileSync(ledger, 'utf8')) as { reservations: Array<{ name: string; ip: string }> }).reservations.filter((r) => r.name === name);
    for (const r of kept) out.push({ invariant: 'nothing half-done', text: `the ledger keeps ${r.ip} for ${name} after its run failed` });
  }
  const placing = path.join(stateDir, 'placing');
  if (fs.existsSync(placing)) for (const f of fs.readdirSync(placing)) out.push({ invariant: 'nothing half-done', text: `placing/${f} left after the run ended` });
  return out;
}
