// The engine's log stream of a container without a TTY is multiplexed: frames of an 8-byte header
// (stream type 0 stdin / 1 stdout / 2 stderr, three zero bytes, payload length as uint32 big-endian)
// followed by the payload. A chunk from the socket may end anywhere: inside a header, inside a payload,
// or hold several frames. Pure; tests in test/unit/log-demux.test.ts.

export type LogStream = 'stdin' | 'stdout' | 'stderr';

export interface LogPiece {
  stream: LogStream;
  /** Part or all of one frame's payload, in order. */
  payload: Uint8Array;
}

const HEADER = 8;
const STREAMS: readonly LogStream[] = ['stdin', 'stdout', 'stderr'];

/**
 * Streaming demultiplexer. Payload bytes are handed out as soon as they arrive (a frame's payload may come
 * in several pieces), so memory stays bounded whatever a frame's declared length.
 */
export class LogDemuxer {
  private readonly header = new Uint8Array(HEADER);
  private headerFill = 0;
  private remaining = 0;
  private stream: LogStream = 'stdout';
  private rawMode = false;

  /**
   * True once a header was not a valid frame header: from then on every byte is passed through as stdout.
   * That happens when the stream was not multiplexed after all (a TTY we didn't know of); showing the bytes
   * beats reading text as frame lengths and swallowing the log.
   */
  get raw(): boolean {
    return this.rawMode;
  }

  push(chunk: Uint8Array): LogPiece[] {
    if (this.rawMode) return chunk.length > 0 ? [{ stream: 'stdout', payload: chunk }] : [];
    const out: LogPiece[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - i);
        out.push({ stream: this.stream, payload: chunk.subarray(i, i + n) });
        this.remaining -= n;
        i += n;
        continue;
      }
      const n = Math.min(HEADER - this.headerFill, chunk.length - i);
      this.header.set(chunk.subarray(i, i + n), this.headerFill);
      this.headerFill += n;
      i += n;
      if (this.headerFill < HEADER) break;
      this.headerFill = 0;
      const h = this.header;
      const type = h[0]!;
      if (type > 2 || h[1] !== 0 || h[2] !== 0 || h[3] !== 0) {
        this.rawMode = true;
        out.push({ stream: 'stdout', payload: Uint8Array.from(h) }, ...(i < chunk.length ? [{ stream: 'stdout' as const, payload: chunk.subarray(i) }] : []));
        return out;
      }
      this.stream = STREAMS[type]!;
      this.remaining = ((h[4]! << 24) >>> 0) + (h[5]! << 16) + (h[6]! << 8) + h[7]!;
    }
    return out;
  }

  /** Bytes of a frame still expected: non-zero at the end of the stream means it was cut short. */
  get pending(): number {
    return this.remaining + this.headerFill;
  }
}
