// Where the commands write: standard output and standard error as Sinks.
// A run writes through a Sink and waits while its reader is behind, so a
// program's output is never held in memory (pipe writes are asynchronous);
// once the reader has gone (EPIPE: `gorun prog.gasm 2>&1 | head`), writes
// are dropped quietly and the command still ends with its own exit status
// (docs/cli.md, "Where output goes").

export interface Sink {
  write(s: string | Uint8Array): void;
  /** The reader is behind: produce nothing more until drained(). */
  readonly full: boolean;
  /** Resolves once the reader has caught up or gone, or after ms milliseconds. */
  drained(ms?: number): Promise<void>;
  /** Nothing was written yet, or the last character was a newline. */
  readonly atLineStart: boolean;
}

function endsLine(s: string | Uint8Array): boolean {
  return typeof s === 'string' ? s.endsWith('\n') : s[s.length - 1] === 10;
}

/** A Node.js stream (process.stdout, process.stderr) as a Sink. */
export class StreamSink implements Sink {
  private gone = false;
  private lineStart = true;

  constructor(private readonly s: NodeJS.WritableStream & { readonly writableNeedDrain: boolean }) {
    // EPIPE (the reader closed the pipe) and any other write error: stop writing.
    s.on('error', () => { this.gone = true; });
  }

  write(c: string | Uint8Array): void {
    if (c.length === 0) return;
    this.lineStart = endsLine(c);
    if (!this.gone) this.s.write(c);
  }

  get full(): boolean { return !this.gone && this.s.writableNeedDrain; }
  get atLineStart(): boolean { return this.lineStart; }

  drained(ms?: number): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.s.off('drain', done).off('error', done).off('close', done);
        resolve();
      };
      const timer = ms !== undefined && Number.isFinite(ms) ? setTimeout(done, Math.max(0, ms)) : undefined;
      this.s.on('drain', done).on('error', done).on('close', done);
    });
  }
}

/** A Sink that keeps what is written (tests, the fuzzer): never full; past `limit` bytes it keeps the head and the last 64 KB. */
export class MemorySink implements Sink {
  private readonly chunks: Buffer[] = [];
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private lineStart = true;
  private kept = 0;
  private total = 0;
  readonly full = false;

  constructor(private readonly limit = Infinity) {}

  write(c: string | Uint8Array): void {
    if (c.length === 0) return;
    this.lineStart = endsLine(c);
    let b = typeof c === 'string' ? Buffer.from(c) : Buffer.from(c);
    this.total += b.length;
    if (this.kept < this.limit) {
      const n = Math.min(b.length, this.limit - this.kept);
      this.chunks.push(b.subarray(0, n));
      this.kept += n;
      b = b.subarray(n);
    }
    if (b.length > 0) this.keepTail(b);
  }

  private keepTail(b: Buffer): void {
    this.tail.push(b);
    this.tailBytes += b.length;
    if (this.tailBytes > 2 * TAIL) {
      const t = Buffer.concat(this.tail).subarray(-TAIL);
      this.tail = [t];
      this.tailBytes = t.length;
    }
  }

  drained(): Promise<void> { return Promise.resolve(); }
  get atLineStart(): boolean { return this.lineStart; }
  /** Everything written, as UTF-8 text; past the limit, the head, a line saying how much is left out, and the end. */
  text(): string {
    const head = Buffer.concat(this.chunks).toString();
    if (this.total === this.kept) return head;
    const tail = Buffer.concat(this.tail).subarray(-TAIL);
    return `${head}\n[${this.total - this.kept - tail.length} more bytes]\n${tail.toString()}`;
  }
  get bytes(): number { return this.total; }
}

/** Bytes of the end of a stream a MemorySink past its limit keeps. */
const TAIL = 64 << 10;
