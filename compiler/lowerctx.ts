// The lowering context: what the lowering of the runtime pseudo-instructions
// (pseudo.ts) uses of the function being lowered (lower.ts's FuncLowerer
// implements it). Also the lowered function handed to frame layout and the
// linker.
import type { Target } from '../isa/target.js';
import type { Instr, Operand, TextDecl } from './ast.js';
import type { Diagnostic, Pos } from './diag.js';
import type { ProgList } from './proglist.js';
import type { FuncSig, ProgramInfo, Slot } from './symbols.js';
import type { Type } from './types.js';
import type { Mover, Val } from './values.js';

export interface LocalSlot extends Slot {
  readonly hidden: boolean;
}

/** Data the function needs in read-only memory, named by the linker. */
export interface DataNeeds {
  strSym(bytes: Uint8Array): string;
  strHdrSym(bytes: Uint8Array): string;
  funcvalSym(fn: string): string;
  typeSym(t: Type): string;
}

export interface LoweredFunc {
  readonly name: string;
  readonly decl: TextDecl;
  readonly sig: FuncSig;
  readonly pl: ProgList;
  readonly locals: LocalSlot[];
  localsSize: number;
  outSize: number;
  /** Direct calls and whether any call is indirect (for leaf detection and the nosplit check). */
  readonly calls: Set<string>;
  hasCall: boolean;
  usesDefer: boolean;
  /** The largest argument block this function defers (gopanic's frame holds the program's largest). */
  deferArgs: number;
  /** Label of the compiler-made exit path (deferreturn, then return). */
  exitLabel: number;
  /** Prog indexes of RETs (expanded to epilogues later). */
  readonly rets: number[];
  ctxtOff: number;
  /** Synthesized functions (DEFER PRINT wrappers) to compile too. */
  readonly extra: TextDecl[];
  /** Instructions that call runtime functions gorun does not implement yet (abi/funcs.ts `absent`). */
  readonly unimplemented: Diagnostic[];
}

export interface LowerCtx {
  readonly t: Target;
  readonly W: number;
  readonly info: ProgramInfo;
  readonly data: DataNeeds;
  readonly pl: ProgList;
  readonly mv: Mover;
  readonly out: LoweredFunc;
  /** Resolve an operand to a value. */
  val(o: Operand): Val;
  /** A word-sized value (register, immediate, word slot, memory word, address). */
  wordVal(o: Operand, what?: string): Val;
  /** An argument operand: `$0` becomes the zero value of the parameter. */
  argVal(o: Operand): Val;
  /** A funcval operand of an indirect call (register or func slot). */
  fnValue(via: Operand): Val;
  isCapture(name: string): boolean;
  /** Check the operand count of ins. */
  arity(ins: Instr, n: number, form: string): void;
  allocLocal(name: string, type: Type, pos: Pos, hidden?: boolean): number;
  needOut(size: number): void;
  callSym(name: string): void;
  /** Store call arguments into the outgoing area at base + each parameter's offset. */
  stageArgs(f: FuncSig, vals: Val[] | null, ops: Operand[], base: number, pos?: Pos): void;
  /** Copy results out of the outgoing area into `-> dst` operands. */
  copyResults(f: { name: string; results: readonly Slot[] }, dsts: Operand[], base: number, pos: Pos): void;
  /** Indirect-call arguments laid out by their operands' sizes. */
  layoutIndirect(args: Operand[], base: number): { vals: Val[]; offs: number[]; end: number };
  operandSize(o: Operand, v: Val): number;
  /** The label of the compiler-made exit path (deferreturn, then return). */
  exitLabel(): number;
  newDeferWrapName(): string;
}

