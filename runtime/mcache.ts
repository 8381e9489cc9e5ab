// The heap's objects (Go's mcache, mcentral and mspan, much simplified):
// small objects are rounded up to a size class and carved from spans of
// pages of one class; a large object (above 32 KB) has a span of its own.
// Each span keeps, beside the objects, which of them are allocated, which
// the collector has marked, and each object's pointer map (the words the
// collector follows), written at allocation from its type. These tables are
// the runtime's own, kept on the host as Go keeps its span structures off
// the heap; every object the program or the runtime points at is in VM
// memory. The collector (mgc.ts) marks through markObject and frees
// through sweep.
import { PAGE } from '../vm/memory.js';
import type { MHeap } from './mheap.js';
import type { State } from './state.js';

/** Size classes: 8, the multiples of 16 up to 256, then steps of 1/8th or so, up to 32 KB (like Go's). */
export const SIZE_CLASSES: readonly number[] = (() => {
  const c = [8];
  for (let s = 16; s <= 256; s += 16) c.push(s);
  for (let step = 32, s = 256; s < 32768; step *= 2) for (let i = 0; i < 8 && s < 32768; i++) c.push(s += step);
  return c;
})();

/** Largest small object; above it an object gets a span of its own. */
export const MaxSmallSize = 32768;

const classOf = (() => {
  const byWords = new Uint8Array(MaxSmallSize / 8 + 1);
  let c = 0;
  for (let w = 0; w < byWords.length; w++) {
    while (SIZE_CLASSES[c]! < w * 8) c++;
    byWords[w] = c;
  }
  return (size: number) => byWords[Math.ceil(size / 8)]!;
})();

/** An object's pointer map: one entry per word, 1 where the collector follows a pointer; null: no pointers. */
export type PtrMap = Uint8Array | null;

export class MSpan {
  readonly nelems: number;
  readonly alloc: Uint8Array;
  readonly mark: Uint8Array;
  readonly ptrs: PtrMap[];
  /** Allocated objects, and where to look for a free one next. */
  nalloc = 0;
  freeindex = 0;

  constructor(readonly base: number, readonly npages: number, readonly sizeclass: number, readonly elemsize: number) {
    this.nelems = Math.floor((npages * PAGE) / elemsize);
    this.alloc = new Uint8Array(this.nelems);
    this.mark = new Uint8Array(this.nelems);
    this.ptrs = new Array<PtrMap>(this.nelems).fill(null);
  }
}

export class MCache {
  /** Per class, spans with a free object (the current one last). */
  private readonly partial: MSpan[][] = SIZE_CLASSES.map(() => []);
  readonly spans = new Set<MSpan>();
  /** Arena page -> its span (the collector's lookup from a pointer). */
  private readonly pageSpan: (MSpan | undefined)[] = [];
  mallocs = 0;
  frees = 0;
  /** Bytes in allocated objects (their size classes'), and in spans taken from the page heap. */
  heapAlloc = 0;
  heapSys = 0;

  constructor(private readonly st: State, private readonly heap: MHeap) {}

  /** size zeroed bytes with pointer map ptrs (what mallocgc with needzero returns). */
  alloc(size: number, ptrs: PtrMap): number {
    if (size > MaxSmallSize) return this.allocLarge(size, ptrs);
    const sc = classOf(Math.max(size, 1));
    const list = this.partial[sc]!;
    let s = list[list.length - 1];
    if (!s) {
      s = this.newSpan(sc);
      list.push(s);
    }
    let i = s.freeindex;
    while (s.alloc[i]) i++;
    this.take(s, i, ptrs);
    s.freeindex = i + 1;
    if (s.nalloc === s.nelems) list.pop();
    return s.base + i * s.elemsize;
  }

  private allocLarge(size: number, ptrs: PtrMap): number {
    const npages = Math.ceil(size / PAGE);
    const s = this.addSpan(this.heap.alloc(npages * PAGE), npages, -1, npages * PAGE);
    this.take(s, 0, ptrs);
    return s.base;
  }

