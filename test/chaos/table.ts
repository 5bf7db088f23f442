import type { Violation } from './invariants.js';

// The fault table (issue 17, item 2): scenario × runs × violations, then each violation with the seed that
// replays it. Pure: the runner prints what this returns; the README's table is copied from it.

export interface RunRow {
  scenario: string;
  title: string;
  seed: number;
  chose: string;
  ms: number;
  violations: Violation[];
  /** The run itself failed (an exception, not an invariant): counted as a violation. */
  error?: string;
}

export function tableLines(rows: readonly RunRow[], firstSeed: number): string[] {
  const ids = [...new Set(rows.map((r) => r.scenario))];
  const table = ids.map((id) => {
    const mine = rows.filter((r) => r.scenario === id);
    const bad = mine.reduce((n, r) => n + r.violations.length + (r.error ? 1 : 0), 0);
    const secs = mine.reduce((n, r) => n + r.ms, 0) / 1000;
    return [id, String(mine.length), String(bad), `${(secs / Math.max(1, mine.length)).toFixed(1)} s`, String(firstSeed), mine[0]?.title ?? ''];
  });
  const head = ['SCENARIO', 'RUNS', 'VIOLATIONS', 'PER RUN', 'SEED', 'WHAT'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [fmt(head), ...table.map(fmt)];
  const failed = rows.filter((r) => r.violations.length > 0 || r.error);
  if (failed.length > 0) {
    out.push('', 'violations (replay one run: npm run chaos -- --seed S --runs 1 --only ID):');
    for (const r of failed) {
      for (const x of r.violations) out.push(`  ${r.scenario} seed ${r.seed} (${r.chose}): ${x.invariant}: ${x.text}`);
      if (r.error) out.push(`  ${r.scenario} seed ${r.seed} (${r.chose}): the run failed: ${r.error}`);
    }
  }
  return out;
}
