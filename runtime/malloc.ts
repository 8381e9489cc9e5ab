// Go's malloc.go: mallocgc and the allocation the compiler's lowering calls
// (newobject, for NEW and heap closures).
import { TypeDesc } from '../abi/type.js';
import { Next } from '../vm/machine.js';
import { arg, setResult } from './asm.js';
import type { Handlers, Runtime } from './runtime.js';

/** mallocgc: size zeroed bytes from the heap. */
export function mallocgc(rt: Runtime, size: number): number {
  return rt.mcache.alloc(size);
}

export const handlers: Handlers = {
  'runtime.newobject': (rt) => {
    const st = rt.st;
    const size = st.ldw(arg(st, 0) + TypeDesc.size * st.W);
    setResult(st, 1, 0, mallocgc(rt, size));
    return Next.Continue;
  },
};
