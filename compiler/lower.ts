// Lowering one gasm function for one target: operands are checked and
// resolved, each instruction becomes ISA Progs with symbolic frame slots.
// Frame layout, prologue and epilogue come afterwards (frame.ts).
import { Cond, Op } from '../isa/ops.js';
import type { Target } from '../isa/target.js';
import type { Instr, Operand, TextDecl } from './ast.js';
import type { Diagnostics, Pos } from './diag.js';
import { looksLikeRegister } from './parser.js';
import { I, L, R, SYM, ProgList, type PArg } from './proglist.js';
import type { FuncSig, ProgramInfo, Slot } from './symbols.js';
import { lowerPseudo, PSEUDO } from './pseudo.js';
import { ConstError, evalConst, fitsWord, isByteLike, sameType, wordsOf, type Type } from './types.js';
import { AlreadyReported, LowerError, Mover, locAt, type Loc, type Val } from './values.js';
import type { DataNeeds, LoweredFunc, LowerCtx } from './lowerctx.js';
import { MAX_SIZE, NO_DEADLINE, SIZE_LIMIT_NOTE, type Deadline } from './limits.js';

/** ARM's intra-procedure scratch register (IP), free besides R11 (REGTMP). */
const ARM_IP = 12;

export const JCC_CONDS: Record<string, Cond> = {
  JEQ: Cond.EQ, JNE: Cond.NE, JLT: Cond.LT, JLE: Cond.LE, JGT: Cond.GT, JGE: Cond.GE,
  JLO: Cond.LO, JLS: Cond.LS, JHI: Cond.HI, JHS: Cond.HS,
};

const ALU_OPS: Record<string, Op> = {
  ADD: Op.ADD, SUB: Op.SUB, MUL: Op.MUL, AND: Op.AND, OR: Op.OR, XOR: Op.XOR,
  SHL: Op.SHL, SHR: Op.SHR, SAR: Op.SAR, DIV: Op.DIV, MOD: Op.MOD,
};

/** gasm's word instructions: Go spells them with a size suffix (MOVQ, ADDL, MOVW, MOVD, CMPB). */
const WORD_INSTRS = new Set([...Object.keys(ALU_OPS), 'MOV', 'LEA', 'NEG', 'NOT', 'CMP']);

/** For a Go mnemonic whose base gasm has, a hint naming gasm's portable instruction. */
function sizedMnemonicHint(mnem: string): string {
  const m = /^([A-Z]+)[QLWDB]$/.exec(mnem);
  return m && WORD_INSTRS.has(m[1]!) ? ` (gasm's ${m[1]} is word-sized on every target)` : '';
}

export class FuncLowerer implements LowerCtx {
  readonly t: Target;
  readonly W: number;
  readonly pl = new ProgList();
  readonly mv: Mover;
  readonly out: LoweredFunc;
  private readonly slots = new Map<string, { slot: Slot; region: 'arg' | 'local' | 'capture' }>();
  private readonly labelIds = new Map<string, number>();
  private deferWraps = 0;
  /** The instruction being lowered (callSym names it when it needs what gorun lacks). */

  constructor(readonly info: ProgramInfo, readonly decl: TextDecl, readonly data: DataNeeds, readonly diags: Diagnostics, private readonly deadline: Deadline = NO_DEADLINE) {
    this.t = info.t;
    this.W = info.t.ptrSize;
    const sig = info.funcs.get(decl.name)!;
    this.mv = new Mover(this.t, this.pl, () => this.out.ctxtOff, (b) => data.strSym(b));
    this.out = {
      name: decl.name, decl, sig, pl: this.pl, locals: [], localsSize: 0, outSize: 0, calls: new Set(),
      hasCall: false, usesDefer: false, deferArgs: 0, exitLabel: -1, rets: [], ctxtOff: -1, extra: [],
    };
    for (const s of sig.params) this.slots.set(s.name, { slot: s, region: 'arg' });
    for (const s of sig.results) this.slots.set(s.name, { slot: s, region: 'arg' });
    for (const s of sig.captures) this.slots.set(s.name, { slot: s, region: 'capture' });
    if (sig.captures.length > 0) this.out.ctxtOff = this.allocLocal('.ctxt', { kind: 'ptr', size: this.W, ptrs: [true], name: 'ctxt' }, decl.pos);
    const seen = new Map<string, Pos>([...this.slots.values()].map((s) => [s.slot.name, s.slot.pos]));
    for (const l of decl.locals) {
      if (looksLikeRegister(l.name)) diags.error(l.pos, `slot name ${l.name} looks like a register`);
      const prev = seen.get(l.name);
      if (prev) diags.error(l.pos, `duplicate slot ${l.name} (previous at line ${prev.line})`);
      const type = info.resolveType(l.type);
      if (!type || prev) continue;
      seen.set(l.name, l.pos);
      const off = this.allocLocal(l.name, type, l.pos, false);
      this.slots.set(l.name, { slot: { name: l.name, type, off, pos: l.pos }, region: 'local' });
      if (off <= MAX_SIZE && this.out.localsSize > MAX_SIZE) {
        diags.error(l.pos, `locals of ${decl.name} are too large: ${this.out.localsSize} bytes up to ${l.name} ${SIZE_LIMIT_NOTE}`);
      }
    }
    for (const [name] of decl.labels) this.labelIds.set(name, this.pl.newLabel());
  }

