// The interpreter: fetch-decode-execute over the predecoded code, with the
// target's register file, word width and call convention. A gasm call is a
// VM CALL (x86 pushes the return address; ARM BL sets LR): it never recurses
// in JavaScript. The runtime is entered only at HOSTCALL (the bodies of
// runtime.* functions) and at faults; after either, the loop reloads its
// cached state, because the runtime may have moved the stack or switched g.
// An engine runs a given number of instructions (run(steps)) and returns:
// the runtime decides between runs whether the program goes on.
import { G } from '../abi/runtime2.js';
import { Cond, Op, OPS } from '../isa/ops.js';
import type { Target } from '../isa/target.js';
import { Fault, PAGE, type Memory } from './memory.js';
import { NOT_AN_INSTRUCTION, type Code } from './predecode.js';

/**
 * What the runtime tells the loop after a HOSTCALL or a trap: go on; stop
 * (the run has ended); or yield — go on later, from where it would have gone
 * on now (a pause asked for by an observer, a debugger's step).
 */
export const enum Next { Continue, Stop, Yield }

export interface Host {
  /** Run host runtime function id; the machine state is the caller's at the stub. */
  hostcall(m: Machine, id: number): Next;
  /** A fault or a trap raised by an instruction at pc. */
  trap(m: Machine, t: Trap): Next;
}

/** Something that runs gasm code: the interpreter (Machine) or the compiling engine (vm/jit.ts). */
export interface Engine {
  /** Run at most `steps` instructions (below 2^31); Next.Stop or Next.Yield when the host said so. */
  run(steps: number): Next;
}

export type Trap =
  | { readonly k: 'fault'; readonly fault: Fault; readonly pc: number }
  | { readonly k: 'divide'; readonly pc: number }
  | { readonly k: 'breakpoint'; readonly pc: number }
  /** A funcval call whose staged argument frame differs from the callee's. */
  | { readonly k: 'badcall'; readonly pc: number; readonly target: number; readonly size: number }
  /** --checkptr: the store at pc put value, a pointer into a stack, at addr, which is not in a stack. */
  | { readonly k: 'checkptr'; readonly pc: number; readonly addr: number; readonly value: number };

/** Thrown inside the interpreter's loop by a store --checkptr refuses; becomes a 'checkptr' trap. */
class StackPointerStore {
  constructor(readonly addr: number, readonly value: number) {}
}

// Row ids by meaning, so the switch below reads like the ISA table.
const R: Record<string, number> = {};
OPS.forEach((row, id) => { R[`${row.name}_${row.form}`] = id; });
const id = (name: string, form: string) => {
  const v = R[`${name}_${form}`];
  if (v === undefined) throw new Error(`vm: no ISA row ${name} ${form}`);
  return v;
};

const NOP = id('NOP', ''), MOV_RR = id('MOV', 'rr'), MOV_IR = id('MOV', 'ir'), MOV_MR = id('MOV', 'mr'),
  MOV_RM = id('MOV', 'rm'), MOV_IM = id('MOV', 'im'), MOVB_MR = id('MOVB', 'mr'), MOVB_RM = id('MOVB', 'rm'),
  MOVB_IM = id('MOVB', 'im'), LEA = id('LEA', 'mr'), NEG_R = id('NEG', 'r'), NEG_M = id('NEG', 'm'),
  NOT_R = id('NOT', 'r'), NOT_M = id('NOT', 'm'), CMP_RR = id('CMP', 'rr'), CMP_RI = id('CMP', 'ri'),
  CMP_IR = id('CMP', 'ir'), CMP_RM = id('CMP', 'rm'), CMP_MR = id('CMP', 'mr'), CMP_MI = id('CMP', 'mi'),
  JMP_B = id('JMP', 'b'), JMP_R = id('JMP', 'r'), JCC = id('JCC', 'b'), CALL_B = id('CALL', 'b'),
  CALL_R = id('CALL', 'r'), CALL_RI = id('CALL', 'ri'), RET = id('RET', ''), MOVTLS = id('MOVTLS', 'r'), PUSHFRAME = id('PUSHFRAME', 'rm'),
  POPRET = id('POPRET', 'm'), BLKZERO = id('BLKZERO', 'mi'), BLKCOPY = id('BLKCOPY', 'mmi'),
  BREAK = id('BREAK', ''), HOSTCALL = id('HOSTCALL', 'i');

