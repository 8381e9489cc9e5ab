// Reading type descriptors (abi/type.ts), as Go's type.go does, strings,
// and the Error() texts of the runtime's own error values (error.go).
import { KIND, RUNTIME_TYPES, runtimeTypeSym, TypeDesc, type RuntimeType } from '../abi/type.js';
import type { State } from './state.js';

const utf8 = new TextDecoder();

export function typeKind(st: State, typ: number): number {
  return st.ldw(typ + TypeDesc.kind * st.W);
}

/** A type's name (type.NAME's string). */
export function typeName(st: State, typ: number): string {
  const p = st.ldw(typ + TypeDesc.name * st.W), n = st.ldw(typ + TypeDesc.nameLen * st.W);
  return utf8.decode(st.mem.readBytes(p, n));
}

export const isKind = (st: State, typ: number, k: keyof typeof KIND): boolean => typ !== 0 && typeKind(st, typ) === KIND[k];

/** The bytes of a string (data pointer, length). */
export function gostringBytes(st: State, ptr: number, len: number): Uint8Array {
  return len === 0 ? new Uint8Array() : st.mem.readBytes(ptr, len);
}

export function gostring(st: State, ptr: number, len: number): string {
  return utf8.decode(gostringBytes(st, ptr, len));
}

/** The address of a runtime type's descriptor (abi/type.ts RUNTIME_TYPES, in every image). */
export function runtimeType(st: State, t: RuntimeType): number {
  return st.img.symbols.get(runtimeTypeSym(t))!.addr;
}

/** Which runtime error type typ is, or null. */
export function runtimeErrorType(st: State, typ: number): RuntimeType | null {
  if (typ === 0) return null;
  for (const t of Object.keys(RUNTIME_TYPES) as RuntimeType[]) if (runtimeType(st, t) === typ) return t;
  return null;
}

/** A NUL-terminated C string at p (errorCString's data), bounded by the mapped memory. */
export function gocstring(st: State, p: number): string {
  const bytes: number[] = [];
  for (let a = p; bytes.length < 1 << 16; a++) {
    const b = st.mem.ld8(a);
    if (b === 0) break;
    bytes.push(b);
  }
  return utf8.decode(new Uint8Array(bytes));
}

/**
 * The Error() text of a runtime error value (type, data), or null when typ
 * is not a runtime error type (error.go's errorCString, boundsError,
 * TypeAssertionError, plainError).
 */
export function errorText(st: State, typ: number, data: number): string | null {
  const W = st.W;
  switch (runtimeErrorType(st, typ)) {
    case 'errorCString': return `runtime error: ${gocstring(st, data)}`;
    case 'boundsError': {
      const x = st.ldBig(data), y = st.ldBig(data + W);
      return `runtime error: ${x < 0 ? `index out of range [${x}]` : `index out of range [${x}] with length ${y}`}`;
    }
    case 'TypeAssertionError': case 'plainError': return gostring(st, st.ldw(data), st.ldw(data + W));
    default: return null;
  }
}
