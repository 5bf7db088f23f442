import stringWidth from 'string-width';
import type { ScreenLine } from './plan-lines.js';

// A blocker's reason or a failed step's error is what the operator must read at 80 columns: such lines
// are folded onto the next rows (indented under their start) instead of being cut with '…'.

/** Splits `text` into pieces of at most `width` columns, at a space when there is one in reach. */
function fold(text: string, width: number, indent: string): string[] {
  const out: string[] = [];
  let rest = text;
  let first = true;
  while (stringWidth(rest) > width) {
    const room = first ? width : width - indent.length;
    let cut = 0;
    let w = 0;
    const chars = [...rest];
    while (cut < chars.length && w + stringWidth(chars[cut]!) <= room) w += stringWidth(chars[cut++]!);
    const head = chars.slice(0, cut).join('');
    const space = head.lastIndexOf(' ');
    // Break at the last space unless that leaves almost nothing on the line.
    const at = space > room / 3 ? space : head.length;
    out.push((first ? '' : indent) + head.slice(0, at).trimEnd());
    rest = head.slice(at).trimStart() + chars.slice(cut).join('');
    first = false;
    if (room <= 0) break;
  }
  out.push((first ? '' : indent) + rest);
  return out;
}

/** Every line at most `width` columns: long ones continue on the next rows, indented 4 past their own indent. */
export function wrapLines(lines: readonly ScreenLine[], width: number): ScreenLine[] {
  if (width < 16) return [...lines];
  return lines.flatMap((l) => {
    if (stringWidth(l.text) <= width) return [l];
    const lead = /^ */.exec(l.text)![0].length;
    const indent = ' '.repeat(Math.min(lead + 4, Math.floor(width / 3)));
    return fold(l.text, width, indent).map((text) => ({ ...l, text }));
  });
}
