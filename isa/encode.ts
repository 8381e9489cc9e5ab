// Encoding: Inst -> bytes at a given pc, for one target.
import { ARM_OPCODE, X86_OPCODE, realArm, realX86, x86OperandSize } from './encoding.js';
import type { Inst, Operand } from './inst.js';
import { BASE_SB, Cond, Op, OPS, X86_CC } from './ops.js';
import type { Target } from './target.js';

export class EncodeError extends Error {}

/** Size in bytes of inst on target t. Branch size depends only on inst.long. */
export function instSize(t: Target, inst: Inst): number {
  const row = OPS[inst.id]!;
  if (t.family === 'arm') {
    if (realArm(row)) return 4;
    let words = 1;
    for (const a of row.form) if (a === 'i' || a === 'm') words++;
    return words * 4;
  }
  if (realX86(row)) {
    switch (row.op) {
      case Op.JMP: return inst.long ? 5 : 2;
      case Op.JCC: return inst.long ? 6 : 2;
      case Op.CALL: return 5;
      default: return 1; // RET, INT 3
    }
  }
  let n = 1;
  for (const a of row.form) n += x86OperandSize(a, t.ptrSize);
  return n;
}

/** Does a rel8 reach target from an instruction at pc of the short size? */
export function fitsRel8(pc: number, target: number): boolean {
  const rel = target - (pc + 2);
  return rel >= -128 && rel <= 127;
}

function checkCond(t: Target, inst: Inst) {
  const row = OPS[inst.id]!;
  if (t.family === 'x86' && inst.cond !== Cond.AL && row.op !== Op.JCC) {
    throw new EncodeError(`isa: ${row.name} cannot be conditional on ${t.arch}`);
  }
  if (row.op === Op.JCC && inst.cond === Cond.AL) throw new EncodeError('isa: JCC needs a condition');
  if (t.family === 'arm' && !row.arm) throw new EncodeError(`isa: ${row.name} ${row.form} does not exist on arm`);
}

/** Encode inst, located at pc, into out at offset; returns the size written. */
export function encode(t: Target, inst: Inst, pc: number, out: Uint8Array, at: number): number {
  checkCond(t, inst);
  return t.family === 'arm' ? encodeArm(inst, pc, out, at) : encodeX86(t, inst, pc, out, at);
}

function encodeX86(t: Target, inst: Inst, pc: number, out: Uint8Array, at: number): number {
  const row = OPS[inst.id]!;
  const dv = new DataView(out.buffer, out.byteOffset);
  if (realX86(row)) {
    const size = instSize(t, inst);
    const rel = row.form === 'b' ? branchTarget(inst.args[0]!) - (pc + size) : 0;
    switch (row.op) {
      case Op.JMP:
        if (inst.long) { out[at] = 0xe9; dv.setInt32(at + 1, rel, true); } else { putRel8(out, at, 0xeb, rel); }
        return size;
      case Op.JCC: {
        const cc = X86_CC[inst.cond]!;
        if (inst.long) { out[at] = 0x0f; out[at + 1] = 0x80 | cc; dv.setInt32(at + 2, rel, true); } else { putRel8(out, at, 0x70 | cc, rel); }
        return size;
      }
      case Op.CALL: out[at] = 0xe8; dv.setInt32(at + 1, rel, true); return size;
      case Op.RET: out[at] = 0xc3; return 1;
      default: out[at] = 0xcc; return 1; // BREAK: INT $3
    }
  }
  out[at] = X86_OPCODE.code[inst.id]!;
  let p = at + 1;
  row.form.split('').forEach((letter, i) => {
    const a = inst.args[i]!;
    if (a.k !== letter) throw new EncodeError(`isa: ${row.name} ${row.form}: operand ${i} is ${a.k}`);
    if (a.k === 'r') { out[p++] = a.reg; }
    else if (a.k === 'i') {
      if (t.ptrSize === 8) dv.setBigInt64(p, a.imm, true); else dv.setInt32(p, Number(BigInt.asIntN(32, a.imm)), true);
      p += t.ptrSize;
    } else if (a.k === 'm') { out[p] = a.base; dv.setInt32(p + 1, a.disp, true); p += 5; }
  });
  return p - at;
}

function putRel8(out: Uint8Array, at: number, opcode: number, rel: number) {
  if (rel < -128 || rel > 127) throw new EncodeError(`isa: rel8 branch out of range (${rel})`);
  out[at] = opcode;
  out[at + 1] = rel & 0xff;
}

function branchTarget(a: Operand): number {
  if (a.k !== 'b') throw new EncodeError('isa: branch operand expected');
  return a.target;
}

/** The ARM B/BL word: cond | 101 | L | signed 24-bit word offset from pc+8. */
export function armBranchWord(cond: Cond, link: boolean, pc: number, target: number): number {
  const off = (target - (pc + 8)) >> 2;
  if ((target & 3) !== 0 || off < -(1 << 23) || off >= (1 << 23)) throw new EncodeError('isa: ARM branch out of range');
  return ((cond << 28) | (link ? 0x0b000000 : 0x0a000000) | (off & 0xffffff)) >>> 0;
}

function encodeArm(inst: Inst, pc: number, out: Uint8Array, at: number): number {
  const row = OPS[inst.id]!;
  const dv = new DataView(out.buffer, out.byteOffset);
  if (realArm(row)) {
    dv.setUint32(at, armBranchWord(inst.cond, row.op === Op.CALL, pc, branchTarget(inst.args[0]!)), true);
    return 4;
  }
  let word = (inst.cond << 28) | (ARM_OPCODE.code[inst.id]! << 20);
  const extra: number[] = [];
  let field = 16;
  const regField = (r: number) => {
    if (field < 8) throw new EncodeError('isa: too many register fields');
    word |= (r & 0xf) << field;
    field -= 4;
  };
  row.form.split('').forEach((letter, i) => {
    const a = inst.args[i]!;
    if (a.k !== letter) throw new EncodeError(`isa: ${row.name} ${row.form}: operand ${i} is ${a.k}`);
    if (a.k === 'r') regField(a.reg);
    else if (a.k === 'i') extra.push(Number(BigInt.asIntN(32, a.imm)));
    else if (a.k === 'm') { regField(a.base === BASE_SB ? 15 : a.base); extra.push(a.disp); }
  });
  dv.setUint32(at, word >>> 0, true);
  extra.forEach((w, i) => dv.setInt32(at + 4 + 4 * i, w, true));
  return 4 + 4 * extra.length;
}
