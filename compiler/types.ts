// gasm types resolved for one target: sizes and pointer maps.
import { MEMSTATS_FIELDS } from '../abi/mstats.js';
import { Panic, PANIC_PTRS } from '../abi/runtime2.js';
import type { Kind } from '../abi/type.js';
import type { Expr } from './ast.js';
import { MAX_CONST_BITS } from './limits.js';

export type { Kind };

export interface Type {
  readonly kind: Kind;
  /** Size in bytes on the target. */
  readonly size: number;
  /** One entry per word of the value: does that word hold a pointer? */
  readonly ptrs: readonly boolean[];
  /** How the type is spelled (`*int`, `[512]byte`, `main.bigBuf`). */
  readonly name: string;
  readonly elem?: Type;
  readonly len?: number;
}

export function wordsOf(size: number, ptrSize: number): number {
  return Math.ceil(size / ptrSize);
}

export function basicType(kind: Kind, ptrSize: number): Type | null {
  const W = ptrSize;
  switch (kind) {
    case 'int': case 'uint': case 'uintptr': return { kind, size: W, ptrs: [false], name: kind };
    case 'byte': case 'bool': return { kind, size: 1, ptrs: [false], name: kind };
    case 'string': return { kind, size: 2 * W, ptrs: [true, false], name: kind };
    case 'any': return { kind, size: 2 * W, ptrs: [false, true], name: kind };
    case 'error': return { kind, size: 2 * W, ptrs: [false, true], name: kind };
    case 'func': return { kind, size: W, ptrs: [true], name: kind };
    default: return null;
  }
}

export function ptrTo(elem: Type, ptrSize: number): Type {
  return { kind: 'ptr', size: ptrSize, ptrs: [true], name: '*' + elem.name, elem };
}

export function chanOf(elem: Type, ptrSize: number): Type {
  return { kind: 'chan', size: ptrSize, ptrs: [true], name: 'chan ' + elem.name, elem };
}

/** [n]elem: its pointer map places each element's words at its byte offset. */
export function arrayOf(elem: Type, n: number, ptrSize: number): Type {
  const size = elem.size * n;
  const ptrs = new Array<boolean>(wordsOf(size, ptrSize)).fill(false);
  if (elem.ptrs.some((p) => p)) {
    for (let i = 0; i < n; i++) {
      elem.ptrs.forEach((p, w) => { if (p) ptrs[(i * elem.size) / ptrSize + w] = true; });
    }
  }
  return { kind: 'array', size, ptrs, name: `[${n}]${elem.name}`, elem, len: n };
}

/** A funcval laid out in place: the code pointer, then each capture word-aligned. */
export function closureOf(fn: string, captures: readonly Type[], ptrSize: number): Type {
  const ptrs: boolean[] = [false];
  for (const c of captures) {
    const words = wordsOf(c.size, ptrSize);
    for (let w = 0; w < words; w++) ptrs.push(c.ptrs[w] ?? false);
  }
  return { kind: 'closure', size: ptrs.length * ptrSize, ptrs, name: `closure ${fn}` };
}

export function named(t: Type, name: string): Type {
  return { ...t, name };
}

/** runtime.MemStats: one word per field of abi/mstats.ts, none a pointer. */
export function memStatsType(ptrSize: number): Type {
  const n = MEMSTATS_FIELDS.length;
  return { kind: 'struct', size: n * ptrSize, ptrs: new Array<boolean>(n).fill(false), name: 'runtime.MemStats' };
}

/** runtime._panic, the panic record in gopanic's frame (abi/runtime2.ts). */
export function panicType(ptrSize: number): Type {
  return { kind: 'struct', size: Panic.words * ptrSize, ptrs: PANIC_PTRS, name: 'runtime._panic' };
}

