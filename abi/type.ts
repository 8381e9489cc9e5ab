// Type descriptors in read-only data (type.NAME symbols): what the linker
// writes and the runtime reads (printing panic values, UNBOX, the
// allocator's pointer bitmaps). Words, then the pointer bitmap in bytes.

export const TypeDesc = {
  size: 0, kind: 1,
  /** The element type's descriptor (pointers and channels), or 0. */
  elem: 2,
  /** The type's name as a string: data pointer and length. */
  name: 3, nameLen: 4,
  /** Words of the value the bitmap covers; the bitmap follows, one bit per word. */
  ptrWords: 5,
  bitmap: 6,
} as const;

export type Kind = 'int' | 'uint' | 'uintptr' | 'byte' | 'bool' | 'string' | 'any' | 'error'
  | 'ptr' | 'func' | 'chan' | 'array' | 'closure' | 'struct';

/** The kind word of a descriptor. */
export const KIND: Readonly<Record<Kind, number>> = {
  int: 1, uint: 2, uintptr: 3, byte: 4, bool: 5, string: 6, any: 7, error: 8,
  ptr: 9, func: 10, chan: 11, array: 12, closure: 13, struct: 14,
};

/** Bytes of a descriptor whose value has ptrWords words. */
export function typeDescSize(ptrSize: number, ptrWords: number): number {
  return TypeDesc.bitmap * ptrSize + Math.ceil(Math.ceil(ptrWords / 8) / ptrSize) * ptrSize;
}

/**
 * The types of the runtime's own values, whose descriptors every image
 * carries in its read-only data (after the program's): runtime errors. An
 * errorCString's data word points at a static C string (seed 000: raising
 * one allocates nothing); a boundsError's at its two ints; a
 * TypeAssertionError's and a plainError's at a string header.
 */
export const RUNTIME_TYPES = {
  errorCString: { name: 'runtime.errorCString', words: 1 },
  boundsError: { name: 'runtime.boundsError', words: 2 },
  TypeAssertionError: { name: '*runtime.TypeAssertionError', words: 1 },
  plainError: { name: 'runtime.plainError', words: 2 },
} as const;

export type RuntimeType = keyof typeof RUNTIME_TYPES;

/** The static C strings of runtime errors (NUL-terminated, in read-only data, symbol runtime.cstring.KEY). */
export const RUNTIME_CSTRINGS = {
  divide: 'integer divide by zero',
  nilderef: 'invalid memory address or nil pointer dereference',
} as const;

export type RuntimeCString = keyof typeof RUNTIME_CSTRINGS;

export const runtimeTypeSym = (t: RuntimeType) => `type.${RUNTIME_TYPES[t].name}`;
export const runtimeCStringSym = (k: RuntimeCString) => `runtime.cstring.${k}`;

/** The panics of channel operations: plainError values, whose data word points at a static string header. */
export const RUNTIME_PLAIN_ERRORS = {
  sendClosed: 'send on closed channel',
  closeClosed: 'close of closed channel',
  closeNil: 'close of nil channel',
  makechanSize: 'makechan: size out of range',
} as const;

export type RuntimePlainError = keyof typeof RUNTIME_PLAIN_ERRORS;
export const runtimePlainErrorSym = (k: RuntimePlainError) => `runtime.plainerror.${k}`;
