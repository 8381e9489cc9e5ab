// The arena's page allocator (Go's mheap, much simplified): first-fit over
// free runs of pages, coalescing on free, bump allocation past the last run.
// Stacks and heap spans both come from here; stackPages says which pages
// hold stacks (--checkptr asks it of every stored pointer).
import { PAGE } from '../vm/memory.js';
import { Unwind } from './state.js';

export class MHeap {
  /** Free runs [addr, addr+size), sorted by address, never adjacent. */
  private readonly free: { addr: number; size: number }[] = [];
  private top: number;
  /** Bytes currently allocated (for the memory statistics). */
  inuse = 0;
  /** The highest address ever handed out, minus the base: bytes obtained from the "OS". */
  sys = 0;
  /** Free bytes the scavenger has returned to the "OS" (Go's heap_released). */
  released = 0;
  /** Per arena page: 1 when it holds stacks. */
  readonly stackPages: Uint8Array;

  constructor(private readonly base: number, private readonly limit: number) {
    this.top = base;
    this.stackPages = new Uint8Array(Math.ceil(limit / PAGE));
  }

  /** Mark [addr, addr+bytes) as stack memory, or not. */
  setStack(addr: number, bytes: number, on: boolean): void {
    const p = (addr - this.base) / PAGE;
    this.stackPages.fill(on ? 1 : 0, p, p + Math.ceil(bytes / PAGE));
  }

  /** Is a an address on some goroutine's stack (or a stack cache)? */
  isStack(a: number): boolean {
    const p = Math.floor((a - this.base) / PAGE);
    return p >= 0 && p < this.stackPages.length && this.stackPages[p] === 1;
  }

  /** Free bytes below the top of the used part of the arena. */
  get idle(): number {
    return this.sys - this.inuse;
  }

  alloc(bytes: number): number {
    const size = Math.ceil(bytes / PAGE) * PAGE;
    for (let i = 0; i < this.free.length; i++) {
      const run = this.free[i]!;
      if (run.size < size) continue;
      const addr = run.addr;
      if (run.size === size) this.free.splice(i, 1);
      else { run.addr += size; run.size -= size; }
      this.inuse += size;
      return addr;
    }
    if (this.top + size > this.base + this.limit) {
      // The arena is full: the run ends with the --max-memory bound (exit 3).
      throw new Unwind({ code: 3, bound: `memory limit reached: out of memory: cannot allocate ${size} bytes (arena of ${this.limit} bytes) (raise --max-memory)` });
    }
    const addr = this.top;
    this.top += size;
    this.sys = Math.max(this.sys, this.top - this.base);
    this.inuse += size;
    return addr;
  }

  release(addr: number, bytes: number): void {
    const size = Math.ceil(bytes / PAGE) * PAGE;
    this.inuse -= size;
    let i = 0;
    while (i < this.free.length && this.free[i]!.addr < addr) i++;
    this.free.splice(i, 0, { addr, size });
    // Coalesce with the next run, then with the previous one.
    const cur = this.free[i]!;
    const next = this.free[i + 1];
    if (next && cur.addr + cur.size === next.addr) { cur.size += next.size; this.free.splice(i + 1, 1); }
    const prev = this.free[i - 1];
    if (prev && prev.addr + prev.size === cur.addr) { prev.size += cur.size; this.free.splice(i, 1); }
    // A run that ends at the top gives its pages back to the bump pointer.
    const last = this.free[this.free.length - 1];
    if (last && last.addr + last.size === this.top) { this.top = last.addr; this.free.pop(); }
  }
}
