// Bytes → lines, for log streams: a line may arrive in several chunks and a UTF-8 character may be split
// between two. One splitter per stream (stdout, stderr), so a partial stdout line isn't glued to stderr.

const NL = 0x0a;

export class LogLineSplitter {
  private parts: Uint8Array[] = [];
  private size = 0;
  private readonly decoder = new TextDecoder();

  /** A line longer than this (a progress bar redrawn with \r, a binary dump) is cut into pieces of it. */
  constructor(private readonly maxLineBytes = 64 * 1024) {}

  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NL); nl !== -1; nl = chunk.indexOf(NL, start)) {
      this.append(chunk.subarray(start, nl), lines);
      lines.push(this.take());
      start = nl + 1;
    }
    this.append(chunk.subarray(start), lines);
    return lines;
  }

  /** The last line, when the stream ends without a newline. */
  flush(): string[] {
    return this.size > 0 ? [this.take()] : [];
  }

  private append(bytes: Uint8Array, lines: string[]): void {
    let b = bytes;
    while (this.size + b.length > this.maxLineBytes) {
      const room = this.maxLineBytes - this.size;
      this.parts.push(b.subarray(0, room));
      this.size += room;
      lines.push(this.take());
      b = b.subarray(room);
    }
    if (b.length > 0) {
      this.parts.push(b);
      this.size += b.length;
    }
  }

  private take(): string {
    const bytes = this.parts.length === 1 ? this.parts[0]! : concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    const line = this.decoder.decode(bytes);
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
