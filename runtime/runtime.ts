// One run's runtime: the state and the allocators, Go's package-level
// variables (mheap_, the stack pools, the mcache). Every handler of a
// runtime function (runtime/host.ts) receives it.
import type { Next } from '../vm/machine.js';
import type { MCache } from './mcache.js';
import type { MHeap } from './mheap.js';
import type { StackAllocator } from './stackalloc.js';
import type { State } from './state.js';

/** The collector's bookkeeping (Go's memstats.next_gc and friends). */
export interface GCState {
  /** Heap bytes at which the next collection is due (GOGC=100). */
  next: number;
  /** A collection is due: it runs when the runtime work under way is done. */
  due: boolean;
  /** Collections so far; scavenger runs so far; stacks shrunk so far. */
  numgc: number;
  nscvg: number;
  shrinks: number;
  /** Old stacks of shrunk goroutines, freed when the collection is over (shrinkfinish). */
  readonly freeQueue: { lo: number; hi: number }[];
}

export interface Runtime {
  readonly st: State;
  readonly heap: MHeap;
  readonly stacks: StackAllocator;
  readonly mcache: MCache;
  readonly gc: GCState;
}

/** The body of a runtime function: runs "on g0" at its stub's HOSTCALL, says how the engine goes on. */
export type Handler = (rt: Runtime) => Next;

/** A module's handlers by runtime function name (abi/funcs.ts); runtime/host.ts turns them into the array by id. */
export type Handlers = Readonly<Record<string, Handler>>;
