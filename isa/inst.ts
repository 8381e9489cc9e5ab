// A decoded (or to-be-encoded) instruction: the table row plus operands.
import { Cond, OPS, type OpInfo } from './ops.js';

export type Operand =
  | { readonly k: 'r'; readonly reg: number }
  | { readonly k: 'i'; readonly imm: bigint }
  | { readonly k: 'm'; readonly base: number; readonly disp: number }
  | { readonly k: 'b'; readonly target: number };

export interface Inst {
  /** Index of the row in OPS. */
  readonly id: number;
  /** Condition: AL except for JCC and ARM's conditionally executed instructions. */
  readonly cond: Cond;
  readonly args: readonly Operand[];
  /** x86 JMP/JCC: use the rel32 form. Set by the assembler (or the decoder). */
  readonly long?: boolean;
}

export function info(inst: Inst): OpInfo {
  return OPS[inst.id]!;
}

export const reg = (r: number): Operand => ({ k: 'r', reg: r });
export const imm = (v: number | bigint): Operand => ({ k: 'i', imm: BigInt(v) });
export const mem = (base: number, disp: number): Operand => ({ k: 'm', base, disp });
export const br = (target: number): Operand => ({ k: 'b', target });