  /** Allocate a (possibly hidden) local slot; returns its offset in the locals region. */
  allocLocal(name: string, type: Type, pos: Pos, hidden = true): number {
    const off = this.out.localsSize;
    this.out.locals.push({ name, type, off, pos, hidden });
    this.out.localsSize += wordsOf(type.size, this.W) * this.W;
    return off;
  }

  lower(): LoweredFunc {
    const body = this.decl.body;
    body.forEach((ins, i) => {
      this.deadline.tick();
      for (const [name, l] of this.decl.labels) if (l.index === i) this.pl.bind(this.labelIds.get(name)!);
      this.pl.line = ins.line;
      try {
        this.instr(ins);
      } catch (e) {
        if (e instanceof LowerError || e instanceof ConstError) this.diags.error(e.pos, e.message);
        else if (!(e instanceof AlreadyReported)) throw e;
      }
    });
    for (const [name, l] of this.decl.labels) if (l.index === body.length) this.pl.bind(this.labelIds.get(name)!);
    this.checkFallOff();
    return this.out;
  }

  private checkFallOff() {
    if (this.decl.broken) return; // a line that did not parse may have been the return
    const last = this.decl.body[this.decl.body.length - 1];
    const endLabel = [...this.decl.labels.values()].find((l) => l.index === this.decl.body.length);
    if (last && !endLabel && this.isTerminal(last)) return;
    const pos = endLabel?.pos ?? last?.pos ?? this.decl.pos;
    this.diags.error(pos, `missing return at end of function ${this.decl.name} (it can fall off its end)`);
  }

  private isTerminal(ins: Instr): boolean {
    if (ins.mnem === 'RET' || ins.mnem === 'JMP' || ins.mnem === 'PANIC') return true;
    if (ins.mnem === 'CALL' && ins.call?.fn) {
      const f = this.info.funcs.get(ins.call.fn);
      return f?.runtime ? !f.runtime.returns : false;
    }
    return false;
  }

  // ---- operands

  constant(e: Operand & { k: 'imm' }): bigint {
    const v = evalConst(e.expr, this.W);
    if (!fitsWord(v, this.W)) throw new LowerError(e.pos, `constant ${v} overflows the ${this.W * 8}-bit word of ${this.t.arch}`);
    return BigInt.asIntN(this.W * 8, v);
  }

  private offset(o: Operand & { off: import('./ast.js').Expr | null }): number {
    if (!o.off) return 0;
    const v = evalConst(o.off, this.W);
    if (v < -(1n << 31n) || v >= (1n << 31n)) throw new LowerError(o.pos, `offset ${v} out of range`);
    return Number(v);
  }

  slotLoc(name: string): { loc: Loc; type: Type } | null {
    const s = this.slots.get(name);
    if (!s) return null;
    if (s.region === 'capture') return { loc: { base: 'ctxt', off: s.slot.off }, type: s.slot.type };
    return { loc: { base: 'frame', region: s.region, off: s.slot.off }, type: s.slot.type };
  }

  isCapture(name: string): boolean {
    return this.slots.get(name)?.region === 'capture';
  }

