// Opcode assignment per target family, derived from the OPS table.
import { Op, OPS, type OpInfo } from './ops.js';

/** Rows that use a real machine encoding rather than gorun's compact one. */
export function realX86(info: OpInfo): boolean {
  return (info.form === 'b' && (info.op === Op.JMP || info.op === Op.JCC || info.op === Op.CALL)) ||
    info.op === Op.RET || info.op === Op.BREAK;
}

export function realArm(info: OpInfo): boolean {
  return info.form === 'b' && (info.op === Op.JMP || info.op === Op.JCC || info.op === Op.CALL);
}

// Bytes that begin a real x86 instruction we use; the compact opcodes avoid them.
const X86_RESERVED = new Set([0x0f, 0xc3, 0xcc, 0xe8, 0xe9, 0xeb]);
for (let b = 0x70; b <= 0x7f; b++) X86_RESERVED.add(b);

function assign(real: (i: OpInfo) => boolean, ok: (i: OpInfo) => boolean, first: number, skip: (code: number) => boolean) {
  const code = new Int16Array(OPS.length).fill(-1);
  const back = new Int16Array(256).fill(-1);
  let next = first;
  OPS.forEach((row, id) => {
    if (real(row) || !ok(row)) return;
    while (skip(next)) next++;
    if (next > 0xff) throw new Error('isa: opcode space exhausted');
    code[id] = next;
    back[next] = id;
    next++;
  });
  return { code, back };
}

/** x86 compact opcode byte per row id (-1: real encoding), and its inverse. */
export const X86_OPCODE = assign(realX86, () => true, 0x10, (c) => X86_RESERVED.has(c));

/** ARM compact opcode8 (bits 27..20) per row id; never 0xA0–0xBF, the B/BL space. */
export const ARM_OPCODE = assign(realArm, (r) => r.arm, 0x01, (c) => c >= 0xa0 && c <= 0xbf);

/** Bytes of one operand of the compact x86 encoding. */
export function x86OperandSize(letter: string, ptrSize: number): number {
  switch (letter) {
    case 'r': return 1;
    case 'i': return ptrSize;
    case 'm': return 5;
    default: throw new Error(`isa: operand ${letter} has no compact encoding`);
  }
}