/** For ALU rows: which op and which form (0 rr, 1 ir, 2 mr, 3 rm, 4 im). */
const ALU_OP = new Int8Array(OPS.length).fill(-1);
const ALU_FORM = new Int8Array(OPS.length).fill(-1);
const FORMS = ['rr', 'ir', 'mr', 'rm', 'im'];
OPS.forEach((row, i) => {
  if (row.op >= Op.ADD && row.op <= Op.MOD) { ALU_OP[i] = row.op; ALU_FORM[i] = FORMS.indexOf(row.form); }
});

/** 2^32: a 64-bit word is (high word) * TWO32 + (low word, unsigned). */
export const TWO32 = 4294967296;

export class Machine implements Engine {
  readonly wide: boolean;
  readonly W: number;
  /** Registers: low 32 bits, and (amd64) high 32 bits. */
  readonly r = new Int32Array(16);
  readonly h = new Int32Array(16);
  pc = 0;
  /** g, as x86 TLS holds it (ARM keeps it in R10 as well). */
  get g(): number { return this.gWord; }
  set g(v: number) {
    this.gWord = v;
    this.gw[0] = v | 0;
    this.gw[1] = Math.floor(v / TWO32) | 0;
    const mem = this.mem, o = v - mem.arenaBase;
    const whole = o >= 0 && o + this.gBytes <= mem.arenaSize && o % 4 === 0 && mem.arenaOff + o + this.gBytes < 2 ** 31;
    this.gw[2] = whole ? (mem.arenaOff + o) / 4 : -1;
  }
  private gWord = 0;
  /**
   * As compiled code reads g: its low and high 32 bits (MOVTLS), and the Int32
   * index of its first word in memory when the gBytes at g are all in the arena
   * (else -1): the prologue then loads g.stackguard0 without an address check.
   */
  readonly gw = new Int32Array(3);
  /** Size of the runtime's g structure. */
  readonly gBytes: number;
  // Flags: the operands of the last CMP (a - b).
  fal = 0; fah = 0; fbl = 0; fbh = 0;
  /** Instructions executed so far. */
  steps = 0;
  /**
   * Set by jump(): the host moved execution elsewhere during a HOSTCALL, so
   * the engine goes on at pc instead of after the HOSTCALL (comparing pc
   * with the HOSTCALL's own address cannot tell: a goroutine switch may land
   * on the same instruction in another goroutine).
   */
  jumped = false;

  /** Go on at pc after the current HOSTCALL or trap (gogo, jmpdefer, a tail call). */
  jump(pc: number): void {
    this.pc = pc;
    this.jumped = true;
  }

  /** --checkptr: one byte per arena page, 1 where stacks are (set by the runtime; interpreter only). */
  stackPages: Uint8Array | null = null;

  constructor(readonly t: Target, readonly mem: Memory, readonly code: Code, readonly host: Host) {
    this.wide = t.ptrSize === 8;
    this.W = t.ptrSize;
    this.gBytes = G.words * t.ptrSize;
  }

  // ---- register access for the runtime (words as JS numbers, exact below 2^53)

  reg(i: number): number {
    return this.wide ? this.h[i]! * TWO32 + (this.r[i]! >>> 0) : this.r[i]! >>> 0;
  }
  setReg(i: number, v: number): void {
    this.r[i] = v % TWO32;
    if (this.wide) this.h[i] = Math.floor(v / TWO32);
  }
  regBig(i: number): bigint {
    return this.wide ? (BigInt(this.h[i]!) << 32n) | BigInt(this.r[i]! >>> 0) : BigInt(this.r[i]!);
  }
  get sp(): number { return this.reg(this.t.sp); }
  set sp(v: number) { this.setReg(this.t.sp, v); }

  /** Is condition c true for the last CMP? */
  cond(c: number): boolean {
    const wide = this.wide;
    const al = this.fal, bl = this.fbl;
    let eq: boolean, lt: boolean, lo: boolean;
    if (wide && this.fah !== this.fbh) {
      eq = false;
      lt = this.fah < this.fbh;
      lo = (this.fah >>> 0) < (this.fbh >>> 0);
    } else {
      eq = al === bl;
      lt = wide ? (al >>> 0) < (bl >>> 0) : al < bl;
      lo = (al >>> 0) < (bl >>> 0);
    }
    switch (c) {
      case Cond.EQ: return eq;
      case Cond.NE: return !eq;
      case Cond.LT: return lt;
      case Cond.GE: return !lt;
      case Cond.LE: return lt || eq;
      case Cond.GT: return !lt && !eq;
      case Cond.LO: return lo;
      case Cond.HS: return !lo;
      case Cond.LS: return lo || eq;
      case Cond.HI: return !lo && !eq;
      case Cond.AL: return true;
      default: {
        const d = wide ? BigInt.asIntN(64, ((BigInt(this.fah) << 32n) | BigInt(al >>> 0)) - ((BigInt(this.fbh) << 32n) | BigInt(bl >>> 0))) : BigInt((al - bl) | 0);
        if (c === Cond.MI) return d < 0n;
        if (c === Cond.PL) return d >= 0n;
        return false; // VS/VC: overflow is never tested by compiled code
      }
    }
  }