  /** Resolve an operand to a value; `zeroOk` allows `$0` as "zero value of the parameter". */
  val(o: Operand): Val {
    switch (o.k) {
      case 'reg': return { k: 'reg', reg: this.t.portable[o.reg]! };
      case 'imm': return { k: 'imm', v: this.constant(o) };
      case 'bool': return { k: 'imm', v: o.v ? 1n : 0n };
      case 'str': return { k: 'str', bytes: o.bytes };
      case 'fsym': {
        const f = this.info.funcs.get(o.name);
        if (!f) throw new LowerError(o.pos, `undefined function ${o.name}`);
        if (f.runtime && !f.runtime.user) throw new LowerError(o.pos, `${o.name} is not callable from gasm`);
        if (f.captures.length > 0) throw new LowerError(o.pos, `${o.name} has CAPTURES: build its funcval with CLOSURE`);
        return { k: 'addr', sym: this.data.funcvalSym(o.name), off: 0 };
      }
      case 'mem': return { k: 'loc', loc: { base: 'reg', reg: this.t.portable[o.reg]!, off: this.offset(o) }, type: null, whole: false };
      case 'type': throw new LowerError(o.pos, 'unexpected type operand');
      case 'name': {
        const off = this.offset(o);
        const s = this.slotLoc(o.name);
        if (s) {
          if (o.addr) {
            if (s.loc.base === 'ctxt') throw new LowerError(o.pos, `cannot take the address of capture ${o.name} (capture its address instead)`);
            return { k: 'lea', loc: locAt(s.loc, off) };
          }
          if (off < 0 || off >= s.type.size) throw new LowerError(o.pos, `offset ${off} is outside ${o.name} (${s.type.size} bytes)`);
          return { k: 'loc', loc: locAt(s.loc, off), type: off === 0 ? s.type : null, whole: off === 0 };
        }
        const g = this.info.globals.get(o.name);
        if (g) {
          if (o.addr) return { k: 'addr', sym: o.name, off };
          return { k: 'loc', loc: { base: 'sym', sym: o.name, off }, type: off === 0 ? g.type : null, whole: off === 0 };
        }
        if (looksLikeRegister(o.name)) throw new LowerError(o.pos, `unknown register ${o.name} (gasm has R0 through R5)`);
        if (this.labelIds.has(o.name)) throw new LowerError(o.pos, `label ${o.name} used as an operand`);
        if (this.info.funcs.has(o.name)) throw new LowerError(o.pos, `function ${o.name} used as a value (write $${o.name})`);
        throw new LowerError(o.pos, `undefined: ${o.name}`);
      }
    }
  }

  /** A word-sized value (register, immediate, word slot, memory word, address). */
  wordVal(o: Operand, what = 'operand'): Val {
    const v = this.val(o);
    if (v.k === 'str') throw new LowerError(o.pos, `string constant used as a word ${what}`);
    if (v.k === 'loc' && v.type) {
      if (isByteLike(v.type)) throw new LowerError(o.pos, `word access to ${v.type.name} slot ${nameOf(o)} (use MOVB)`);
      if (v.type.size > this.W && v.whole) return { ...v, whole: false };
    }
    if (v.k === 'loc' && !v.type) this.checkWordWithin(o);
    return v;
  }

  isMem(v: Val): boolean {
    return v.k === 'loc';
  }

  dstLoc(o: Operand, what: string): Val & { k: 'loc' } {
    if (o.k === 'name' && this.isCapture(o.name)) throw new LowerError(o.pos, `cannot assign to capture ${o.name} (captures are read-only)`);
    const v = this.val(o);
    if (v.k !== 'loc') throw new LowerError(o.pos, `${what} must be a register, slot or memory operand`);
    return v;
  }

  label(o: Operand | undefined, pos: Pos): number {
    if (!o || o.k !== 'name' || o.addr || o.off) throw new LowerError(o?.pos ?? pos, 'expected a label');
    const id = this.labelIds.get(o.name);
    if (id === undefined) throw new LowerError(o.pos, `undefined label ${o.name}`);
    return id;
  }

