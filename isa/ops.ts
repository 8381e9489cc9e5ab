// The instruction set: one table from which encoding, decoding and
// rendering are derived (see encode.ts, decode.ts, render.ts).
//
// An instruction is an operation (`Op`) in one operand form. Form letters:
//   r  a register                   i  an immediate word
//   m  memory, base register + disp  b  a branch target (pc-relative)
// Two-operand forms read as Go's Plan 9 order, `OP from, to`:
//   MOV r,m stores, ADD i,r adds an immediate into a register.
// CMP a, b sets the flags from a − b, as Plan 9 x86 does (ARM prints the
// operands the other way round, as Go's ARM assembler does).
//
// Branches, calls and returns use the targets' real encodings (x86: EB/E9
// JMP, 7x/0F 8x Jcc, E8 CALL, C3 RET, CC INT3; ARM: the B and BL words),
// because rewindmorestack decodes the prologue's `jmp start` from code bytes.
// Everything else uses gorun's own compact encoding: on x86 one opcode byte
// then the operands; on ARM one 32-bit word `cond|opcode8|Ra|Rb|Rc|0` then
// one word per immediate or displacement.

export const enum Op {
  NOP, MOV, MOVB, LEA,
  ADD, SUB, MUL, AND, OR, XOR, SHL, SHR, SAR, DIV, MOD,
  NEG, NOT, CMP,
  JMP, JCC, CALL, RET,
  /** Load g from thread-local storage (x86 `MOVQ (TLS), CX`). */
  MOVTLS,
  /** ARM `MOVW.W Rx, -n(R13)`: store and allocate the frame in one step. */
  PUSHFRAME,
  /** ARM `MOVW.P n(R13), R15`: pop the frame and return through the saved LR. */
  POPRET,
  /** Block operations (Go would call duffcopy/duffzero). */
  BLKZERO, BLKCOPY,
  BREAK,
  /** Entry of a runtime function implemented by the host (TypeScript) runtime. */
  HOSTCALL,
}

export type Form = '' | 'r' | 'm' | 'i' | 'b' | 'rr' | 'ir' | 'mr' | 'rm' | 'im' | 'ri' | 'mi' | 'mmi';

export interface OpInfo {
  readonly op: Op;
  readonly name: string;
  readonly form: Form;
  /** Byte access instead of word. */
  readonly byte?: boolean;
  /** Present on ARM (x86 has every form). */
  readonly arm: boolean;
  /** One line of meaning, for the ISA document. */
  readonly doc: string;
}

function row(op: Op, name: string, form: Form, arm: boolean, doc: string, byte = false): OpInfo {
  return { op, name, form, arm, doc, byte };
}

const ALU: [Op, string, string][] = [
  [Op.ADD, 'ADD', '+'], [Op.SUB, 'SUB', '-'], [Op.MUL, 'MUL', '*'],
  [Op.AND, 'AND', '&'], [Op.OR, 'OR', '|'], [Op.XOR, 'XOR', '^'],
  [Op.SHL, 'SHL', '<<'], [Op.SHR, 'SHR', '>>'], [Op.SAR, 'SAR', '>>'],
  [Op.DIV, 'DIV', '/'], [Op.MOD, 'MOD', '%'],
];

