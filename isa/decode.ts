// Decoding: bytes at pc -> Inst, for one target. The inverse of encode.ts.
import { ARM_OPCODE, X86_OPCODE, x86OperandSize } from './encoding.js';
import type { Inst, Operand } from './inst.js';
import { BASE_SB, Cond, Op, OPS, X86_CC, opId } from './ops.js';
import type { Target } from './target.js';

export interface Decoded {
  readonly inst: Inst;
  readonly size: number;
}

/** Reads code bytes; out-of-range reads return -1 (the decoder then fails). */
export type ByteReader = (addr: number) => number;

const X86_CC_TO_COND = new Int8Array(16).fill(-1);
X86_CC.forEach((cc, cond) => { if (cc >= 0) X86_CC_TO_COND[cc] = cond; });

const ID_JMP = opId(Op.JMP, 'b'), ID_JCC = opId(Op.JCC, 'b'), ID_CALL = opId(Op.CALL, 'b');
const ID_RET = opId(Op.RET, ''), ID_BREAK = opId(Op.BREAK, '');

/** Decode the instruction at pc, or return null if the bytes are not one. */
export function decode(t: Target, read: ByteReader, pc: number): Decoded | null {
  return t.family === 'arm' ? decodeArm(read, pc) : decodeX86(t, read, pc);
}

function u32(read: ByteReader, a: number): number {
  let v = 0;
  for (let i = 3; i >= 0; i--) {
    const b = read(a + i);
    if (b < 0) return NaN;
    v = v * 256 + b;
  }
  return v;
}

const i32 = (read: ByteReader, a: number) => u32(read, a) | 0;

function i8(read: ByteReader, a: number): number {
  const b = read(a);
  return b < 0 ? NaN : (b << 24) >> 24;
}

function decodeX86(t: Target, read: ByteReader, pc: number): Decoded | null {
  const b0 = read(pc);
  if (b0 < 0) return null;
  const jump = (id: number, cond: Cond, size: number, rel: number, long: boolean): Decoded | null =>
    Number.isNaN(rel) ? null : { inst: { id, cond, long, args: [{ k: 'b', target: pc + size + rel }] }, size };
  if (b0 === 0xeb) return jump(ID_JMP, Cond.AL, 2, i8(read, pc + 1), false);
  if (b0 === 0xe9) return jump(ID_JMP, Cond.AL, 5, i32(read, pc + 1), true);
  if (b0 === 0xe8) return jump(ID_CALL, Cond.AL, 5, i32(read, pc + 1), false);
  if (b0 >= 0x70 && b0 <= 0x7f) {
    const cond = X86_CC_TO_COND[b0 & 0xf]!;
    return cond < 0 ? null : jump(ID_JCC, cond, 2, i8(read, pc + 1), false);
  }
  if (b0 === 0x0f) {
    const b1 = read(pc + 1);
    if (b1 < 0x80 || b1 > 0x8f) return null;
    const cond = X86_CC_TO_COND[b1 & 0xf]!;
    return cond < 0 ? null : jump(ID_JCC, cond, 6, i32(read, pc + 2), true);
  }
  if (b0 === 0xc3) return { inst: { id: ID_RET, cond: Cond.AL, args: [] }, size: 1 };
  if (b0 === 0xcc) return { inst: { id: ID_BREAK, cond: Cond.AL, args: [] }, size: 1 };
  const id = X86_OPCODE.back[b0]!;
  if (id < 0) return null;
  const args: Operand[] = [];
  let p = pc + 1;
  for (const letter of OPS[id]!.form) {
    if (letter === 'r') {
      const r = read(p);
      if (r < 0 || r >= t.regNames.length) return null;
      args.push({ k: 'r', reg: r });
    } else if (letter === 'i') {
      const lo = u32(read, p);
      if (Number.isNaN(lo)) return null;
      let v = BigInt(lo);
      if (t.ptrSize === 8) {
        const hi = u32(read, p + 4);
        if (Number.isNaN(hi)) return null;
        v = BigInt.asIntN(64, (BigInt(hi) << 32n) | v);
      } else {
        v = BigInt.asIntN(32, v);
      }
      args.push({ k: 'i', imm: v });
    } else {
      const base = read(p), disp = i32(read, p + 1);
      if (base < 0 || Number.isNaN(disp) || (base !== BASE_SB && base >= t.regNames.length)) return null;
      args.push({ k: 'm', base, disp });
    }
    p += x86OperandSize(letter, t.ptrSize);
  }
  return { inst: { id, cond: Cond.AL, args }, size: p - pc };
}

function decodeArm(read: ByteReader, pc: number): Decoded | null {
  if ((pc & 3) !== 0) return null;
  const w = u32(read, pc);
  if (Number.isNaN(w)) return null;
  if ((w >>> 28) === 15) return null;
  const cond = (w >>> 28) as Cond;
  if (((w >>> 25) & 7) === 5) {
    const link = ((w >>> 24) & 1) === 1;
    const target = pc + 8 + (((w << 8) >> 8) << 2);
    const id = link ? ID_CALL : cond === Cond.AL ? ID_JMP : ID_JCC;
    return { inst: { id, cond, args: [{ k: 'b', target }] }, size: 4 };
  }
  const id = ARM_OPCODE.back[(w >>> 20) & 0xff]!;
  if (id < 0) return null;
  const args: Operand[] = [];
  let field = 16;
  let p = pc + 4;
  for (const letter of OPS[id]!.form) {
    if (letter === 'r') {
      args.push({ k: 'r', reg: (w >>> field) & 0xf });
      field -= 4;
    } else {
      const word = i32(read, p);
      if (Number.isNaN(word)) return null;
      p += 4;
      if (letter === 'i') {
        args.push({ k: 'i', imm: BigInt(word) });
      } else {
        const base = (w >>> field) & 0xf;
        field -= 4;
        args.push({ k: 'm', base: base === 15 ? BASE_SB : base, disp: word });
      }
    }
  }
  return { inst: { id, cond, args }, size: p - pc };
}