  /** Run exactly `steps` instructions, or fewer when the host says stop. */
  run(steps: number): Next {
    if (steps <= 0) return Next.Continue;
    this.budgetLeft = this.budget = steps;
    try {
      return this.loop(this.slotAt(this.pc), steps);
    } finally {
      this.steps += steps - this.budgetLeft;
      this.budget = this.budgetLeft = 0;
    }
  }

  /** The current run's budget, and the instructions of it not executed yet. */
  private budget = 0;
  private budgetLeft = 0;

  /** Instructions executed so far, also while the interpreter runs (the runtime's observers read it). */
  get clock(): number {
    return this.steps + this.budget - this.budgetLeft;
  }

  private loop(slot: number, budget: number): Next {
    const code = this.code, mem = this.mem, r = this.r, h = this.h, wide = this.wide, W = this.W;
    const op = code.op, cnd = code.cond, ra = code.ra, rb = code.rb, d1 = code.d1, d2 = code.d2;
    const ilo = code.ilo, ihi = code.ihi, tgt = code.tgt, npc = code.next;
    const u8 = mem.u8, dv = mem.dv;
    const arenaBase = mem.arenaBase, arenaOff = mem.arenaOff, arenaSize = mem.arenaSize;
    const SP = this.t.sp, isArm = this.t.family === 'arm', LR = this.t.lr;
    const codeBase = code.base;

    // Effective address of base register b plus displacement d.
    const ea = (b: number, d: number): number =>
      b === 0xff ? d : wide ? h[b]! * TWO32 + (r[b]! >>> 0) + d : ((r[b]! + d) >>> 0);
    // Buffer offset of an n-byte access at address a.
    const bo = (a: number, n: number, write: boolean): number => {
      const x = a - arenaBase;
      if (x >= 0 && x + n <= arenaSize && !mem.protActive) return arenaOff + x;
      return mem.off(a, n, write ? 'write' : 'read');
    };
    // Word load into (LL, LH); word store from (v, vh).
    let LL = 0, LH = 0;
    const ldw = (a: number) => {
      const o = bo(a, W, false);
      LL = dv.getInt32(o, true);
      LH = wide ? dv.getInt32(o + 4, true) : LL >> 31;
    };
    // --checkptr: the arena's stack pages (null when off). A word that points into a
    // stack may be stored only in a stack.
    const stackPages = this.stackPages;
    const onStack = (a: number): boolean => {
      const p = Math.floor((a - arenaBase) / PAGE);
      return p >= 0 && p < stackPages!.length && stackPages![p] === 1;
    };
    const checkStore = (a: number, v: number, vh: number) => {
      const val = wide ? vh * TWO32 + (v >>> 0) : v >>> 0;
      if (onStack(val) && !onStack(a)) throw new StackPointerStore(a, val);
    };
    const checkCopy = (dst: number, src: number, n: number) => {
      if (onStack(dst)) return;
      for (let i = (W - (dst % W)) % W; i + W <= n; i += W) {
        const o = bo(src + i, W, false);
        checkStore(dst + i, dv.getInt32(o, true), wide ? dv.getInt32(o + 4, true) : 0);
      }
    };
    const stw = (a: number, v: number, vh: number) => {
      if (stackPages !== null) checkStore(a, v, vh);
      const o = bo(a, W, true);
      dv.setInt32(o, v, true);
      if (wide) dv.setInt32(o + 4, vh, true);
    };
    const sethi = (d: number, v: number) => { if (wide) h[d] = v; };

    for (;;) {
      try {
        for (;;) {
          if (budget === 0) { this.pc = code.pc[slot]!; return Next.Continue; }
          this.budgetLeft = --budget;
          const o = op[slot]!;
          const c = cnd[slot]!;
          if (c !== Cond.AL && isArm && !this.cond(c)) { slot++; continue; }
          switch (o) {
            case NOP: slot++; break;
            case MOV_RR: r[rb[slot]!] = r[ra[slot]!]!; sethi(rb[slot]!, h[ra[slot]!]!); slot++; break;
            case MOV_IR: r[ra[slot]!] = ilo[slot]!; sethi(ra[slot]!, ihi[slot]!); slot++; break;
            case MOV_MR: ldw(ea(ra[slot]!, d1[slot]!)); r[rb[slot]!] = LL; sethi(rb[slot]!, LH); slot++; break;
            case MOV_RM: stw(ea(rb[slot]!, d1[slot]!), r[ra[slot]!]!, h[ra[slot]!]!); slot++; break;
            case MOV_IM: stw(ea(ra[slot]!, d1[slot]!), ilo[slot]!, ihi[slot]!); slot++; break;
            case MOVB_MR: r[rb[slot]!] = u8[bo(ea(ra[slot]!, d1[slot]!), 1, false)]!; sethi(rb[slot]!, 0); slot++; break;
            case MOVB_RM: u8[bo(ea(rb[slot]!, d1[slot]!), 1, true)] = r[ra[slot]!]!; slot++; break;
            case MOVB_IM: u8[bo(ea(ra[slot]!, d1[slot]!), 1, true)] = ilo[slot]!; slot++; break;
            case LEA: {
              const a = ea(ra[slot]!, d1[slot]!);
              const d = rb[slot]!;
              if (wide) { r[d] = a % TWO32; h[d] = Math.floor(a / TWO32); } else r[d] = a;
              slot++;
              break;
            }
            case CMP_RR: this.fal = r[ra[slot]!]!; this.fah = h[ra[slot]!]!; this.fbl = r[rb[slot]!]!; this.fbh = h[rb[slot]!]!; slot++; break;
            case CMP_RI: this.fal = r[ra[slot]!]!; this.fah = h[ra[slot]!]!; this.fbl = ilo[slot]!; this.fbh = ihi[slot]!; slot++; break;
            case CMP_IR: this.fal = ilo[slot]!; this.fah = ihi[slot]!; this.fbl = r[ra[slot]!]!; this.fbh = h[ra[slot]!]!; slot++; break;
            case CMP_RM: ldw(ea(rb[slot]!, d1[slot]!)); this.fal = r[ra[slot]!]!; this.fah = h[ra[slot]!]!; this.fbl = LL; this.fbh = LH; slot++; break;
            case CMP_MR: ldw(ea(ra[slot]!, d1[slot]!)); this.fal = LL; this.fah = LH; this.fbl = r[rb[slot]!]!; this.fbh = h[rb[slot]!]!; slot++; break;
            case CMP_MI: ldw(ea(ra[slot]!, d1[slot]!)); this.fal = LL; this.fah = LH; this.fbl = ilo[slot]!; this.fbh = ihi[slot]!; slot++; break;
            case JMP_B: slot = this.branch(slot, tgt[slot]!); break;
            case JCC: slot = this.cond(c) ? this.branch(slot, tgt[slot]!) : slot + 1; break;
            case JMP_R: slot = this.jumpTo(this.reg(ra[slot]!)); break;
            case CALL_B:
            case CALL_R:
            case CALL_RI: {
              const ret = npc[slot]!;
              const target = o === CALL_B ? d1[slot]! : this.reg(ra[slot]!);
              if (o === CALL_RI && code.fnArgs[this.slotAt(target)] !== ilo[slot]) {
                this.pc = code.pc[slot]!;
                const n = this.host.trap(this, { k: 'badcall', pc: this.pc, target, size: ilo[slot]! });
                if (n !== Next.Continue) return n;
                slot = this.slotAt(this.pc);
                break;
              }
              if (isArm) {
                this.setReg(LR, ret);
              } else {
                const sp = this.reg(SP) - W;
                stw(sp, ret % TWO32 | 0, Math.floor(ret / TWO32));
                this.setReg(SP, sp);
              }
              slot = o === CALL_B ? this.branch(slot, tgt[slot]!) : this.jumpTo(target);
              break;
            }
            case RET: {
              const sp = this.reg(SP);
              ldw(sp);
              this.setReg(SP, sp + W);
              slot = this.jumpTo(wide ? LH * TWO32 + (LL >>> 0) : LL >>> 0);
              break;
            }
            case MOVTLS: this.setReg(ra[slot]!, this.g); slot++; break;
            case PUSHFRAME: {
              const a = ea(rb[slot]!, d1[slot]!);
              stw(a, r[ra[slot]!]!, h[ra[slot]!]!);
              this.setReg(rb[slot]!, a);
              slot++;
              break;
            }
            case POPRET: {
              const sp = this.reg(SP);
              ldw(sp);
              this.setReg(SP, sp + d1[slot]!);
              slot = this.jumpTo(LL >>> 0);
              break;
            }
            case BLKZERO: {
              const a = ea(ra[slot]!, d1[slot]!), n = ilo[slot]!;
              const x = bo(a, n, true);
              u8.fill(0, x, x + n);
              slot++;
              break;
            }
            case BLKCOPY: {
              const n = ilo[slot]!;
              if (stackPages !== null) checkCopy(ea(rb[slot]!, d2[slot]!), ea(ra[slot]!, d1[slot]!), n);
              const s = bo(ea(ra[slot]!, d1[slot]!), n, false), d = bo(ea(rb[slot]!, d2[slot]!), n, true);
              u8.copyWithin(d, s, s + n);
              slot++;
              break;
            }
            case HOSTCALL: {
              this.pc = code.pc[slot]!;
              this.jumped = false;
              const n = this.host.hostcall(this, ilo[slot]!);
              if (n === Next.Stop) return n;
              slot = this.slotAt(this.jumped ? this.pc : npc[slot]!);
              if (n === Next.Yield) { this.pc = code.pc[slot]!; return n; }
              break;
            }
            case BREAK: {
              this.pc = code.pc[slot]!;
              const n = this.host.trap(this, { k: 'breakpoint', pc: this.pc });
              if (n !== Next.Continue) return n;
              slot = this.slotAt(this.pc);
              break;
            }
            case NEG_R: case NOT_R: {
              const d = ra[slot]!;
              this.unary(o === NEG_R, r[d]!, h[d]!);
              r[d] = this.ul; sethi(d, this.uh);
              slot++;
              break;
            }
            case NEG_M: case NOT_M: {
              const a = ea(ra[slot]!, d1[slot]!);
              ldw(a);
              this.unary(o === NEG_M, LL, LH);
              stw(a, this.ul, this.uh);
              slot++;
              break;
            }
            case NOT_AN_INSTRUCTION:
              this.pc = code.pc[slot] || codeBase;
              throw new Fault(this.pc, 'read', 'unmapped');
            default: {
              const aop = ALU_OP[o]!;
              if (aop < 0) throw new Error(`vm: no handler for ISA row ${o}`);
              // Operands fill ra, rb in form order: the destination register is rb, except in `ir` (ra).
              let sl: number, sh: number, dl: number, dh: number, addr = 0, dr = rb[slot]!;
              switch (ALU_FORM[o]) {
                case 0: sl = r[ra[slot]!]!; sh = h[ra[slot]!]!; dl = r[dr]!; dh = h[dr]!; break;
                case 1: dr = ra[slot]!; sl = ilo[slot]!; sh = ihi[slot]!; dl = r[dr]!; dh = h[dr]!; break;
                case 2: ldw(ea(ra[slot]!, d1[slot]!)); sl = LL; sh = LH; dl = r[dr]!; dh = h[dr]!; break;
                case 3: sl = r[ra[slot]!]!; sh = h[ra[slot]!]!; addr = ea(rb[slot]!, d1[slot]!); ldw(addr); dl = LL; dh = LH; break;
                default: sl = ilo[slot]!; sh = ihi[slot]!; addr = ea(ra[slot]!, d1[slot]!); ldw(addr); dl = LL; dh = LH; break;
              }
              if ((aop === Op.DIV || aop === Op.MOD) && sl === 0 && (!wide || sh === 0)) {
                this.pc = code.pc[slot]!;
                const n = this.host.trap(this, { k: 'divide', pc: this.pc });
                if (n !== Next.Continue) return n;
                slot = this.slotAt(this.pc);
                break;
              }
              if (wide) this.alu64(aop, sl, sh, dl, dh); else this.alu32(aop, sl, dl);
              if (ALU_FORM[o]! >= 3) stw(addr, this.ul, this.uh);
              else { r[dr] = this.ul; sethi(dr, this.uh); }
              slot++;
            }
          }
        }
      } catch (e) {
        if (!(e instanceof Fault) && !(e instanceof StackPointerStore)) throw e;
        this.pc = code.pc[slot]!;
        const n = this.host.trap(this, e instanceof Fault ? { k: 'fault', fault: e, pc: this.pc } : { k: 'checkptr', pc: this.pc, addr: e.addr, value: e.value });
        if (n !== Next.Continue) return n;
        slot = this.slotAt(this.pc);
      }
    }
  }

