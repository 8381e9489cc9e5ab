// Assembling one function: choose branch sizes (x86 rel8 vs rel32, as
// span6 does, growing until stable), then encode with every symbol resolved.
import { encode, fitsRel8, instSize } from '../isa/encode.js';
import type { Inst, Operand } from '../isa/inst.js';
import { BASE_SB, Op, OPS } from '../isa/ops.js';
import type { Target } from '../isa/target.js';
import type { PCTable } from './image.js';
import type { PArg, Prog } from './proglist.js';

export interface Sized {
  readonly progs: readonly Prog[];
  /** Offset of each prog from the function entry. */
  readonly offs: number[];
  readonly long: boolean[];
  readonly size: number;
  readonly labels: readonly number[];
}

/** A symbol-free stand-in for sizing (sizes never depend on symbol values). */
function sizingInst(p: Prog, long: boolean): Inst {
  const args: Operand[] = p.args.map((a) => {
    switch (a.k) {
      case 'r': return { k: 'r', reg: a.reg };
      case 'i': return { k: 'i', imm: a.imm };
      case 'si': return { k: 'i', imm: 0n };
      case 'm': return { k: 'm', base: a.base, disp: a.disp };
      case 'sm': return { k: 'm', base: BASE_SB, disp: 0 };
      case 'fm': throw new Error('compiler: frame slot left unresolved');
      case 'lbl': case 'sym': return { k: 'b', target: 0 };
    }
  });
  return { id: p.id, cond: p.cond, args, long };
}

export function sizeFunc(t: Target, progs: readonly Prog[], labels: readonly number[]): Sized {
  const long = progs.map(() => false);
  const offs: number[] = new Array(progs.length + 1).fill(0);
  for (let iter = 0; iter < 50; iter++) {
    let pc = 0;
    progs.forEach((p, i) => {
      offs[i] = pc;
      pc += p.virtual ? 0 : instSize(t, sizingInst(p, long[i]!));
    });
    offs[progs.length] = pc;
    let changed = false;
    if (t.family === 'x86') {
      progs.forEach((p, i) => {
        const a = p.args[0];
        const op = OPS[p.id]!.op;
        if (long[i] || !a || a.k !== 'lbl' || (op !== Op.JMP && op !== Op.JCC)) return;
        const target = offs[labels[a.label]!]!;
        if (!fitsRel8(offs[i]!, target)) { long[i] = true; changed = true; }
      });
    }
    if (!changed) return { progs, offs, long, size: pc, labels };
  }
  throw new Error('compiler: branch sizes did not converge');
}

export interface Resolver {
  sym(name: string): number;
}

/** Encode a sized function at entry into out; returns the pc tables. */
export function encodeFunc(t: Target, s: Sized, entry: number, res: Resolver, out: Uint8Array, at: number): { pcsp: PCTable; pcln: PCTable } {
  const pcsp = { pc: [] as number[], value: [] as number[] };
  const pcln = { pc: [] as number[], value: [] as number[] };
  let sp = 0;
  const record = (tab: { pc: number[]; value: number[] }, off: number, v: number) => {
    const n = tab.value.length;
    if (n > 0 && tab.value[n - 1] === v) return;
    if (n > 0 && tab.pc[n - 1] === off) { tab.value[n - 1] = v; return; }
    tab.pc.push(off);
    tab.value.push(v);
  };
  s.progs.forEach((p, i) => {
    const off = s.offs[i]!;
    if (!p.virtual) {
      record(pcsp, off, sp);
      record(pcln, off, p.line);
      const args = p.args.map((a) => resolveArg(a, s, entry, res));
      encode(t, { id: p.id, cond: p.cond, args, long: s.long[i] }, entry + off, out, at + off);
    }
    sp += p.spadj;
  });
  return { pcsp, pcln };
}

function resolveArg(a: PArg, s: Sized, entry: number, res: Resolver): Operand {
  switch (a.k) {
    case 'r': return { k: 'r', reg: a.reg };
    case 'i': return { k: 'i', imm: a.imm };
    case 'm': return { k: 'm', base: a.base, disp: a.disp };
    case 'si': return { k: 'i', imm: BigInt(res.sym(a.sym) + a.off) };
    case 'sm': return { k: 'm', base: BASE_SB, disp: res.sym(a.sym) + a.off };
    case 'lbl': return { k: 'b', target: entry + s.offs[s.labels[a.label]!]! };
    case 'sym': return { k: 'b', target: res.sym(a.sym) };
    case 'fm': throw new Error('compiler: frame slot left unresolved');
  }
}
