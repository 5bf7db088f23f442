import crypto from 'node:crypto';

// Issue 17, item 4: the audit log's integrity. Each entry carries `seq` (1, 2, 3 … along the log) and `prev`,
// the sha256 (hex) of the exact text of the entry before it, as stored (a file's line, an etcd value); the
// first entry of a log links to GENESIS. Changing an entry breaks the link of the one after it; removing
// one leaves a gap in `seq` and a link to nothing; swapping two breaks both. `verifyChain` walks the stored
// texts and names the first break. Entries written before the chain existed carry neither field: the
// chain starts at the first one that does, and verify says where.
//
// What a chain cannot show: the last entry changed or removed (no later entry vouches for it), or the
// whole log rewritten with fresh links by someone who can write it. It shows an edit after the fact.

/** The text the first entry of a log links to. */
export const GENESIS = 'dockpit audit log: genesis';

export const sha256 = (text: string): string => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

export const GENESIS_HASH = sha256(GENESIS);

export interface ChainLink {
  seq: number;
  prev: string;
}

/** Where a pruned log's chain starts: what its first kept entry links to (file: `audit.log.start`). */
export interface ChainStart extends ChainLink {
  /** When and by whom the entries before it were deleted (`dockpit state prune`). */
  prunedAt: string;
  prunedBy: string;
  removed: number;
}

interface Linked {
  seq?: unknown;
  prev?: unknown;
  at?: unknown;
  action?: unknown;
}

function parse(text: string): Linked | null {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Linked) : null;
  } catch {
    return null;
  }
}

const seqOf = (e: Linked | null): number | null => (e && typeof e.seq === 'number' && Number.isInteger(e.seq) ? e.seq : null);
const isChained = (e: Linked | null): boolean => e !== null && typeof e.prev === 'string' && seqOf(e) !== null;

/** The link of the entry appended after `last` (the stored text of the log's last entry, or null: none). */
export function nextLink(last: string | null, start: ChainStart | null = null): ChainLink {
  if (last === null) return start ? { seq: start.seq, prev: start.prev } : { seq: 1, prev: GENESIS_HASH };
  const e = parse(last);
  const seq = seqOf(e);
  // After an entry of an older dockpit (no seq), the chain starts: linked to that entry's text.
  return { seq: seq === null ? 1 : seq + 1, prev: sha256(last) };
}

export type BreakKind = 'changed' | 'removed' | 'reordered' | 'unlinked' | 'unreadable';

export interface ChainBreak {
  kind: BreakKind;
  /** 1-based position in the log (the file's line number). */
  line: number;
  seq: number | null;
  at: string | null;
  message: string;
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  /** Entries carrying a link. */
  chained: number;
  /** The first linked entry (null: none is). */
  startsAt: { line: number; seq: number } | null;
  /** Entries before it, written by a dockpit without the chain (never verifiable). */
  unlinkedBefore: number;
  /** Set when the log starts after a prune. */
  pruned: Omit<ChainStart, 'seq' | 'prev'> | null;
  /** The first break, null when every link holds. */
  break: ChainBreak | null;
}

/**
 * Verifies the chain of a log given as its entries' stored texts, oldest first. `start`: where a pruned
 * log's chain begins (absent: at GENESIS, or at the first linked entry after older unlinked ones).
 */