  // Results of alu32/alu64/unary.
  ul = 0; uh = 0;

  private unary(neg: boolean, l: number, hi: number): void {
    if (!this.wide) { this.ul = neg ? -l | 0 : ~l; this.uh = 0; return; }
    if (!neg) { this.ul = ~l; this.uh = ~hi; return; }
    this.ul = -l | 0;
    this.uh = (~hi + (l === 0 ? 1 : 0)) | 0;
  }

  private alu32(op: number, s: number, d: number): void {
    let v: number;
    switch (op) {
      case Op.ADD: v = (d + s) | 0; break;
      case Op.SUB: v = (d - s) | 0; break;
      case Op.MUL: v = Math.imul(d, s); break;
      case Op.AND: v = d & s; break;
      case Op.OR: v = d | s; break;
      case Op.XOR: v = d ^ s; break;
      case Op.SHL: v = (s >>> 0) >= 32 ? 0 : d << s; break;
      case Op.SHR: v = (s >>> 0) >= 32 ? 0 : (d >>> s) | 0; break;
      case Op.SAR: v = (s >>> 0) >= 32 ? d >> 31 : d >> s; break;
      case Op.DIV: v = s === -1 ? -d | 0 : (d / s) | 0; break; // MinInt/-1 = MinInt, as Go
      default: v = s === -1 ? 0 : (d % s) | 0; break; // MOD: truncated, MinInt%-1 = 0
    }
    this.ul = v;
    this.uh = 0;
  }