  arity(ins: Instr, n: number, form: string) {
    if (ins.operands.length !== n) throw new LowerError(ins.pos, `${ins.mnem} takes ${n} operand${n === 1 ? '' : 's'} (${ins.mnem} ${form})`);
    if (ins.results.length > 0 && !PSEUDO.has(ins.mnem)) throw new LowerError(ins.pos, `${ins.mnem} has no results`);
  }

  // ---- instructions

  private instr(ins: Instr): void {
    const m = ins.mnem;
    if (m in ALU_OPS) return this.alu(ins, ALU_OPS[m]!);
    if (m in JCC_CONDS) {
      this.arity(ins, 1, 'label');
      this.pl.emit(Op.JCC, [L(this.label(ins.operands[0], ins.pos))], JCC_CONDS[m]!);
      return;
    }
    switch (m) {
      case 'NOP': this.arity(ins, 0, ''); this.pl.emit(Op.NOP, []); return;
      case 'MOV': return this.mov(ins);
      case 'MOVB': return this.movb(ins);
      case 'LEA': return this.lea(ins);
      case 'NEG': case 'NOT': return this.unary(ins, m === 'NEG' ? Op.NEG : Op.NOT);
      case 'CMP': return this.cmp(ins);
      case 'BOUNDS': return this.bounds(ins);
      case 'JMP': this.arity(ins, 1, 'label'); this.pl.emit(Op.JMP, [L(this.label(ins.operands[0], ins.pos))]); return;
      case 'RET': return this.ret(ins);
      case 'CALL': return this.call(ins);
    }
    if (PSEUDO.has(m)) return lowerPseudo(this, ins);
    throw new LowerError(ins.pos, `unknown instruction ${ins.mnem}${sizedMnemonicHint(m)}`);
  }

  private mov(ins: Instr) {
    this.arity(ins, 2, 'src, dst');
    const [so, dO] = ins.operands as [Operand, Operand];
    if (dO.k === 'reg') {
      this.mv.load(this.wordVal(so, 'source'), this.t.portable[dO.reg]!, so.pos);
      return;
    }
    const dst = this.dstLoc(dO, 'MOV destination');
    const src = this.val(so);
    if (src.k === 'loc' && this.isMem(src)) {
      // Whole-value copy between two slots of the same type.
      if (src.whole && dst.whole && src.type && dst.type) {
        if (!sameType(src.type, dst.type)) throw new LowerError(so.pos, `MOV between slots of different types ${src.type.name} and ${dst.type.name}`);
        this.mv.copy(src.loc, dst.loc, src.type.size);
        return;
      }
      throw new LowerError(dO.pos, 'MOV takes at most one memory operand');
    }
    if (src.k === 'str') {
      if (!dst.whole || dst.type?.kind !== 'string') throw new LowerError(so.pos, 'a string constant can only be moved into a string slot');
      this.mv.put(src, dst.loc, dst.type.size, so.pos);
      return;
    }
    if (dst.type && isByteLike(dst.type)) throw new LowerError(dO.pos, `word access to ${dst.type.name} slot ${nameOf(dO)} (use MOVB)`);
    this.checkWordWithin(dO);
    this.mv.storeWord(this.wordVal(so, 'source'), dst.loc, so.pos);
  }

  /** A word at `name+off` must stay inside the slot or global. */
  private checkWordWithin(o: Operand) {
    if (o.k !== 'name') return;
    const base = this.slotLoc(o.name)?.type ?? this.info.globals.get(o.name)?.type;
    const off = this.offset(o);
    if (base && off + this.W > base.size) throw new LowerError(o.pos, `word at offset ${off} is outside ${o.name} (${base.size} bytes)`);
  }

  private movb(ins: Instr) {
    this.arity(ins, 2, 'src, dst');
    const [so, dO] = ins.operands as [Operand, Operand];
    const src = this.val(so);
    if (dO.k === 'reg') {
      if (src.k !== 'loc') throw new LowerError(so.pos, 'MOVB into a register loads a byte from memory');
      this.pl.emit(Op.MOVB, [this.mv.mem(src.loc), R(this.t.portable[dO.reg]!)]);
      return;
    }
    const dst = this.dstLoc(dO, 'MOVB destination');
    if (src.k === 'loc') throw new LowerError(dO.pos, 'MOVB takes at most one memory operand');
    if (src.k !== 'reg' && src.k !== 'imm') throw new LowerError(so.pos, 'MOVB stores a register or an immediate');
    this.mv.storeByte(src, dst.loc, so.pos);
  }

