// stackalloc/stackfree (Go 1.4 stack.c): power-of-two stacks; those below
// 32 KB come from free lists by order (FixedStack<<order: 2, 4, 8, 16 KB
// with the default StackMin), larger ones take their own pages.
import type { Memory } from '../vm/memory.js';
import type { MHeap } from './mheap.js';

export interface Stack {
  lo: number;
  hi: number;
}

const NumStackOrders = 4;
const StackCacheSize = 32 * 1024;

export interface StackDebugSink {
  debug: number;
  print(s: string): void;
}

export class StackAllocator {
  private readonly pool: number[][] = Array.from({ length: NumStackOrders }, () => []);
  inuse = 0;
  sys = 0;

  constructor(
    private readonly heap: MHeap,
    private readonly mem: Memory,
    readonly fixedStack: number,
    private readonly faultOnFree: boolean,
    private readonly dbg: StackDebugSink,
  ) {}

  private order(n: number): number {
    let order = 0;
    for (let n2 = this.fixedStack; n2 < n; n2 <<= 1) order++;
    return order;
  }

  alloc(n: number): Stack {
    if ((n & (n - 1)) !== 0) throw new Error(`stack size not a power of 2: ${n}`);
    if (this.dbg.debug >= 1) this.dbg.print(`stackalloc ${n}\n`);
    const order = this.order(n);
    let v: number;
    const cached = order < NumStackOrders && n < StackCacheSize ? this.pool[order]!.pop() : undefined;
    if (cached !== undefined) {
      v = cached;
      this.mem.fill(v, n, 0);
    } else {
      v = this.heap.alloc(n);
      this.sys += n;
    }
    this.inuse += n;
    if (this.dbg.debug >= 1) this.dbg.print(`  allocated 0x${v.toString(16)}\n`);
    return { lo: v, hi: v + n };
  }

  free(stk: Stack): void {
    const n = stk.hi - stk.lo;
    if (this.dbg.debug >= 1) {
      this.dbg.print(`stackfree 0x${stk.lo.toString(16)} ${n}\n`);
      this.mem.fill(stk.lo, n, 0xfc); // clobber the freed stack, as StackDebug does
    }
    this.inuse -= n;
    if (this.faultOnFree) {
      // StackFaultOnFree: the stack is never reused and any later access faults.
      this.mem.protect(stk.lo, n, true);
      return;
    }
    const order = this.order(n);
    if (order < NumStackOrders && n < StackCacheSize) this.pool[order]!.push(stk.lo);
    else { this.heap.release(stk.lo, n); this.sys -= n; }
  }
}