  alu64(op: number, sl: number, sh: number, dl: number, dh: number): void {
    switch (op) {
      case Op.ADD: {
        const lo = (dl >>> 0) + (sl >>> 0);
        this.ul = lo | 0;
        this.uh = (dh + sh + (lo >= TWO32 ? 1 : 0)) | 0;
        return;
      }
      case Op.SUB: {
        const lo = (dl >>> 0) - (sl >>> 0);
        this.ul = lo | 0;
        this.uh = (dh - sh - (lo < 0 ? 1 : 0)) | 0;
        return;
      }
      case Op.AND: this.ul = dl & sl; this.uh = dh & sh; return;
      case Op.OR: this.ul = dl | sl; this.uh = dh | sh; return;
      case Op.XOR: this.ul = dl ^ sl; this.uh = dh ^ sh; return;
    }
    // The rest through BigInt: exact 64-bit two's complement, Go's semantics.
    const s = (BigInt(sh) << 32n) | BigInt(sl >>> 0);
    const d = (BigInt(dh) << 32n) | BigInt(dl >>> 0);
    let v: bigint;
    switch (op) {
      case Op.MUL: v = d * s; break;
      case Op.SHL: v = BigInt.asUintN(64, s) >= 64n ? 0n : d << BigInt.asUintN(64, s); break;
      case Op.SHR: v = BigInt.asUintN(64, s) >= 64n ? 0n : BigInt.asUintN(64, d) >> BigInt.asUintN(64, s); break;
      case Op.SAR: v = BigInt.asUintN(64, s) >= 64n ? (d < 0n ? -1n : 0n) : d >> BigInt.asUintN(64, s); break;
      case Op.DIV: v = s === -1n ? -d : d / s; break;
      default: v = s === -1n ? 0n : d % s; break;
    }
    v = BigInt.asIntN(64, v);
    this.ul = Number(BigInt.asIntN(32, v));
    this.uh = Number(BigInt.asIntN(32, v >> 32n));
  }

  /** Slot of an instruction address, or a trap if it is not one. */
  slotAt(pc: number): number {
    const off = pc - this.code.base;
    const s = off >= 0 && off < this.code.slotOf.length ? this.code.slotOf[off]! : -1;
    if (s < 0) throw new Fault(pc, 'read', 'unmapped');
    return s;
  }

  private branch(from: number, to: number): number {
    if (to < 0) throw new Fault(this.code.d1[from]!, 'read', 'unmapped');
    return to;
  }

  private jumpTo(target: number): number {
    return this.slotAt(target);
  }
}
