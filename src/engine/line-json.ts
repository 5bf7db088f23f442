/**
 * Splits a byte stream into newline-delimited JSON values. A chunk may end mid-object or hold several
 * (engine-facts.md); a line that is not JSON is reported, never silently dropped.
 */
export class LineJsonDecoder {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  constructor(private readonly maxLineBytes = 1 << 20) {}

  /** Returns the complete values in this chunk, and the lines that failed to parse. */
  push(chunk: Uint8Array | string): { values: unknown[]; bad: string[] } {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const values: unknown[] = [];
    const bad: string[] = [];
    let nl = this.buffer.indexOf('\n');
    while (nl !== -1) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) {
        try {
          values.push(JSON.parse(line));
        } catch {
          bad.push(line.slice(0, 200));
        }
      }
      nl = this.buffer.indexOf('\n');
    }
    if (this.buffer.length > this.maxLineBytes) {
      bad.push(this.buffer.slice(0, 200));
      this.buffer = '';
    }
    return { values, bad };
  }
}