export function verifyChain(texts: readonly string[], start: ChainStart | null = null): ChainReport {
  const entries = texts.map(parse);
  const report: ChainReport = { ok: true, entries: texts.length, chained: 0, startsAt: null, unlinkedBefore: 0, pruned: null, break: null };
  const describe = (i: number) => {
    const e = entries[i];
    const seq = seqOf(e ?? null);
    const at = typeof e?.at === 'string' ? e.at : null;
    return { line: i + 1, seq, at, label: `line ${i + 1}${seq !== null ? ` (seq ${seq}${at ? `, ${at}` : ''})` : at ? ` (${at})` : ''}` };
  };
  const fail = (kind: BreakKind, i: number, message: string): ChainReport => {
    const d = describe(i);
    return { ...report, ok: false, break: { kind, line: d.line, seq: d.seq, at: d.at, message } };
  };

  const unreadable = entries.findIndex((e) => e === null);
  const first = entries.findIndex(isChained);
  if (first === -1) {
    report.unlinkedBefore = texts.length;
    return unreadable === -1 ? report : fail('unreadable', unreadable, `${describe(unreadable).label} is not an audit entry (hand-edited, or torn by a crash)`);
  }
  if (unreadable !== -1 && unreadable < first) return fail('unreadable', unreadable, `${describe(unreadable).label} is not an audit entry (hand-edited, or torn by a crash)`);
  report.unlinkedBefore = first;
  report.startsAt = { line: first + 1, seq: seqOf(entries[first]!)! };

  // The first linked entry: to GENESIS, to the unlinked entry before it, or where the last prune left it.
  const head = entries[first]!;
  if (first > 0) {
    if (head.prev !== sha256(texts[first - 1]!)) return fail('changed', first - 1, `${describe(first - 1).label} was changed: ${describe(first).label} does not link to it`);
  } else if (start && head.prev === start.prev && seqOf(head) === start.seq) {
    report.pruned = { prunedAt: start.prunedAt, prunedBy: start.prunedBy, removed: start.removed };
  } else if (head.prev !== GENESIS_HASH || seqOf(head) !== 1) {
    return fail('removed', first, `entries before ${describe(first).label} were removed: it does not link to the start of the log${start ? ' nor to where the last prune left it' : ''}`);
  }
  report.chained = 1;

  for (let i = first + 1; i < entries.length; i++) {
    const e = entries[i] ?? null;
    if (e === null) return fail('unreadable', i, `${describe(i).label} is not an audit entry (hand-edited, or torn by a crash)`);
    if (!isChained(e)) return fail('unlinked', i, `${describe(i).label} carries no link: it was added by hand after ${describe(i - 1).label}`);
    const prevSeq = seqOf(entries[i - 1]!)!;
    const seq = seqOf(e)!;
    if (e.prev === sha256(texts[i - 1]!) && seq === prevSeq + 1) {
      report.chained++;
      continue;
    }
    if (seq > prevSeq + 1) {
      // A gap: the missing entries are either later in the log (moved) or gone.
      const later = entries.findIndex((x, j) => j > i && seqOf(x) !== null && seqOf(x)! > prevSeq && seqOf(x)! < seq);
      if (later !== -1) return fail('reordered', i, `${describe(i).label} comes before ${describe(later).label}: entries were reordered`);
      const missing = seq - prevSeq - 1;
      return fail('removed', i, `${missing === 1 ? `the entry seq ${prevSeq + 1} was` : `the entries seq ${prevSeq + 1}–${seq - 1} were`} removed between ${describe(i - 1).label} and ${describe(i).label}`);
    }
    if (seq <= prevSeq) return fail('reordered', i, `${describe(i).label} comes after ${describe(i - 1).label}: entries were reordered`);
    // The right seq but a link to other text: the entry before was changed.
    return fail('changed', i - 1, `${describe(i - 1).label} was changed: ${describe(i).label} does not link to it`);
  }
  return report;
}

/** The report as lines for a terminal. */
export function chainReportLines(r: ChainReport, where: string): string[] {
  const lines: string[] = [];
  if (r.break) lines.push(`audit log ${where}: BROKEN: ${r.break.message}`);
  else lines.push(`audit log ${where}: intact, ${r.chained} linked entr${r.chained === 1 ? 'y' : 'ies'}`);
  if (r.unlinkedBefore > 0) {
    lines.push(
      r.startsAt
        ? `the chain starts at line ${r.startsAt.line} (seq ${r.startsAt.seq}): the ${r.unlinkedBefore} entr${r.unlinkedBefore === 1 ? 'y' : 'ies'} before it were written by a dockpit without it and cannot be verified`
        : `no entry carries a link (${r.unlinkedBefore} written by a dockpit without the chain): nothing to verify`,
    );
  }
  if (r.pruned) lines.push(`the chain starts after a prune: ${r.pruned.removed} older entr${r.pruned.removed === 1 ? 'y' : 'ies'} deleted at ${r.pruned.prunedAt} by ${r.pruned.prunedBy}`);
  if (!r.break && r.chained > 0) lines.push('(the last entry is vouched for by no later one: a change to it alone shows only once another entry follows)');
  return lines;
}
