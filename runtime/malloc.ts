// Go's malloc.go: mallocgc, and the allocation the compiler's lowering calls
// (newobject, for NEW and heap closures). Every object gets its pointer map
// from its type (a descriptor in read-only data, or the runtime's own
// structures' maps from abi/). When the heap has grown past the goal the
// collector set (GOGC=100: twice what survived the last collection), a
// collection is due: it runs once the runtime work under way is done, when
// every value is where the collector looks (runtime/host.ts).
import { TypeDesc } from '../abi/type.js';
import { Next } from '../vm/machine.js';
import { arg, setResult } from './asm.js';
import type { PtrMap } from './mcache.js';
import type { Handlers, Runtime } from './runtime.js';
import type { State } from './state.js';

/** mallocgc: size zeroed bytes from the heap, with pointer map ptrs. */
export function mallocgc(rt: Runtime, size: number, ptrs: PtrMap = null): number {
  const p = rt.mcache.alloc(size, ptrs);
  if (rt.mcache.heapAlloc >= rt.gc.next) rt.gc.due = true;
  return p;
}

/** The pointer map of `count` values of the type at descriptor typ (cached per descriptor and count). */
export function typePtrs(st: State, typ: number, count = 1): PtrMap {
  const key = `${typ}:${count}`;
  let m = ptrCache.get(st)?.get(key);
  if (m !== undefined) return m;
  const W = st.W;
  const words = st.ldw(typ + TypeDesc.ptrWords * W), size = st.ldw(typ + TypeDesc.size * W);
  const bits = st.mem.readBytes(typ + TypeDesc.bitmap * W, Math.ceil(words / 8));
  const one = Array.from({ length: words }, (_, w) => (bits[w >> 3]! >> (w & 7)) & 1);
  m = null;
  if (one.some((b) => b)) {
    // Elements are size bytes apart (a byte-sized element keeps no pointer).
    const stride = Math.ceil(size / W);
    m = new Uint8Array(Math.max(1, stride * count));
    for (let i = 0; i < count; i++) one.forEach((b, w) => { if (b) m![i * stride + w] = 1; });
  }
  if (!ptrCache.has(st)) ptrCache.set(st, new Map());
  ptrCache.get(st)!.set(key, m);
  return m;
}

const ptrCache = new WeakMap<State, Map<string, PtrMap>>();

/** A pointer map with 1 at the given words of a structure of `words` words (the runtime's own structures). */
export function structPtrs(words: number, ptrWords: readonly number[]): Uint8Array {
  const m = new Uint8Array(words);
  for (const w of ptrWords) m[w] = 1;
  return m;
}

/** A string header (data pointer, length) in the heap: its data word is a pointer. */
export const STRING_PTRS: Uint8Array = structPtrs(2, [0]);

export const handlers: Handlers = {
  'runtime.newobject': (rt) => {
    const st = rt.st, typ = arg(st, 0);
    setResult(st, 1, 0, mallocgc(rt, st.ldw(typ + TypeDesc.size * st.W), typePtrs(st, typ)));
    return Next.Continue;
  },
};