export const isWordScalar = (t: Type) => t.kind === 'int' || t.kind === 'uint' || t.kind === 'uintptr';
export const isPointerWord = (t: Type) => t.kind === 'ptr' || t.kind === 'func' || t.kind === 'chan';
export const isWord = (t: Type, ptrSize: number) => t.size === ptrSize && t.kind !== 'array' && t.kind !== 'struct' && t.kind !== 'closure';
export const isByteLike = (t: Type) => t.kind === 'byte' || t.kind === 'bool';

export function sameType(a: Type, b: Type): boolean {
  return a.name === b.name && a.size === b.size;
}

export class ConstError extends Error {
  constructor(readonly pos: { line: number; col: number }, message: string) { super(message); }
}

/**
 * Evaluate with Go's untyped-constant arithmetic (exact integers); the caller
 * checks the range. A chain `1+1+…+1` parses left-deep, so the left spine of
 * binary operators is walked in a loop: recursion follows only right operands
 * and unary operators, whose depth the parser bounds (limits.ts MAX_NESTING).
 */
export function evalConst(e: Expr, W: number): bigint {
  const spine: (Expr & { k: 'bin' })[] = [];
  let leftmost = e;
  while (leftmost.k === 'bin') { spine.push(leftmost); leftmost = leftmost.l; }
  let v = evalOperand(leftmost, W);
  // Innermost first: each operator's left operand is the value so far (Go's order: left, right, operator).
  for (let i = spine.length - 1; i >= 0; i--) v = bounded(spine[i]!, binary(spine[i]!, v, evalConst(spine[i]!.r, W)));
  return v;
}

const CONST_LIMIT = 1n << BigInt(MAX_CONST_BITS);
// go/types names the operations that can overflow.
const BINARY_NAMES: Record<string, string> = { '+': 'addition ', '-': 'subtraction ', '*': 'multiplication ', '<<': 'shift ', '^': 'bitwise XOR ' };
const opName = (e: Expr) => (e.k === 'bin' ? BINARY_NAMES[e.op] ?? '' : e.k === 'un' && e.op === '^' ? 'bitwise complement ' : '');

/**
 * Go's compiler keeps untyped integer constants within 512 bits; so does this
 * evaluator, which also keeps every step of a long chain cheap (a chain of
 * `<<1024` would otherwise grow a BigInt by a kilobit per term).
 */
function bounded(e: Expr, v: bigint): bigint {
  if (v >= CONST_LIMIT || v <= -CONST_LIMIT) {
    throw new ConstError(e.pos, `constant ${opName(e)}overflow`);
  }
  return v;
}

function evalOperand(e: Expr, W: number): bigint {
  switch (e.k) {
    case 'num': return bounded(e, e.v);
    case 'W': return BigInt(W);
    case 'un': {
      const x = evalConst(e.x, W);
      return bounded(e, e.op === '-' ? -x : e.op === '^' ? ~x : x);
    }
    case 'bin': return evalConst(e, W);
  }
}

function binary(e: Expr & { k: 'bin' }, l: bigint, r: bigint): bigint {
  switch (e.op) {
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': case '%':
      if (r === 0n) throw new ConstError(e.pos, 'division by zero in constant expression');
      return e.op === '/' ? l / r : l % r;
    case '<<': case '>>':
      if (r < 0n) throw new ConstError(e.pos, `invalid negative shift count ${r}`);
      if (r > 1024n) throw new ConstError(e.pos, `shift count ${r} too large`);
      return e.op === '<<' ? l << r : l >> r;
    case '&': return l & r;
    case '|': return l | r;
    case '^': return l ^ r;
    case '&^': return l & ~r;
  }
  throw new ConstError(e.pos, `unknown operator ${e.op}`);
}

/** Does v fit the target's word, signed or unsigned (as a Go constant converted to uintptr or int)? */
export function fitsWord(v: bigint, ptrSize: number): boolean {
  const bits = BigInt(ptrSize * 8);
  return v >= -(1n << (bits - 1n)) && v < (1n << bits);
}