function buildTable(): OpInfo[] {
  const t: OpInfo[] = [
    row(Op.NOP, 'NOP', '', true, 'nothing'),
    row(Op.MOV, 'MOV', 'rr', true, 'to := from'),
    row(Op.MOV, 'MOV', 'ir', true, 'to := imm'),
    row(Op.MOV, 'MOV', 'mr', true, 'to := word [base+disp]'),
    row(Op.MOV, 'MOV', 'rm', true, 'word [base+disp] := from'),
    row(Op.MOV, 'MOV', 'im', false, 'word [base+disp] := imm'),
    row(Op.MOVB, 'MOVB', 'mr', true, 'to := byte [base+disp], zero-extended', true),
    row(Op.MOVB, 'MOVB', 'rm', true, 'byte [base+disp] := low byte of from', true),
    row(Op.MOVB, 'MOVB', 'im', false, 'byte [base+disp] := imm', true),
    row(Op.LEA, 'LEA', 'mr', true, 'to := base+disp'),
  ];
  for (const [op, name, sym] of ALU) {
    t.push(row(op, name, 'rr', true, `to := to ${sym} from`));
    t.push(row(op, name, 'ir', true, `to := to ${sym} imm`));
    t.push(row(op, name, 'mr', false, `to := to ${sym} word [base+disp]`));
    t.push(row(op, name, 'rm', false, `word [base+disp] := word [base+disp] ${sym} from`));
    t.push(row(op, name, 'im', false, `word [base+disp] := word [base+disp] ${sym} imm`));
  }
  t.push(
    row(Op.NEG, 'NEG', 'r', true, 'r := -r'),
    row(Op.NEG, 'NEG', 'm', false, 'word [m] := -word [m]'),
    row(Op.NOT, 'NOT', 'r', true, 'r := ^r'),
    row(Op.NOT, 'NOT', 'm', false, 'word [m] := ^word [m]'),
    row(Op.CMP, 'CMP', 'rr', true, 'flags := a - b'),
    row(Op.CMP, 'CMP', 'ri', true, 'flags := a - imm'),
    row(Op.CMP, 'CMP', 'ir', false, 'flags := imm - b'),
    row(Op.CMP, 'CMP', 'rm', false, 'flags := a - word [m]'),
    row(Op.CMP, 'CMP', 'mr', false, 'flags := word [m] - b'),
    row(Op.CMP, 'CMP', 'mi', false, 'flags := word [m] - imm'),
    row(Op.JMP, 'JMP', 'b', true, 'pc := target (x86 EB rel8 / E9 rel32; ARM B)'),
    row(Op.JMP, 'JMP', 'r', true, 'pc := r (ARM B (R14): return from a frameless leaf)'),
    row(Op.JCC, 'JCC', 'b', true, 'if cond(flags) pc := target (x86 7x rel8 / 0F 8x rel32; ARM B.cond)'),
    row(Op.CALL, 'CALL', 'b', true, 'x86: push pc of next, pc := target (E8 rel32); ARM: LR := next, pc := target (BL)'),
    row(Op.CALL, 'CALL', 'r', true, 'the same through a code address held in r'),
    row(Op.CALL, 'CALL', 'ri', true, 'a funcval call through r, staging imm bytes of arguments and results: a callee whose frame differs is a throw'),
    row(Op.RET, 'RET', '', false, 'pc := pop (C3)'),
    row(Op.MOVTLS, 'MOVTLS', 'r', false, 'r := g (MOVQ (TLS), r)'),
    row(Op.PUSHFRAME, 'PUSHFRAME', 'rm', true, 'SP := SP+disp; word [SP] := from (MOVW.W from, disp(R13))'),
    row(Op.POPRET, 'POPRET', 'm', true, 'pc := word [SP]; SP := SP+disp (MOVW.P disp(R13), R15)'),
    row(Op.BLKZERO, 'BLKZERO', 'mi', true, 'imm bytes at [m] := 0'),
    row(Op.BLKCOPY, 'BLKCOPY', 'mmi', true, 'imm bytes at second [m] := bytes at first [m]'),
    row(Op.BREAK, 'BREAK', '', true, 'breakpoint trap (x86 INT $3 = CC)'),
    row(Op.HOSTCALL, 'HOSTCALL', 'i', true, 'run host runtime function imm (the body of a runtime.* function)'),
  );
  return t;
}

/** The table. An instruction's id is its index here. */
export const OPS: readonly OpInfo[] = buildTable();

const byKey = new Map<string, number>();
OPS.forEach((info, id) => byKey.set(`${info.op}:${info.form}`, id));

/** The id of `op` in `form`, or -1 if the ISA has no such instruction. */
export function opId(op: Op, form: Form): number {
  return byKey.get(`${op}:${form}`) ?? -1;
}

// Condition codes, numbered as ARM numbers them (x86 maps them, see encode.ts).
export const enum Cond {
  EQ = 0, NE = 1, HS = 2, LO = 3, MI = 4, PL = 5, VS = 6, VC = 7,
  HI = 8, LS = 9, GE = 10, LT = 11, GT = 12, LE = 13, AL = 14,
}

export const COND_NAMES = ['EQ', 'NE', 'HS', 'LO', 'MI', 'PL', 'VS', 'VC', 'HI', 'LS', 'GE', 'LT', 'GT', 'LE', ''];

/** x86 condition-code nibble (the low nibble of 7x / 0F 8x) for each Cond. */
export const X86_CC: readonly number[] = [0x4, 0x5, 0x3, 0x2, 0x8, 0x9, 0x0, 0x1, 0x7, 0x6, 0xd, 0xc, 0xf, 0xe, -1];

/** x86 Jcc mnemonic per Cond, in Go's spelling. */
export const X86_JCC_NAMES = ['JEQ', 'JNE', 'JCC', 'JCS', 'JMI', 'JPL', 'JOS', 'JOC', 'JHI', 'JLS', 'JGE', 'JLT', 'JGT', 'JLE', 'JMP'];

/** Memory base code for an absolute (SB-relative) address. */
export const BASE_SB = 0xff;
