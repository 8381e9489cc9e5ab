// Operand values and the moves between them, for one function being lowered.
// Every move uses at most the target's scratch register (t.tmp); captures
// are reached through the context pointer saved in the frame.
import { Op } from '../isa/ops.js';
import type { Target } from '../isa/target.js';
import type { Pos } from './diag.js';
import { FM, I, M, R, SI, SM, type PArg, type ProgList, type Region } from './proglist.js';
import type { Type } from './types.js';

export type Loc =
  | { readonly base: 'frame'; readonly region: Region; readonly off: number }
  | { readonly base: 'reg'; readonly reg: number; readonly off: number }
  | { readonly base: 'sym'; readonly sym: string; readonly off: number }
  | { readonly base: 'ctxt'; readonly off: number };

export type Val =
  | { readonly k: 'reg'; readonly reg: number }
  | { readonly k: 'imm'; readonly v: bigint }
  /** A symbol's address (a static funcval, a global). */
  | { readonly k: 'addr'; readonly sym: string; readonly off: number }
  /** The address of a frame slot: a pointer into the stack. */
  | { readonly k: 'lea'; readonly loc: Loc }
  /** Memory: a typed slot or global (type set), or an untyped word `off(Rn)`. */
  | { readonly k: 'loc'; readonly loc: Loc; readonly type: Type | null; readonly whole: boolean }
  | { readonly k: 'str'; readonly bytes: Uint8Array }
  | { readonly k: 'zero' };

export class LowerError extends Error {
  constructor(readonly pos: Pos, message: string) { super(message); }
}

/** Abandon the instruction: its error has already been reported (no cascade). */
export class AlreadyReported extends Error {}

export const locAt = (loc: Loc, delta: number): Loc => ({ ...loc, off: loc.off + delta });

/** Emits moves for one function. `ctxtSlot` is the local offset of the saved context pointer. */
export class Mover {
  constructor(
    readonly t: Target,
    readonly pl: ProgList,
    readonly ctxtSlot: () => number,
    readonly strSym: (bytes: Uint8Array) => string,
  ) {}

  /** Memory operand for loc; loads the context pointer into tmp for captures. */
  mem(loc: Loc): PArg {
    switch (loc.base) {
      case 'frame': return FM(loc.region, loc.off);
      case 'reg': return M(loc.reg, loc.off);
      case 'sym': return SM(loc.sym, loc.off);
      case 'ctxt':
        this.pl.emit(Op.MOV, [FM('local', this.ctxtSlot()), R(this.t.tmp)]);
        return M(this.t.tmp, loc.off);
    }
  }

  /** Load a word value into register r. */
  load(v: Val, r: number, pos: Pos): void {
    switch (v.k) {
      case 'reg': if (v.reg !== r) this.pl.emit(Op.MOV, [R(v.reg), R(r)]); return;
      case 'imm': this.pl.emit(Op.MOV, [I(v.v), R(r)]); return;
      case 'addr': this.pl.emit(Op.MOV, [SI(v.sym, v.off), R(r)]); return;
      case 'lea': this.pl.emit(Op.LEA, [this.mem(v.loc), R(r)]); return;
      case 'loc': this.pl.emit(Op.MOV, [this.mem(v.loc), R(r)]); return;
      default: throw new LowerError(pos, 'not a word value');
    }
  }

  /** A register or immediate operand for v, loading memory into tmp when needed. */
  regOrImm(v: Val, pos: Pos, armImmOk = true): PArg {
    if (v.k === 'reg') return R(v.reg);
    if (v.k === 'imm' && (armImmOk || this.t.family === 'x86')) return I(v.v);
    if (v.k === 'addr' && (armImmOk || this.t.family === 'x86')) return SI(v.sym, v.off);
    this.load(v, this.t.tmp, pos);
    return R(this.t.tmp);
  }

  /** Store one word of v at loc. */
  storeWord(v: Val, loc: Loc, pos: Pos): void {
    if (v.k === 'reg') { this.pl.emit(Op.MOV, [R(v.reg), this.mem(loc)]); return; }
    if ((v.k === 'imm' || v.k === 'addr') && this.t.family === 'x86') {
      this.pl.emit(Op.MOV, [v.k === 'imm' ? I(v.v) : SI(v.sym, v.off), this.mem(loc)]);
      return;
    }
    this.load(v, this.t.tmp, pos);
    this.pl.emit(Op.MOV, [R(this.t.tmp), this.mem(loc)]);
  }

  storeByte(v: Val, loc: Loc, pos: Pos): void {
    if (v.k === 'reg') { this.pl.emit(Op.MOVB, [R(v.reg), this.mem(loc)]); return; }
    if (v.k === 'imm' && this.t.family === 'x86') { this.pl.emit(Op.MOVB, [I(v.v), this.mem(loc)]); return; }
    if (v.k === 'loc' && v.type && v.type.size === 1) {
      this.pl.emit(Op.MOVB, [this.mem(v.loc), R(this.t.tmp)]);
    } else {
      this.load(v, this.t.tmp, pos);
    }
    this.pl.emit(Op.MOVB, [R(this.t.tmp), this.mem(loc)]);
  }

  /** Copy size bytes (a whole value) from src to dst. */
  copy(src: Loc, dst: Loc, size: number): void {
    const W = this.t.ptrSize;
    if (size === 1) {
      this.pl.emit(Op.MOVB, [this.mem(src), R(this.t.tmp)]);
      this.pl.emit(Op.MOVB, [R(this.t.tmp), this.mem(dst)]);
      return;
    }
    if (size % W === 0 && size <= 4 * W) {
      for (let o = 0; o < size; o += W) {
        this.pl.emit(Op.MOV, [this.mem(locAt(src, o)), R(this.t.tmp)]);
        this.pl.emit(Op.MOV, [R(this.t.tmp), this.mem(locAt(dst, o))]);
      }
      return;
    }
    const s = this.mem(src);
    this.pl.emit(Op.BLKCOPY, [s, this.mem(dst), I(size)]);
  }

  zero(dst: Loc, size: number): void {
    const W = this.t.ptrSize;
    if (size === 1) { this.storeByte({ k: 'imm', v: 0n }, dst, { line: 0, col: 0 }); return; }
    if (size % W === 0 && size <= 4 * W) {
      if (this.t.family === 'arm') {
        this.pl.emit(Op.MOV, [I(0), R(this.t.tmp)]);
        for (let o = 0; o < size; o += W) this.pl.emit(Op.MOV, [R(this.t.tmp), this.mem(locAt(dst, o))]);
      } else {
        for (let o = 0; o < size; o += W) this.pl.emit(Op.MOV, [I(0), this.mem(locAt(dst, o))]);
      }
      return;
    }
    this.pl.emit(Op.BLKZERO, [this.mem(dst), I(size)]);
  }

  /** Write value v (of the given size) at dst: whole copies, strings, zero values, words. */
  put(v: Val, dst: Loc, size: number, pos: Pos): void {
    const W = this.t.ptrSize;
    if (v.k === 'zero') { this.zero(dst, size); return; }
    if (v.k === 'str') {
      this.storeWord({ k: 'addr', sym: this.strSym(v.bytes), off: 0 }, dst, pos);
      this.storeWord({ k: 'imm', v: BigInt(v.bytes.length) }, locAt(dst, W), pos);
      return;
    }
    if (v.k === 'loc' && v.whole && v.type && v.type.size > W) { this.copy(v.loc, dst, v.type.size); return; }
    if (size === 1 && v.k === 'loc' && v.type?.size === 1) { this.storeByte(v, dst, pos); return; }
    this.storeWord(v, dst, pos);
  }
}
