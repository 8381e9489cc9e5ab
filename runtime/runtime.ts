// One run's runtime: the state and the allocators, Go's package-level
// variables (mheap_, the stack pools, the mcache). Every handler of a
// runtime function (runtime/host.ts) receives it.
import type { Next } from '../vm/machine.js';
import type { MCache } from './mcache.js';
import type { MHeap } from './mheap.js';
import type { StackAllocator } from './stackalloc.js';
import type { State } from './state.js';

export interface Runtime {
  readonly st: State;
  readonly heap: MHeap;
  readonly stacks: StackAllocator;
  readonly mcache: MCache;
}

/** The body of a runtime function: runs "on g0" at its stub's HOSTCALL, says how the engine goes on. */
export type Handler = (rt: Runtime) => Next;

/** A module's handlers by runtime function name (abi/funcs.ts); runtime/host.ts turns them into the array by id. */
export type Handlers = Readonly<Record<string, Handler>>;
