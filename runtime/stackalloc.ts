// stackalloc/stackfree (Go 1.4 stack.c): power-of-two stacks; those below
// 32 KB come from free lists by order (FixedStack<<order: 2, 4, 8, 16 KB
// with the default StackMin), refilled by cutting a 32 KB span of pages
// (stackpool), larger ones take their own pages (all do under
// --stackfaultonfree).
import type { MHeap } from './mheap.js';
import type { State } from './state.js';

export interface Stack {
  lo: number;
  hi: number;
}

const NumStackOrders = 4;
const StackCacheSize = 32 * 1024;

export class StackAllocator {
  private readonly pool: number[][] = Array.from({ length: NumStackOrders }, () => []);
  inuse = 0;
  sys = 0;

  /** FixedStack: the smallest stack, --stack-min. */
  readonly fixedStack: number;

  constructor(private readonly st: State, private readonly heap: MHeap) {
    this.fixedStack = st.cfg.stackMin;
  }

  /** log2(n / FixedStack): which free list a stack of n bytes belongs to. */
  private order(n: number): number {
    return Math.max(0, Math.round(Math.log2(n / this.fixedStack)));
  }

  alloc(n: number): Stack {
    if (!Number.isInteger(Math.log2(n))) throw new Error(`stack size not a power of 2: ${n}`);
    const dbg = this.st.cfg.stackDebug;
    if (dbg >= 1) this.st.print(`stackalloc ${n}\n`);
    const order = this.order(n);
    let v: number;
    // Under --stackfaultonfree every stack has pages of its own (Go's StackFromSystem), so
    // that protecting a freed one cannot take a live neighbour's page with it.
    const small = order < NumStackOrders && n < StackCacheSize && !this.st.cfg.stackFaultOnFree;
    if (small && this.pool[order]!.length === 0) this.refill(order, n);
    const cached = small ? this.pool[order]!.pop() : undefined;
    if (cached !== undefined) {
      v = cached;
      this.st.mem.fill(v, n, 0);
    } else {
      v = this.heap.alloc(n);
      this.heap.setStack(v, n, true);
      this.sys += n;
    }
    this.inuse += n;
    if (dbg >= 1) this.st.print(`  allocated 0x${v.toString(16)}\n`);
    return { lo: v, hi: v + n };
  }

  /** stackpoolalloc's refill: a span of StackCacheSize bytes, cut into stacks of n bytes. */
  private refill(order: number, n: number): void {
    const span = this.heap.alloc(StackCacheSize);
    this.heap.setStack(span, StackCacheSize, true);
    this.sys += StackCacheSize;
    for (let a = span + StackCacheSize - n; a >= span; a -= n) this.pool[order]!.push(a);
  }

  free(stk: Stack): void {
    const n = stk.hi - stk.lo;
    if (this.st.cfg.stackDebug >= 1) {
      this.st.print(`stackfree 0x${stk.lo.toString(16)} ${n}\n`);
      this.st.mem.fill(stk.lo, n, 0xfc); // clobber the freed stack, as StackDebug does
    }
    this.inuse -= n;
    if (this.st.cfg.stackFaultOnFree) {
      // StackFaultOnFree: the stack is never reused and any later access faults.
      this.st.mem.protect(stk.lo, n, true);
      return;
    }
    const order = this.order(n);
    if (order < NumStackOrders && n < StackCacheSize) this.pool[order]!.push(stk.lo);
    else {
      this.heap.setStack(stk.lo, n, false);
      this.heap.release(stk.lo, n);
      this.sys -= n;
    }
  }
}
