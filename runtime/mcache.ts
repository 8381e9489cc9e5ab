// The allocation cache mallocgc takes objects from (Go's mcache, much
// simplified): objects are bump-allocated from 64 KB spans taken from the
// page heap. There is no garbage collector yet (docs/status.md), so nothing
// is freed; the counters are Go's.
import type { MHeap } from './mheap.js';
import type { State } from './state.js';

const SPAN = 64 * 1024;

export class MCache {
  private next = 0;
  private end = 0;
  mallocs = 0;
  frees = 0;
  heapAlloc = 0;
  heapSys = 0;

  constructor(private readonly st: State, private readonly heap: MHeap) {}

  /** size zeroed bytes, word-aligned (what mallocgc with needzero returns). */
  alloc(size: number): number {
    const W = this.st.W;
    const n = Math.max(W, Math.ceil(size / W) * W);
    if (this.next + n > this.end) {
      const span = Math.max(SPAN, Math.ceil(n / SPAN) * SPAN);
      this.next = this.heap.alloc(span);
      this.end = this.next + span;
      this.heapSys += span;
      this.st.mem.fill(this.next, span, 0);
    }
    const p = this.next;
    this.next += n;
    this.mallocs++;
    this.heapAlloc += n;
    return p;
  }
}