  private lea(ins: Instr) {
    this.arity(ins, 2, 'mem, Rn');
    const [so, dO] = ins.operands as [Operand, Operand];
    if (dO.k !== 'reg') throw new LowerError(dO.pos, 'LEA destination must be a register');
    if (so.k === 'name' && so.addr) throw new LowerError(so.pos, 'LEA takes the slot itself, not its address (LEA x, R0)');
    if (so.k === 'name' && this.isCapture(so.name)) throw new LowerError(so.pos, `cannot take the address of capture ${so.name} (capture its address instead)`);
    const v = this.val(so);
    const r = this.t.portable[dO.reg]!;
    if (v.k === 'loc') { this.pl.emit(Op.LEA, [this.mv.mem(v.loc), R(r)]); return; }
    throw new LowerError(so.pos, 'LEA needs a slot, global or memory operand');
  }

  private unary(ins: Instr, op: Op) {
    this.arity(ins, 1, 'dst');
    const o = ins.operands[0]!;
    if (o.k === 'reg') { this.pl.emit(op, [R(this.t.portable[o.reg]!)]); return; }
    const dst = this.dstLoc(o, `${ins.mnem} operand`);
    this.wordVal(o);
    if (this.t.family === 'x86') { this.pl.emit(op, [this.mv.mem(dst.loc)]); return; }
    this.pl.emit(Op.MOV, [this.mv.mem(dst.loc), R(this.t.tmp)]);
    this.pl.emit(op, [R(this.t.tmp)]);
    this.pl.emit(Op.MOV, [R(this.t.tmp), this.mv.mem(dst.loc)]);
  }

  private alu(ins: Instr, op: Op) {
    this.arity(ins, 2, 'src, dst');
    const [so, dO] = ins.operands as [Operand, Operand];
    const src = this.wordVal(so, 'source');
    if ((op === Op.DIV || op === Op.MOD) && src.k === 'imm' && src.v === 0n) throw new LowerError(so.pos, 'division by zero');
    // An immediate is checked above and an address is never zero: only run-time values need the check.
    const divCheck = (op === Op.DIV || op === Op.MOD) && (src.k === 'reg' || src.k === 'loc' || src.k === 'lea');
    if (dO.k === 'reg') {
      const d = this.t.portable[dO.reg]!;
      let s: PArg;
      if (src.k === 'loc' && this.t.family === 'x86' && src.loc.base !== 'ctxt') s = this.mv.mem(src.loc);
      else s = this.mv.regOrImm(src, so.pos);
      if (divCheck) this.divideCheck(s);
      this.pl.emit(op, [s, R(d)]);
      return;
    }
    const dst = this.dstLoc(dO, `${ins.mnem} destination`);
    this.wordVal(dO, 'destination');
    this.checkWordWithin(dO);
    if (src.k === 'loc') throw new LowerError(dO.pos, `${ins.mnem} takes at most one memory operand`);
    if (this.t.family === 'x86') {
      const s = src.k === 'reg' ? R(src.reg) : this.mv.regOrImm(src, so.pos);
      if (divCheck) this.divideCheck(s);
      this.pl.emit(op, [s, this.mv.mem(dst.loc)]);
      return;
    }
    let s: PArg;
    if (src.k === 'reg') s = R(src.reg);
    else if (src.k === 'imm') s = I(src.v);
    else { this.mv.load(src, ARM_IP, so.pos); s = R(ARM_IP); } // R12: ARM's second scratch register
    if (divCheck) this.divideCheck(s);
    this.pl.emit(Op.MOV, [this.mv.mem(dst.loc), R(this.t.tmp)]);
    this.pl.emit(op, [s, R(this.t.tmp)]);
    this.pl.emit(Op.MOV, [R(this.t.tmp), this.mv.mem(dst.loc)]);
  }

  /** As Go's compiler does: an explicit zero test that calls runtime.panicdivide. */
  private divideCheck(divisor: PArg) {
    const ok = this.pl.newLabel();
    if (divisor.k === 'r') this.pl.emit(Op.CMP, [divisor, I(0)]);
    else if (this.t.family === 'x86') this.pl.emit(Op.CMP, [divisor, I(0)]);
    else throw new Error('compiler: ARM divide check needs a register');
    this.pl.emit(Op.JCC, [L(ok)], Cond.NE);
    this.callSym('runtime.panicdivide');
    this.pl.bind(ok);
  }

