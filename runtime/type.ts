// Reading type descriptors (abi/type.ts), as Go's type.go does.
import { KIND, TypeDesc } from '../abi/type.js';
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