  private take(s: MSpan, i: number, ptrs: PtrMap): void {
    s.alloc[i] = 1;
    s.ptrs[i] = ptrs;
    s.nalloc++;
    this.mallocs++;
    this.heapAlloc += s.elemsize;
    this.st.mem.fill(s.base + i * s.elemsize, s.elemsize, 0);
  }

  private newSpan(sc: number): MSpan {
    const elemsize = SIZE_CLASSES[sc]!;
    // At least 8 objects, at least one page.
    const npages = Math.max(1, Math.ceil((elemsize * 8) / PAGE));
    return this.addSpan(this.heap.alloc(npages * PAGE), npages, sc, elemsize);
  }

  private addSpan(base: number, npages: number, sc: number, elemsize: number): MSpan {
    const s = new MSpan(base, npages, sc, elemsize);
    this.spans.add(s);
    const p0 = (base - this.st.arenaBase) / PAGE;
    for (let p = 0; p < npages; p++) this.pageSpan[p0 + p] = s;
    this.heapSys += npages * PAGE;
    return s;
  }

  /** The span holding address a, if a is in the heap. */
  spanOf(a: number): MSpan | undefined {
    const p = Math.floor((a - this.st.arenaBase) / PAGE);
    return p >= 0 ? this.pageSpan[p] : undefined;
  }

  /**
   * Mark the allocated object a points into (interior pointers count, as in
   * Go); returns its base when it was not marked before, else -1.
   */
  markObject(a: number): number {
    const s = this.spanOf(a);
    if (!s) return -1;
    const i = Math.floor((a - s.base) / s.elemsize);
    if (i >= s.nelems || !s.alloc[i] || s.mark[i]) return -1;
    s.mark[i] = 1;
    return s.base + i * s.elemsize;
  }

  /** The pointer map and size of the marked object at base (for scanning it). */
  objectAt(base: number): { ptrs: PtrMap; size: number } {
    const s = this.spanOf(base)!;
    return { ptrs: s.ptrs[Math.floor((base - s.base) / s.elemsize)]!, size: s.elemsize };
  }

  /**
   * Free every allocated object not marked, and clear the marks; `poison`
   * fills freed objects (a missed root then reads garbage, not its old
   * value). Spans left empty go back to the page heap. Returns the objects freed.
   */
  sweep(poison: boolean): { freed: number; visited: number } {
    let freed = 0, visited = 0;
    for (const s of this.spans) {
      visited += s.nelems;
      const wasFull = s.nalloc === s.nelems;
      for (let i = 0; i < s.nelems; i++) {
        if (!s.alloc[i] || s.mark[i]) continue;
        s.alloc[i] = 0;
        s.ptrs[i] = null;
        s.nalloc--;
        freed++;
        this.frees++;
        this.heapAlloc -= s.elemsize;
        if (poison) this.st.mem.fill(s.base + i * s.elemsize, s.elemsize, 0x69);
      }
      s.mark.fill(0);
      s.freeindex = 0;
      if (s.nalloc === 0) this.freeSpan(s, wasFull);
      else if (wasFull && s.nalloc < s.nelems && s.sizeclass >= 0) this.partial[s.sizeclass]!.unshift(s);
    }
    return { freed, visited };
  }

  private freeSpan(s: MSpan, wasFull: boolean): void {
    this.spans.delete(s);
    if (s.sizeclass >= 0 && !wasFull) {
      const list = this.partial[s.sizeclass]!;
      list.splice(list.indexOf(s), 1);
    }
    const p0 = (s.base - this.st.arenaBase) / PAGE;
    for (let p = 0; p < s.npages; p++) this.pageSpan[p0 + p] = undefined;
    this.heap.release(s.base, s.npages * PAGE);
    this.heapSys -= s.npages * PAGE;
  }

  /** Objects allocated now. */
  get live(): number {
    return this.mallocs - this.frees;
  }
}