  private cmp(ins: Instr) {
    this.arity(ins, 2, 'a, b');
    const [ao, bo] = ins.operands as [Operand, Operand];
    const a = this.wordVal(ao), b = this.wordVal(bo);
    if (a.k === 'loc' && b.k === 'loc') throw new LowerError(bo.pos, 'CMP takes at most one memory operand');
    if (a.k === 'imm' && b.k === 'imm') throw new LowerError(bo.pos, 'CMP of two constants');
    this.compare(a, b, ao.pos);
  }

  /** Flags := a - b, using the forms the target has. */
  compare(a: Val, b: Val, pos: Pos) {
    const x86 = this.t.family === 'x86';
    const operand = (v: Val, immOk: boolean, scratch: number): PArg => {
      if (v.k === 'reg') return R(v.reg);
      if ((v.k === 'imm' || v.k === 'addr') && immOk) return v.k === 'imm' ? I(v.v) : { k: 'si', sym: v.sym, off: v.off };
      if (v.k === 'loc' && x86 && v.loc.base !== 'ctxt') return this.mv.mem(v.loc);
      this.mv.load(v, scratch, pos);
      return R(scratch);
    };
    if (!x86) {
      // ARM compares a register with a register or an immediate. When b needs
      // the scratch register too, a goes into the second one (IP), first: a
      // capture's load goes through the scratch register.
      const bInReg = b.k === 'reg' || b.k === 'imm' || b.k === 'addr';
      const aR = operand(a, false, bInReg ? this.t.tmp : ARM_IP);
      this.pl.emit(Op.CMP, [aR, operand(b, true, this.t.tmp)]);
      return;
    }
    const bA = operand(b, true, this.t.tmp);
    const aA = operand(a, bA.k !== 'i' && bA.k !== 'si' && bA.k !== 'm' && bA.k !== 'fm' && bA.k !== 'sm', this.t.tmp);
    if ((aA.k === 'i' || aA.k === 'si') && bA.k !== 'r') {
      this.mv.load(b, this.t.tmp, pos);
      this.pl.emit(Op.CMP, [aA, R(this.t.tmp)]);
      return;
    }
    this.pl.emit(Op.CMP, [aA, bA]);
  }

  private bounds(ins: Instr) {
    this.arity(ins, 2, 'i, n');
    const [io, no] = ins.operands as [Operand, Operand];
    const i = this.wordVal(io), n = this.wordVal(no);
    if (i.k === 'loc' && n.k === 'loc') throw new LowerError(no.pos, 'BOUNDS takes at most one memory operand');
    const ok = this.pl.newLabel();
    this.compare(i, n, io.pos);
    this.pl.emit(Op.JCC, [L(ok)], Cond.LO);
    this.stageArgs(this.info.funcs.get('runtime.panicIndex')!, [i, n], [io, no], 0);
    this.callSym('runtime.panicIndex');
    this.pl.bind(ok);
  }

  private ret(ins: Instr) {
    this.arity(ins, 0, '');
    if (this.out.usesDefer || this.decl.body.some((b) => b.mnem === 'DEFER')) {
      this.pl.emit(Op.JMP, [L(this.exitLabel())]);
      return;
    }
    this.out.rets.push(this.pl.progs.length);
    this.pl.emit(Op.NOP, []); // expanded into the epilogue once the frame is known
  }

  exitLabel(): number {
    if (this.out.exitLabel < 0) this.out.exitLabel = this.pl.newLabel();
    this.out.usesDefer = true;
    return this.out.exitLabel;
  }

  /** Make room in the outgoing area. */
  needOut(size: number) {
    this.out.outSize = Math.max(this.out.outSize, size);
  }

  callSym(name: string) {
    this.out.calls.add(name);
    this.out.hasCall = true;
    // A runtime function that panics puts gopanic's argument (an eface) in our outgoing area.
    if (this.info.funcs.get(name)?.runtime?.panics) this.needOut(2 * this.W);
    this.pl.emit(Op.CALL, [SYM(name)]);
  }

