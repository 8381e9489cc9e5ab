// mallocgc, much simplified: objects are bump-allocated from 64 KB spans
// taken from the page heap. There is no garbage collector yet (docs/status.md),
// so nothing is freed; the counters are Go's.
import type { Runtime } from './runtime.js';

const SPAN = 64 * 1024;

export class Malloc {
  private next = 0;
  private end = 0;
  mallocs = 0;
  frees = 0;
  heapAlloc = 0;
  heapSys = 0;

  constructor(private readonly rt: Runtime) {}

  /** Allocate size zeroed bytes, word-aligned (as mallocgc with needzero). */
  alloc(size: number): number {
    const W = this.rt.W;
    const n = Math.max(W, Math.ceil(size / W) * W);
    if (this.next + n > this.end) {
      const span = Math.max(SPAN, Math.ceil(n / SPAN) * SPAN);
      this.next = this.rt.heap.alloc(span);
      this.end = this.next + span;
      this.heapSys += span;
      this.rt.mem.fill(this.next, span, 0);
    }
    const p = this.next;
    this.next += n;
    this.mallocs++;
    this.heapAlloc += n;
    return p;
  }
}
