// Go's mstats.go: ReadMemStats fills the program's MemStats (abi/mstats.ts)
// from the allocators' own counters, with the world stopped (seed 003:
// stoptheworld refuses when the m holds locks or runs on g0).
import { MEMSTATS_FIELDS, type MemStatsField } from '../abi/mstats.js';
import { Next } from '../vm/machine.js';
import { arg } from './asm.js';
import { stoptheworld } from './mgc.js';
import type { Handlers } from './runtime.js';

export const handlers: Handlers = {
  'runtime.ReadMemStats': ({ st, mcache, stacks, gc }) => {
    stoptheworld(st);
    const p = arg(st, 0);
    const values: Record<MemStatsField, number> = {
      Mallocs: mcache.mallocs, Frees: mcache.frees, HeapAlloc: mcache.heapAlloc, HeapSys: mcache.heapSys,
      StackInuse: stacks.inuse, StackSys: stacks.sys, NumGC: gc.numgc, StackGrowths: st.stats.stackGrowths, StackShrinks: gc.shrinks,
    };
    MEMSTATS_FIELDS.forEach((f, i) => st.stw(p + i * st.W, values[f]));
    return Next.Continue;
  },
};