  /** Store call arguments into the outgoing area at base + each parameter's offset. */
  stageArgs(f: FuncSig, vals: Val[] | null, ops: Operand[], base: number, pos?: Pos) {
    const n = ops.length;
    if (n !== f.params.length) {
      const at = n > f.params.length ? ops[f.params.length]!.pos : pos;
      throw new LowerError(at ?? ops[0]?.pos ?? f.decl?.pos ?? { line: 0, col: 0 },
        `${n < f.params.length ? 'not enough' : 'too many'} arguments in call to ${f.name} (have ${n}, want ${f.params.length})`);
    }
    this.needOut(base + f.argsSize);
    f.params.forEach((p, i) => {
      const o = ops[i]!;
      const v = vals ? vals[i]! : this.argVal(o);
      this.checkArg(f, i, p, o, v);
      this.mv.put(v, { base: 'frame', region: 'out', off: base + p.off }, p.type.size, o.pos);
    });
  }

  argVal(o: Operand): Val {
    if (o.k === 'imm') {
      const v = this.constant(o);
      return v === 0n && isZeroLiteral(o) ? { k: 'zero' } : { k: 'imm', v };
    }
    return this.val(o);
  }

  /** The size an argument operand has (indirect calls lay arguments out by these). */
  operandSize(o: Operand, v: Val): number {
    const W = this.W;
    switch (v.k) {
      case 'str': return 2 * W;
      case 'zero': throw new LowerError(o.pos, '$0 as an argument of an indirect call has no type (its size is unknown)');
      case 'loc': return v.whole && v.type ? wordsOf(v.type.size, W) * W : W;
      default: return W;
    }
  }

  private checkArg(f: FuncSig, i: number, p: Slot, o: Operand, v: Val) {
    const W = this.W;
    if (v.k === 'zero') return;
    const have = this.operandSize(o, v);
    const want = wordsOf(p.type.size, W) * W;
    if (have !== want) {
      throw new LowerError(o.pos, `argument ${i + 1} (${p.name}) of ${f.name} has size ${have}, want ${want} (${p.type.name})`);
    }
    if (v.k === 'loc' && v.whole && v.type && v.type.size > W && !sameType(v.type, p.type) && !bothInterfaces(v.type, p.type)) {
      throw new LowerError(o.pos, `argument ${i + 1} (${p.name}) of ${f.name} has type ${v.type.name}, want ${p.type.name}`);
    }
    if (v.k === 'str' && p.type.kind !== 'string') throw new LowerError(o.pos, `argument ${i + 1} (${p.name}) of ${f.name} is a string, want ${p.type.name}`);
  }

  /** Copy results out of the outgoing area into `-> dst` operands. */
  copyResults(f: { name: string; results: readonly Slot[] }, dsts: Operand[], base: number, pos: Pos) {
    if (dsts.length === 0) return;
    if (dsts.length !== f.results.length) {
      throw new LowerError(dsts[0]?.pos ?? pos, `${f.name} returns ${f.results.length} value${f.results.length === 1 ? '' : 's'}, ${dsts.length} named after ->`);
    }
    f.results.forEach((r, i) => this.copyOut(r.type, { base: 'frame', region: 'out', off: base + r.off }, dsts[i]!, `result ${i + 1} of ${f.name}`));
  }

  /** Move a value of type `type` at `src` into a register or slot operand. */
  copyOut(type: Type, src: Loc, d: Operand, what: string) {
    if (d.k === 'reg') {
      if (type.size > this.W) throw new LowerError(d.pos, `${what} is ${type.name} (${type.size} bytes): it does not fit a register`);
      const r = this.t.portable[d.reg]!;
      this.pl.emit(type.size === 1 ? Op.MOVB : Op.MOV, [this.mv.mem(src), R(r)]);
      return;
    }
    const dst = this.dstLoc(d, 'result destination');
    if (dst.whole && dst.type && wordsOf(dst.type.size, this.W) !== wordsOf(type.size, this.W)) {
      throw new LowerError(d.pos, `${what} is ${type.name}, destination is ${dst.type.name}`);
    }
    this.mv.copy(src, dst.loc, type.size === 1 || (dst.type && dst.type.size === 1) ? 1 : wordsOf(type.size, this.W) * this.W);
  }

