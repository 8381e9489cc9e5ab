// Predecoding: the image's code bytes, decoded once (by isa/decode) into
// flat typed arrays the interpreter reads. The bytes stay the truth —
// rewindmorestack reads them from memory — this is only a cache.
import type { Image } from '../compiler/image.js';
import { decode } from '../isa/decode.js';
import { OPS } from '../isa/ops.js';
import { targetOf } from '../isa/target.js';

export interface Code {
  readonly n: number;
  /** ISA row id per instruction slot (255: not an instruction). */
  readonly op: Uint8Array;
  readonly cond: Uint8Array;
  /** Register operands in form order (`ir`: the register is ra); a memory operand's base (0xff = SB) counts as one. */
  readonly ra: Uint8Array;
  readonly rb: Uint8Array;
  /** Displacements of the first and second memory operands. */
  readonly d1: Float64Array;
  readonly d2: Float64Array;
  /** Immediate, split in 32-bit halves. */
  readonly ilo: Int32Array;
  readonly ihi: Int32Array;
  /** Branch target slot, or -1 when the target is not an instruction start. */
  readonly tgt: Int32Array;
  /** Address of each slot, and of the next instruction. */
  readonly pc: Float64Array;
  readonly next: Float64Array;
  /** Code offset -> slot (-1 inside an instruction or in padding). */
  readonly slotOf: Int32Array;
  readonly base: number;
  /** Bytes of arguments and results of the function entered at a slot (-1: not an entry). */
  readonly fnArgs: Int32Array;
  /** The slots [fnFrom, fnTo) of the function each slot belongs to. */
  readonly fnFrom: Int32Array;
  readonly fnTo: Int32Array;
}

export const NOT_AN_INSTRUCTION = 255;

export function predecode(img: Image): Code {
  const t = targetOf(img.arch);
  const base = img.textBase;
  const read = (a: number) => (a - base >= 0 && a - base < img.text.length ? img.text[a - base]! : -1);
  const slotOf = new Int32Array(img.text.length + 1).fill(-1);
  const found: { pc: number; size: number; inst: NonNullable<ReturnType<typeof decode>>['inst'] }[] = [];
  const ranges: [number, number][] = [];
  for (const f of img.funcs) {
    const from = found.length;
    for (let pc = f.entry; pc < f.end;) {
      const d = decode(t, read, pc);
      if (!d) break;
      slotOf[pc - base] = found.length;
      found.push({ pc, size: d.size, inst: d.inst });
      pc += d.size;
    }
    ranges.push([from, found.length]);
  }
  const n = found.length;
  const code: Code = {
    n, base, slotOf,
    op: new Uint8Array(n + 1).fill(NOT_AN_INSTRUCTION), cond: new Uint8Array(n + 1),
    ra: new Uint8Array(n + 1), rb: new Uint8Array(n + 1),
    d1: new Float64Array(n + 1), d2: new Float64Array(n + 1),
    ilo: new Int32Array(n + 1), ihi: new Int32Array(n + 1),
    tgt: new Int32Array(n + 1).fill(-1), pc: new Float64Array(n + 1), next: new Float64Array(n + 1),
    fnFrom: new Int32Array(n + 1), fnTo: new Int32Array(n + 1), fnArgs: new Int32Array(n + 1).fill(-1),
  };
  for (const f of img.funcs) {
    const s = slotOf[f.entry - base]!;
    if (s >= 0) code.fnArgs[s] = f.argsSize;
  }
  for (const [from, to] of ranges) { code.fnFrom.fill(from, from, to); code.fnTo.fill(to, from, to); }
  if (OPS.length >= NOT_AN_INSTRUCTION) throw new Error('vm: too many ISA rows for a byte');
  found.forEach(({ pc, size, inst }, i) => {
    code.op[i] = inst.id;
    code.cond[i] = inst.cond;
    code.pc[i] = pc;
    code.next[i] = pc + size;
    let regs = 0, mems = 0;
    for (const a of inst.args) {
      if (a.k === 'r') { (regs++ === 0 ? code.ra : code.rb)[i] = a.reg; }
      else if (a.k === 'm') {
        (regs++ === 0 ? code.ra : code.rb)[i] = a.base;
        (mems++ === 0 ? code.d1 : code.d2)[i] = a.disp;
      } else if (a.k === 'i') {
        code.ilo[i] = Number(BigInt.asIntN(32, a.imm));
        code.ihi[i] = Number(BigInt.asIntN(32, a.imm >> 32n));
      } else {
        const off = a.target - base;
        code.tgt[i] = off >= 0 && off < slotOf.length ? slotOf[off]! : -1;
        code.d1[i] = a.target;
      }
    }
  });
  return code;
}
