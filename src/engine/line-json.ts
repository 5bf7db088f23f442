/**
 * Splits a byte stream into newline-delimited JSON values. A chunk may end mid-object or hold several
 * (engine-facts.md); a line that is not JSON is reported, never silently dropped.
 */
export class LineJsonDecoder {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  /**
   * `exactKey`: a top-level integer field also kept as its text, in `<key>Text` (issue 17, item 6: an
   * event's 19-digit `timeNano` does not survive a JS number; Node 20's JSON.parse cannot show the source).
   */
  constructor(
    private readonly maxLineBytes = 1 << 20,
    private readonly exactKey?: string,
  ) {}

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
          values.push(this.withExact(JSON.parse(line) as unknown, line));
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

  private withExact(value: unknown, line: string): unknown {
    const key = this.exactKey;
    if (key === undefined || typeof value !== 'object' || value === null || typeof (value as Record<string, unknown>)[key] !== 'number') return value;
    // The first unquoted integer of that key: inside a string value its quotes would be escaped (\\").
    const text = new RegExp(`"${key}"\\s*:\\s*(-?\\d+)\\s*[,}]`).exec(line)?.[1];
    if (text !== undefined) (value as Record<string, unknown>)[`${key}Text`] = text;
    return value;
  }
}