  private call(ins: Instr) {
    const c = ins.call!;
    if (c.fn !== null) {
      const f = this.info.funcs.get(c.fn);
      if (!f) throw new LowerError(c.fnPos, `undefined function ${c.fn}`);
      if (f.runtime && !f.runtime.user) throw new LowerError(c.fnPos, `${c.fn} is not callable from gasm`);
      if (f.captures.length > 0) throw new LowerError(c.fnPos, `${c.fn} has CAPTURES: call it through a funcval made by CLOSURE`);
      this.stageArgs(f, null, c.args, 0, c.argsPos);
      this.callSym(c.fn);
      this.copyResults(f, ins.results, 0, ins.pos);
      return;
    }
    this.callIndirect(c.via!, c.args, ins.results, ins.pos);
  }

  /** Arguments laid out by their operands' sizes; results by the destinations'. */
  layoutIndirect(args: Operand[], base: number): { vals: Val[]; offs: number[]; end: number } {
    const vals: Val[] = [], offs: number[] = [];
    let off = base;
    for (const a of args) {
      const v = this.argVal(a);
      const size = this.operandSize(a, v);
      vals.push(v);
      offs.push(off);
      off += size;
    }
    return { vals, offs, end: off };
  }

  fnValue(via: Operand): Val {
    const v = this.val(via);
    if (v.k === 'loc') {
      if (v.type && v.type.kind === 'closure') throw new LowerError(via.pos, 'a closure slot is called through its address: LEA it into a register first');
      if (v.type && v.type.kind !== 'func') throw new LowerError(via.pos, `cannot call ${nameOf(via)} of type ${v.type.name}`);
    } else if (v.k !== 'reg') {
      throw new LowerError(via.pos, 'CALL needs a function name, a register or a func slot');
    }
    return v;
  }

  private callIndirect(via: Operand, args: Operand[], results: Operand[], pos: Pos) {
    const fv = this.fnValue(via);
    const { vals, offs, end } = this.layoutIndirect(args, 0);
    vals.forEach((v, i) => this.mv.put(v, { base: 'frame', region: 'out', off: offs[i]! }, this.operandSize(args[i]!, v), args[i]!.pos));
    const resTypes = results.map((r) => this.resultType(r));
    let off = end;
    const resSlots: Slot[] = resTypes.map((type, i) => {
      const s = { name: `r${i}`, type, off, pos };
      off += wordsOf(type.size, this.W) * this.W;
      return s;
    });
    this.needOut(off);
    this.emitIndirectCall(fv, pos, off);
    this.copyResults({ name: 'the called function', results: resSlots }, results, 0, pos);
  }

  resultType(o: Operand): Type {
    if (o.k === 'reg') return { kind: 'int', size: this.W, ptrs: [false], name: 'int' };
    const v = this.val(o);
    if (v.k === 'loc' && v.type && v.whole) return v.type;
    return { kind: 'int', size: this.W, ptrs: [false], name: 'int' };
  }

  /**
   * Go's closure call: context register := funcval; call through its first word.
   * `frame` is the bytes of arguments and results staged: the VM checks it against the callee's.
   */
  emitIndirectCall(fv: Val, pos: Pos, frame: number) {
    const t = this.t;
    this.mv.load(fv, t.ctxt, pos);
    this.pl.emit(Op.MOV, [{ k: 'm', base: t.ctxt, disp: 0 }, R(t.call)]);
    this.out.hasCall = true;
    this.out.calls.add('');
    this.pl.emit(Op.CALL, [R(t.call), I(frame)]);
  }

  newDeferWrapName(): string {
    this.deferWraps++;
    return `${this.decl.name}.deferwrap${this.deferWraps}`;
  }
}

/** error and any have one layout (type, data): a runtime function taking one takes the other. */
function bothInterfaces(a: Type, b: Type): boolean {
  const iface = (t: Type) => t.kind === 'any' || t.kind === 'error';
  return iface(a) && iface(b);
}

function nameOf(o: Operand): string {
  return o.k === 'name' ? o.name : 'operand';
}

function isZeroLiteral(o: Operand & { k: 'imm' }): boolean {
  return o.expr.k === 'num' && o.expr.v === 0n;
}

