import stringWidth from 'string-width';
import { fit } from '../render/format.js';
import type { SummaryLine } from './screens/table-screen.js';

// The lines a table screen shows above its table (issue 4's IP pools), laid out so the frame never grows:
// they take their room from the table, and leave it all to the table on a short terminal.

/** Below this body height the table needs every line: no summary. */
export const MIN_BODY_FOR_SUMMARY = 10;

/**
 * The summary lines to show in a body of `height` lines: at most a third of it; when some must be left
 * out, the last shown line says how many.
 */
export function summaryToShow(lines: readonly SummaryLine[], height: number): SummaryLine[] {
  if (height < MIN_BODY_FOR_SUMMARY || lines.length === 0) return [];
  const room = Math.floor(height / 3);
  if (lines.length <= room) return [...lines];
  const hidden = lines.length - room + 1;
  return [...lines.slice(0, room - 1), [{ text: `… ${hidden} more line${hidden === 1 ? '' : 's'} (a taller terminal shows them)`, dim: true }]];
}

/** Cuts a line of pieces to `width` columns (wide characters count two), marking a cut with '…'. */
export function fitSummaryLine(line: SummaryLine, width: number): SummaryLine {
  const out: SummaryLine = [];
  let room = width;
  for (const piece of line) {
    const w = stringWidth(piece.text);
    if (w <= room) {
      out.push(piece);
      room -= w;
      continue;
    }
    if (room > 0) out.push({ ...piece, text: fit(piece.text, room).trimEnd() });
    break;
  }
  return out;
}

/** The same lines, piece by piece: a summary rebuilt from an unchanged report is not redrawn. */
export function sameSummary(a: readonly SummaryLine[], b: readonly SummaryLine[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((line, i) => {
    const other = b[i]!;
    return line.length === other.length && line.every((p, j) => {
      const q = other[j]!;
      return p.text === q.text && p.color === q.color && p.bold === q.bold && p.dim === q.dim;
    });
  });
}
