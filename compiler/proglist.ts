// The compiler's instruction list before assembly: ISA rows whose operands
// may still be symbolic (a frame slot, a label, a symbol's address).
import { Cond, Op, opId, type Form } from '../isa/ops.js';

/** Where a frame slot lives: this function's args (and results), its locals, or its outgoing area. */
export type Region = 'arg' | 'local' | 'out';

export type PArg =
  | { readonly k: 'r'; readonly reg: number }
  | { readonly k: 'i'; readonly imm: bigint }
  | { readonly k: 'm'; readonly base: number; readonly disp: number }
  /** Memory in this function's frame, addressed from SP once the frame is laid out. */
  | { readonly k: 'fm'; readonly region: Region; readonly off: number }
  /** Memory at a symbol (+off), absolute. */
  | { readonly k: 'sm'; readonly sym: string; readonly off: number }
  /** The address of a symbol (+off) as an immediate. */
  | { readonly k: 'si'; readonly sym: string; readonly off: number }
  /** A branch to a label of this function. */
  | { readonly k: 'lbl'; readonly label: number }
  /** A branch (call) to a symbol. */
  | { readonly k: 'sym'; readonly sym: string };

export interface Prog {
  readonly id: number;
  readonly cond: Cond;
  readonly args: PArg[];
  readonly line: number;
  /** Change of the frame's SP delta after this instruction (pcsp table). */
  spadj: number;
  /** Encodes to no bytes: liblink's zero-size SP adjustment markers. */
  readonly virtual?: boolean;
}

/** The ISA row for op in the form implied by the operands. */
export function rowFor(op: Op, args: readonly PArg[]): number {
  const form = args.map((a) => letter(a)).join('') as Form;
  const id = opId(op, form);
  if (id < 0) throw new Error(`compiler: no ISA row for op ${op} form ${form}`);
  return id;
}

function letter(a: PArg): string {
  switch (a.k) {
    case 'r': return 'r';
    case 'i': case 'si': return 'i';
    case 'm': case 'fm': case 'sm': return 'm';
    case 'lbl': case 'sym': return 'b';
  }
}

export const R = (reg: number): PArg => ({ k: 'r', reg });
export const I = (v: number | bigint): PArg => ({ k: 'i', imm: BigInt(v) });
export const M = (base: number, disp: number): PArg => ({ k: 'm', base, disp });
export const FM = (region: Region, off: number): PArg => ({ k: 'fm', region, off });
export const SM = (sym: string, off = 0): PArg => ({ k: 'sm', sym, off });
export const SI = (sym: string, off = 0): PArg => ({ k: 'si', sym, off });
export const L = (label: number): PArg => ({ k: 'lbl', label });
export const SYM = (sym: string): PArg => ({ k: 'sym', sym });

/** A function's instruction list under construction; labels are bound to prog indexes. */
export class ProgList {
  readonly progs: Prog[] = [];
  /** label -> index of the prog it precedes */
  readonly labels: number[] = [];
  line = 0;

  newLabel(): number {
    this.labels.push(-1);
    return this.labels.length - 1;
  }
  bind(label: number): void {
    this.labels[label] = this.progs.length;
  }
  emit(op: Op, args: PArg[], cond: Cond = Cond.AL, spadj = 0): Prog {
    const p: Prog = { id: rowFor(op, args), cond, args, line: this.line, spadj };
    this.progs.push(p);
    return p;
  }
}
