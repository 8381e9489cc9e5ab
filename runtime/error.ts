// Go's error.go: the runtime's own error values, as interfaces (type, data).
// An errorCString (seed 000) points at a static C string in read-only data,
// so raising one allocates nothing: a fault in malloc, or a divide by zero
// in a loop, needs no memory to report itself. The others carry values made
// at the panic (a boundsError's index and length, a TypeAssertionError's
// text) and are allocated, as in Go.
import { runtimeCStringSym, runtimePlainErrorSym, type RuntimeCString, type RuntimePlainError } from '../abi/type.js';
import { mallocgc, STRING_PTRS } from './malloc.js';
import type { Runtime } from './runtime.js';
import type { State } from './state.js';
import { runtimeType } from './type.js';

export interface Eface {
  readonly typ: number;
  readonly data: number;
}

/** newErrorCString: a runtime error whose text is a static C string. */
export function errorCString(st: State, key: RuntimeCString): Eface {
  return { typ: runtimeType(st, 'errorCString'), data: st.img.symbols.get(runtimeCStringSym(key))!.addr };
}

/** A plainError (a channel's panic): its data word points at a static string header. */
export function plainError(st: State, key: RuntimePlainError): Eface {
  return { typ: runtimeType(st, 'plainError'), data: st.img.symbols.get(runtimePlainErrorSym(key))!.addr };
}

/** A failed index check: its index and length, in a heap object. */
export function boundsError(rt: Runtime, x: bigint, y: bigint): Eface {
  const st = rt.st, W = st.W;
  const p = mallocgc(rt, 2 * W);
  st.stBig(p, x);
  st.stBig(p + W, y);
  return { typ: runtimeType(st, 'boundsError'), data: p };
}

/** A runtime error with a text made at run time (TypeAssertionError): the string in the heap. */
export function typeAssertionError(rt: Runtime, msg: string): Eface {
  return { typ: runtimeType(rt.st, 'TypeAssertionError'), data: heapString(rt, msg) };
}

/** A string's bytes in the heap (gostring): its data pointer and length. */
export function gostringHeap(rt: Runtime, s: string): { p: number; n: number } {
  const st = rt.st, bytes = new TextEncoder().encode(s);
  const p = bytes.length > 0 ? mallocgc(rt, bytes.length) : 0;
  if (p) st.mem.u8.set(bytes, st.mem.off(p, bytes.length, 'write'));
  return { p, n: bytes.length };
}

/** A string header and its bytes in the heap; returns the header's address. */
export function heapString(rt: Runtime, s: string): number {
  const st = rt.st, { p, n } = gostringHeap(rt, s);
  const hdr = mallocgc(rt, 2 * st.W, STRING_PTRS);
  st.stw(hdr, p);
  st.stw(hdr + st.W, n);
  return hdr;
}
