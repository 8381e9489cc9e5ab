// The code generator of the compiling engine (jit.ts): one gasm function,
// predecoded, becomes the source of one JavaScript function.
//
// Shape: `for (;;) switch (e)` with one case per entry point (the function's
// entry, branch targets, the instruction after a call or branch). A block runs
// from one entry to the next; cases fall through into each other as the code
// does. Every exit to the dispatcher returns a slot (or an Exit code).
//
// The stack pointer fast path. A block that touches the stack starts with one
// guard: SP lies in the arena at least SP_MARGIN bytes from either end, word
// aligned (and, on amd64, its high word is the arena's). Under that guard the
// block's SP-relative loads and stores index the memory directly at a word
// offset fixed for the block, and constant SP moves need no carry into the
// high word, as long as the block's SP moves and displacements stay within
// SP_MARGIN (tests vary it). When the guard fails the block runs in its
// careful copy (the same instructions with every access checked), which the
// runtime can never tell apart: both fault at the same instruction with the
// same state.
import { Cond, Op, OPS } from '../isa/ops.js';
import { TWO32, type Machine } from './machine.js';
import { NOT_AN_INSTRUCTION, type Code } from './predecode.js';

/** How far (bytes) SP-relative accesses of a guarded block may reach from SP at the guard. */
export const SP_MARGIN = 1 << 16;

/** Return sites compared one by one before the general return-address lookup. */
const MAX_RET_SITES = 4;

/** Why generated code returned to the dispatcher (besides "continue at slot"). */
export const enum Exit { HostCall = -1, Tick = -2, Divide = -3, Break = -4, BadCall = -5 }

const ALU_JS32: Partial<Record<Op, (d: string, s: string) => string>> = {
  [Op.ADD]: (d, s) => `(${d} + ${s}) | 0`,
  [Op.SUB]: (d, s) => `(${d} - ${s}) | 0`,
  [Op.MUL]: (d, s) => `Math.imul(${d}, ${s})`,
  [Op.AND]: (d, s) => `${d} & ${s}`,
  [Op.OR]: (d, s) => `${d} | ${s}`,
  [Op.XOR]: (d, s) => `${d} ^ ${s}`,
  [Op.SHL]: (d, s) => `((${s}) >>> 0) >= 32 ? 0 : ${d} << ${s}`,
  [Op.SHR]: (d, s) => `((${s}) >>> 0) >= 32 ? 0 : (${d} >>> ${s}) | 0`,
  [Op.SAR]: (d, s) => `((${s}) >>> 0) >= 32 ? ${d} >> 31 : ${d} >> ${s}`,
  [Op.DIV]: (d, s) => `(${s}) === -1 ? -(${d}) | 0 : (${d} / ${s}) | 0`,
  [Op.MOD]: (d, s) => `(${s}) === -1 ? 0 : (${d} % ${s}) | 0`,
};

/** Inline condition on the flag locals (fal, fah: a; fbl, fbh: b), or null for the rare ones. */
function condExpr(c: number, wide: boolean): string | null {
  if (!wide) {
    switch (c) {
      case Cond.EQ: return 'fal === fbl';
      case Cond.NE: return 'fal !== fbl';
      case Cond.LT: return 'fal < fbl';
      case Cond.GE: return 'fal >= fbl';
      case Cond.LE: return 'fal <= fbl';
      case Cond.GT: return 'fal > fbl';
      case Cond.LO: return '(fal >>> 0) < (fbl >>> 0)';
      case Cond.HS: return '(fal >>> 0) >= (fbl >>> 0)';
      case Cond.LS: return '(fal >>> 0) <= (fbl >>> 0)';
      case Cond.HI: return '(fal >>> 0) > (fbl >>> 0)';
      default: return null;
    }
  }
  const lt = '(fah < fbh || (fah === fbh && (fal >>> 0) < (fbl >>> 0)))';
  const le = '(fah < fbh || (fah === fbh && (fal >>> 0) <= (fbl >>> 0)))';
  const lo = '((fah >>> 0) < (fbh >>> 0) || (fah === fbh && (fal >>> 0) < (fbl >>> 0)))';
  const ls = '((fah >>> 0) < (fbh >>> 0) || (fah === fbh && (fal >>> 0) <= (fbl >>> 0)))';
  switch (c) {
    case Cond.EQ: return '(fal === fbl && fah === fbh)';
    case Cond.NE: return '(fal !== fbl || fah !== fbh)';
    case Cond.LT: return lt;
    case Cond.GE: return `!${lt}`;
    case Cond.LE: return le;
    case Cond.GT: return `!${le}`;
    case Cond.LO: return lo;
    case Cond.HS: return `!${lo}`;
    case Cond.LS: return ls;
    case Cond.HI: return `!${ls}`;
    default: return null;
  }
}

/** Slots where control may enter a function's code: entry, branch targets, after calls and branches. */
function entries(code: Code, from: number, to: number): Set<number> {
  const e = new Set<number>([from]);
  for (let i = from; i < to; i++) {
    const row = OPS[code.op[i]!];
    if (!row) continue;
    const t = code.tgt[i]!;
    if (t >= from && t < to) e.add(t);
    // After a branch, call, host call or trap, control may come back to the next instruction.
    // (A conditionally executed ordinary instruction just falls through: no entry needed.)
    if ((row.op === Op.JCC || row.op === Op.JMP || row.op === Op.CALL || row.op === Op.HOSTCALL || row.op === Op.BREAK) && i + 1 < to) e.add(i + 1);
  }
  return e;
}

/** Does the instruction end its block's straight-line flow (when it executes)? */
function endsFlow(op: Op): boolean {
  return op === Op.JMP || op === Op.CALL || op === Op.RET || op === Op.POPRET || op === Op.HOSTCALL || op === Op.BREAK;
}

/** The register an instruction writes, if any (by form), or -1. */
function destReg(code: Code, i: number): number {
  const row = OPS[code.op[i]!];
  if (!row) return -1;
  switch (row.op) {
    case Op.CMP: case Op.JMP: case Op.JCC: case Op.CALL: case Op.RET: case Op.BLKZERO: case Op.BLKCOPY:
    case Op.HOSTCALL: case Op.BREAK: case Op.NOP: case Op.POPRET: case Op.PUSHFRAME:
      return -1;
  }
  switch (row.form) {
    case 'r': return code.ra[i]!;
    case 'rr': case 'mr': return code.rb[i]!;
    case 'ir': return code.ra[i]!;
    default: return -1;
  }
}

/** The base registers of an instruction's memory operands (LEA's address counts as one). */
function memBases(code: Code, i: number): number[] {
  switch (OPS[code.op[i]!]?.form) {
    case 'mr': return [code.ra[i]!];
    case 'rm': return [code.rb[i]!];
    case 'm': case 'im': case 'mi': return [code.ra[i]!];
    case 'mmi': return [code.ra[i]!, code.rb[i]!];
    default: return [];
  }
}

/** Generates the JavaScript of one gasm function (slots [from, to)). */
class FuncGen {
  private readonly code: Code;
  private readonly wide: boolean;
  private readonly W: number;
  private readonly arm: boolean;
  private readonly SP: number;
  private readonly ents: Set<number>;
  private readonly out: string[] = [];
  // The arena: base (and its high and low words), size, offset in the buffer.
  private readonly AB: number;
  private readonly ABH: number;
  private readonly ABL: number;
  private readonly AS: number;
  private readonly AO: number;
  /** Inside a guarded block: SP moved by `delta` bytes since the guard (null: not guarded, or SP no longer known). */
  private delta: number | null = null;
  /** The register MOVTLS loaded g into, while it still holds g in this block (-1: none). */
  private gReg = -1;
  /** Slots of this function's calls to itself (where its returns are likely to land). */
  private readonly retSites: number[] = [];

  constructor(private readonly m: Machine, private readonly from: number, private readonly to: number, private readonly margin: number) {
    this.code = m.code;
    this.wide = m.wide;
    this.W = m.W;
    this.arm = m.t.family === 'arm';
    this.SP = m.t.sp;
    this.ents = entries(this.code, from, to);
    this.AB = m.mem.arenaBase;
    this.ABH = Math.floor(this.AB / TWO32);
    this.ABL = this.AB % TWO32;
    this.AS = m.mem.arenaSize;
    this.AO = m.mem.arenaOff;
    // A return in this function goes back to its caller: a likely one is this function itself.
    for (let i = from; i < to; i++) {
      if (OPS[this.code.op[i]!]?.op === Op.CALL && this.code.tgt[i] === from && this.ents.has(i + 1)) this.retSites.push(i);
    }
  }

  private emit(s: string): void { this.out.push(s); }
  private R(i: number): string { return `r[${i}]`; }
  private H(i: number): string { return `h[${i}]`; }

  generate(): { src: string; ents: Set<number> } {
    const starts = [...this.ents].sort((a, b) => a - b);
    const careful: [number, number][] = [];
    this.emit('let o = 0, q = 0, w = 0, x = 0, v = 0, y = 0, dl = 0, dh = 0, SPW = 0, GI = 0, jl = 0, jh = 0, at = 0, e = entry;');
    // Steps left in the run's budget, an int32 (a budget is below 2^31 steps).
    this.emit('let fal = FL[0], fah = FL[1], fbl = FL[2], fbh = FL[3], lim = CLK[1], left = (lim - CLK[0]) | 0, nl = 0;');
    this.emit('/*LOAD*/');
    this.emit('out: for (;;) { sw: switch (e) {');
    starts.forEach((s, k) => {
      const end = starts[k + 1] ?? this.to;
      this.emit(`case ${s}:`);
      // Count steps at entry points: compiled code stops only there (the dispatcher finishes a budget in the interpreter).
      // (Rare exits only assign constants: code V8 has never run must not need type feedback.)
      this.emit(`if ((nl = left - ${end - s}) < 0) { at = ${s}; return ${Exit.Tick}; } left = nl;`);
      if (this.touchesStack(s, end)) {
        this.emit(`if (${this.spGuardFails()}) { e = ${this.carefulLabel(s)}; continue; }`);
        this.emit(`SPW = ((${this.R(this.SP)} >>> 0) + ${this.AO - this.ABL}) >> 2;`);
        this.delta = 0;
        careful.push([s, end]);
      }
      this.block(s, end, false);
      this.delta = null;
    });
    for (const [s, end] of careful) {
      this.emit(`case ${this.carefulLabel(s)}:`);
      this.block(s, end, true);
    }
    this.emit(`default: throw new Error('jit: no entry ' + e);`);
    this.emit('}');
    // A computed jump (break sw): in this function when the address is one of its entries.
    const pc = this.wide ? `jh * ${TWO32} + (jl >>> 0)` : '(jl >>> 0)';
    this.emit(`/*SPILL*/ e = S.slotAt(${pc}, at); if (e >= ${this.from} && e < ${this.to} && ENTRY[e] === 1) continue; return e;`);
    this.emit('}');
    this.emit('/*EXIT*/');
    return { src: this.out.join('\n'), ents: this.ents };
  }

  /**
   * The case label of a block's careful copy: just past the function's slots, which
   * no entry of this function uses, so the labels stay dense (V8 then compiles the
   * switch to a jump table, not a search).
   */
  private carefulLabel(s: number): number { return this.to + (s - this.from); }

  /** Does any instruction of [s, end) address memory from SP, or move SP? */
  private touchesStack(s: number, end: number): boolean {
    const code = this.code, SP = this.SP;
    // The guard needs an arena whose low words do not wrap, and buffer offsets that are int32s.
    if (this.ABL + this.AS > TWO32 || this.AO + this.AS >= 2 ** 31) return false;
    for (let i = s; i < end; i++) {
      if (code.op[i] === NOT_AN_INSTRUCTION) continue;
      if (this.writesSP(i) || memBases(code, i).includes(SP)) return true;
    }
    return false;
  }

  /** The guard of a block that touches the stack, true when it FAILS. */
  private spGuardFails(): string {
    const sp = this.R(this.SP);
    const g = `(${sp} - ${this.ABL + this.margin}) >>> 0 > ${this.AS - 2 * this.margin} || (${sp} & 3) !== 0`;
    return this.wide ? `${this.H(this.SP)} !== ${this.ABH} || ${g}` : g;
  }

  /** Emit the instructions [s, end); a careful copy jumps to the next block instead of falling through. */
  private block(s: number, end: number, careful: boolean): void {
    this.gReg = -1;
    let flows = true;
    for (let i = s; i < end; i++) flows = this.instr(i);
    if (!flows) return;
    if (end >= this.to) this.emit(`return ${end};`);
    else if (careful) this.emit(`{ e = ${end}; continue; }`);
  }

  // ---- memory access

  /** SP-relative byte offset from the guard's SP for an n-byte access at d(SP), or null if unguarded. */
  private spRel(b: number, d: number, n: number): number | null {
    if (this.delta === null || b !== this.SP) return null;
    const k = this.delta + d;
    return k >= -this.margin && k + n <= this.margin ? k : null;
  }

  // The exact address of base register b plus d, as a JS number (slow paths only on amd64).
  private ea(b: number, d: number): string {
    if (b === 0xff) return `${d}`;
    return this.wide ? `(h[${b}] * ${TWO32} + (r[${b}] >>> 0) + ${d})` : `((r[${b}] + ${d}) >>> 0)`;
  }

  /** Buffer offset of an n-byte access at d(b): a direct index in a guarded block, an arena bounds test, or the precise slow path. */
  private boff(b: number, d: number, n: number, write: boolean, slot: number): string {
    const k = this.spRel(b, d, n);
    if (k !== null) return `((SPW << 2) + ${k})`;
    const slow = `(/*SPILLX*/ S.off(${this.ea(b, d)}, ${n}, ${write}, ${slot}))`;
    if (b === 0xff) return slow;
    const AS = this.AS, AO = this.AO;
    if (!this.wide) return `((o = ((r[${b}] + ${d}) >>> 0) - ${this.AB}) >= 0 && o <= ${AS - n} ? ${AO} + o : ${slow})`;
    // amd64: the arena's low word starts at 0 and spans less than 2^31, so the
    // low word of an arena address is a non-negative int32.
    if (this.ABL === 0 && AS < 2 ** 31) {
      return `(h[${b}] === ${this.ABH} && r[${b}] >= 0 && (o = r[${b}] + ${d}) >= 0 && o <= ${AS - n} ? ${AO} + o : ${slow})`;
    }
    return `(h[${b}] === ${this.ABH} && (o = (r[${b}] >>> 0) + ${d - this.ABL}) >= 0 && o <= ${AS - n} ? ${AO} + o : ${slow})`;
  }

  /** Load the word at d(b) into lo (and hi). */
  private ldw(b: number, d: number, slot: number, lo: string, hi: string): void {
    const k = this.spRel(b, d, this.W);
    if (k !== null && k % 4 === 0) {
      this.emit(`${lo} = I32[SPW + ${k / 4}];`);
      if (this.wide) this.emit(`${hi} = I32[SPW + ${k / 4 + 1}];`);
      return;
    }
    const gTest = this.holdsG(b, d);
    if (gTest) {
      this.emit(`if (${gTest}) { ${lo} = I32[GI + ${d / 4}];${this.wide ? ` ${hi} = I32[GI + ${d / 4 + 1}];` : ''} } else {`);
    }
    this.emit(`q = ${this.boff(b, d, this.W, false, slot)};`);
    this.emit(`${lo} = (q & 3) === 0 ? I32[q >>> 2] : DV.getInt32(q, true);`);
    if (this.wide) this.emit(`${hi} = (q & 3) === 0 ? I32[(q >>> 2) + 1] : DV.getInt32(q + 4, true);`);
    if (gTest) this.emit('}');
  }

  /**
   * For a word load at d(b) within g's structure: the test that b holds g and g
   * lies whole in the arena (then GI indexes it), or null. On x86 b holds g after
   * MOVTLS in this block; ARM keeps g in its g register, compared with g itself.
   */
  private holdsG(b: number, d: number): string | null {
    if (d < 0 || d % 4 !== 0 || d + this.W > this.m.gBytes) return null;
    if (b === this.gReg) return 'GI >= 0';
    if (this.arm && b === this.m.t.g) return `${this.R(b)} === GW[0] && (GI = GW[2]) >= 0`;
    return null;
  }

  /** Store lo (and hi) as the word at d(b). */
  private stw(b: number, d: number, slot: number, lo: string, hi: string): void {
    const k = this.spRel(b, d, this.W);
    if (k !== null && k % 4 === 0) {
      this.emit(`I32[SPW + ${k / 4}] = ${lo};${this.wide ? ` I32[SPW + ${k / 4 + 1}] = ${hi};` : ''}`);
      return;
    }
    const wide = this.wide;
    this.emit(`q = ${this.boff(b, d, this.W, true, slot)};`);
    this.emit(`if ((q & 3) === 0) { I32[q >>> 2] = ${lo};${wide ? ` I32[(q >>> 2) + 1] = ${hi};` : ''} } else { DV.setInt32(q, ${lo}, true);${wide ? ` DV.setInt32(q + 4, ${hi}, true);` : ''} }`);
  }

  // ---- registers

  private setHi(d: number, v: string): void { if (this.wide) this.emit(`h[${d}] = ${v};`); }

  /** Register i as a JS number (exact below 2^53). */
  private regNum(i: number): string {
    return this.wide ? `(h[${i}] * ${TWO32} + (r[${i}] >>> 0))` : `(r[${i}] >>> 0)`;
  }

  /** Register i := a JS integer (below 2^53 in magnitude). */
  private setRegNum(i: number, v: string): void {
    if (this.wide) this.emit(`w = ${v}; r[${i}] = w | 0; h[${i}] = Math.floor(w / ${TWO32}) | 0;`);
    else this.emit(`r[${i}] = ${v} | 0;`);
  }

  /** dst := src + k for an int32 k, in integer arithmetic (SP moves, LEA). */
  private addReg(dst: number, src: number, k: number): void {
    const SP = this.SP;
    if (src === SP && this.delta !== null) {
      // Guarded: the low word cannot carry while SP stays within the margin of the guard.
      const nd = this.delta + k;
      if (nd >= -this.margin && nd <= this.margin) {
        this.emit(`r[${dst}] = (r[${SP}] + ${k}) | 0;`);
        if (dst !== SP) this.setHi(dst, `h[${SP}]`);
        else this.delta = nd;
        return;
      }
    }
    if (dst === SP) this.delta = null;
    if (!this.wide) { this.emit(`r[${dst}] = (r[${src}] + ${k}) | 0;`); return; }
    if (k !== (k | 0)) { this.setRegNum(dst, `${this.regNum(src)} + ${k}`); return; }
    // 64-bit add of the sign-extended k: carry out of the low word when it wraps below its old value.
    this.emit(`y = r[${src}]; r[${dst}] = (y + ${k}) | 0; h[${dst}] = (h[${src}] + ${k < 0 ? -1 : 0} + ((r[${dst}] >>> 0) < (y >>> 0) ? 1 : 0)) | 0;`);
  }

  private condJs(c: number): string { return condExpr(c, this.wide) ?? `S.cond(${c}, fal, fah, fbl, fbh)`; }

  private jump(slot: number): string {
    return this.ents.has(slot) ? `{ e = ${slot}; continue; }` : `return ${slot};`;
  }

  /**
   * Go to a computed code address (a return address, a funcval): stay in this
   * JS function when it is one of its entries (recursion returns here), else
   * return it to the dispatcher. Never a JS call. `lo`/`hi` hold the address.
   */
  private gotoAddr(lo: string, hi: string | null, i: number, isReturn: boolean): string {
    let s = '';
    if (isReturn && this.retSites.length > 0 && this.retSites.length <= MAX_RET_SITES) {
      const code = this.code;
      const cmp = this.retSites.map((c) => `if (${lo} === ${code.next[c]! | 0}) { e = ${c + 1}; continue; }`).join(' ');
      s = hi ? `if (${hi} === 0) { ${cmp} } ` : `${cmp} `;
    }
    // Else the one general lookup, after the switch.
    return `${s}jl = ${lo};${hi ? ` jh = ${hi};` : ''} at = ${i}; break sw;`;
  }

  // ---- instructions

  /** Emit slot i; returns whether control may fall through to i+1. */
  private instr(i: number): boolean {
    const code = this.code;
    const o = code.op[i]!, c = code.cond[i]!;
    if (o === NOT_AN_INSTRUCTION) { this.emit(`S.at = ${i}; throw new Fault(${code.pc[i] || code.base}, 'read', 'unmapped');`); return false; }
    const row = OPS[o]!;
    const conditional = this.arm && c !== Cond.AL && row.op !== Op.JCC;
    if (conditional) {
      // A conditional SP move leaves SP unknown to the rest of the block.
      if (this.writesSP(i)) this.delta = null;
      this.emit(`if (${this.condJs(c)}) {`);
    }
    const deltaBefore = this.delta;
    if (destReg(code, i) === this.gReg) this.gReg = -1;
    this.op(i, row.op, row.form);
    if (row.op === Op.MOVTLS) this.gReg = conditional ? -1 : code.ra[i]!;
    if (conditional) { this.emit('}'); this.delta = deltaBefore; }
    if (this.delta !== null && this.writesSP(i) && !this.tracksSP(row.op, row.form, i)) this.delta = null;
    return conditional || !endsFlow(row.op);
  }

  private writesSP(i: number): boolean {
    const op = OPS[this.code.op[i]!]!.op;
    if (op === Op.RET || op === Op.POPRET || (op === Op.CALL && !this.arm)) return true;
    if (op === Op.PUSHFRAME) return this.code.rb[i] === this.SP;
    return destReg(this.code, i) === this.SP;
  }

  /** Is this SP write one that keeps the guarded block's SP known (a constant move)? */
  private tracksSP(op: Op, form: string, i: number): boolean {
    const code = this.code;
    if (op === Op.RET || op === Op.POPRET || op === Op.CALL || op === Op.PUSHFRAME) return true;
    if (op === Op.LEA) return code.ra[i] === this.SP;
    return (op === Op.ADD || op === Op.SUB) && form === 'ir' && this.smallImm(i) !== null;
  }

  /** The immediate of slot i as an int32 when it is one (its high word its sign), else null. */
  private smallImm(i: number): number | null {
    const lo = this.code.ilo[i]!, hi = this.code.ihi[i]!;
    return !this.wide || hi === lo >> 31 ? lo : null;
  }

  private op(i: number, op: Op, form: string): void {
    const code = this.code, R = (k: number) => this.R(k), H = (k: number) => this.H(k);
    const ra = code.ra[i]!, rb = code.rb[i]!, d1 = code.d1[i]!, d2 = code.d2[i]!;
    const ilo = code.ilo[i]!, ihi = code.ihi[i]!, tg = code.tgt[i]!, next = code.next[i]!;
    const SP = this.SP, W = this.W, wide = this.wide;
    const badTarget = `S.at = ${i}; throw new Fault(${d1}, 'read', 'unmapped');`;
    switch (op) {
      case Op.NOP: return;
      case Op.MOV:
        if (form === 'rr') { this.emit(`${R(rb)} = ${R(ra)};`); this.setHi(rb, H(ra)); }
        else if (form === 'ir') { this.emit(`${R(ra)} = ${ilo};`); this.setHi(ra, `${ihi}`); }
        else if (form === 'mr') this.ldw(ra, d1, i, R(rb), H(rb));
        else if (form === 'rm') this.stw(rb, d1, i, R(ra), H(ra));
        else this.stw(ra, d1, i, `${ilo}`, `${ihi}`);
        return;
      case Op.MOVB:
        if (form === 'mr') { this.emit(`${R(rb)} = U8[${this.boff(ra, d1, 1, false, i)}];`); this.setHi(rb, '0'); }
        else if (form === 'rm') this.emit(`U8[${this.boff(rb, d1, 1, true, i)}] = ${R(ra)};`);
        else this.emit(`U8[${this.boff(ra, d1, 1, true, i)}] = ${ilo};`);
        return;
      case Op.LEA:
        if (ra === 0xff) this.setRegNum(rb, `${d1}`);
        else this.addReg(rb, ra, d1);
        return;
      case Op.CMP: {
        const side = (k: string, reg: number, lo: string, hi: string) => {
          if (k === 'r') { this.emit(`${lo} = ${R(reg)};`); if (wide) this.emit(`${hi} = ${H(reg)};`); }
          else if (k === 'i') { this.emit(`${lo} = ${ilo};`); if (wide) this.emit(`${hi} = ${ihi};`); }
          else this.ldw(reg, d1, i, lo, hi);
        };
        side(form[0]!, form[0] === 'i' ? -1 : ra, 'fal', 'fah');
        side(form[1]!, form[0] === 'i' ? ra : rb, 'fbl', 'fbh');
        return;
      }
      case Op.JMP:
        if (form === 'b') this.emit(tg < 0 ? badTarget : this.jump(tg));
        else this.emit(this.gotoAddr(R(ra), wide ? H(ra) : null, i, true));
        return;
      case Op.JCC:
        this.emit(`if (${this.condJs(code.cond[i]!)}) ${tg < 0 ? `{ ${badTarget} }` : this.jump(tg)}`);
        return;
      case Op.CALL:
        if (form === 'ri') {
          // A funcval call: the callee's argument frame must be the one the caller staged.
          this.emit(`/*SPILL*/ if (FNARGS[S.slotAt(${this.regNum(ra)}, ${i})] !== ${ilo}) { at = ${i}; return ${Exit.BadCall}; }`);
        }
        if (this.arm) this.setRegNum(this.m.t.lr, `${next}`);
        else {
          this.stw(SP, -W, i, `${next % TWO32 | 0}`, `${Math.floor(next / TWO32)}`);
          this.addReg(SP, SP, -W);
        }
        if (form === 'b') this.emit(tg < 0 ? badTarget : this.jump(tg));
        else this.emit(this.gotoAddr(R(ra), wide ? H(ra) : null, i, false));
        return;
      case Op.RET:
        this.ldw(SP, 0, i, 'x', 'v');
        this.addReg(SP, SP, W);
        this.emit(this.gotoAddr('x', wide ? 'v' : null, i, true));
        return;
      case Op.MOVTLS:
        this.emit(`${R(ra)} = GW[0]; GI = GW[2];`);
        this.setHi(ra, 'GW[1]');
        return;
      case Op.PUSHFRAME:
        this.stw(rb, d1, i, R(ra), H(ra));
        this.addReg(rb, rb, d1);
        return;
      case Op.POPRET:
        this.ldw(SP, 0, i, 'x', 'v');
        this.addReg(SP, SP, d1);
        this.emit(this.gotoAddr('x', null, i, true));
        return;
      case Op.BLKZERO:
        this.emit(`q = ${this.boff(ra, d1, ilo, true, i)}; U8.fill(0, q, q + ${ilo});`);
        return;
      case Op.BLKCOPY:
        this.emit(`x = ${this.boff(ra, d1, ilo, false, i)}; v = ${this.boff(rb, d2, ilo, true, i)}; U8.copyWithin(v, x, x + ${ilo});`);
        return;
      case Op.HOSTCALL: this.emit(`at = ${i}; return ${Exit.HostCall};`); return;
      case Op.BREAK: this.emit(`at = ${i}; return ${Exit.Break};`); return;
      case Op.NEG: case Op.NOT: this.negNot(i, op === Op.NEG, form); return;
      default: this.alu(i, op, form);
    }
  }

  private negNot(i: number, neg: boolean, form: string): void {
    const ra = this.code.ra[i]!, d1 = this.code.d1[i]!;
    if (form === 'r') {
      if (!this.wide) this.emit(`r[${ra}] = ${neg ? `-r[${ra}] | 0` : `~r[${ra}]`};`);
      else this.emit(neg ? `x = r[${ra}]; r[${ra}] = -x | 0; h[${ra}] = (~h[${ra}] + (x === 0 ? 1 : 0)) | 0;` : `r[${ra}] = ~r[${ra}]; h[${ra}] = ~h[${ra}];`);
      return;
    }
    this.ldw(ra, d1, i, 'x', 'v');
    if (!this.wide) this.emit(`x = ${neg ? '-x | 0' : '~x'};`);
    else this.emit(neg ? `v = (~v + (x === 0 ? 1 : 0)) | 0; x = -x | 0;` : `x = ~x; v = ~v;`);
    this.stw(ra, d1, i, 'x', 'v');
  }

  /** ALU: ADD … MOD in forms rr, ir, mr, rm, im. */
  private alu(i: number, op: Op, form: string): void {
    const code = this.code, R = (k: number) => this.R(k), H = (k: number) => this.H(k);
    const ra = code.ra[i]!, rb = code.rb[i]!, d1 = code.d1[i]!, ilo = code.ilo[i]!, ihi = code.ihi[i]!;
    if ((op === Op.ADD || op === Op.SUB) && form === 'ir' && ra === this.SP && this.delta !== null) {
      const k = this.smallImm(i);
      if (k !== null && k !== -2147483648) { this.addReg(this.SP, this.SP, op === Op.ADD ? k : -k); return; }
    }
    let sl: string, sh: string, dr = -1, mb = -1, md = 0;
    if (form === 'rr') { sl = R(ra); sh = H(ra); dr = rb; }
    else if (form === 'ir') { sl = `${ilo}`; sh = `${ihi}`; dr = ra; }
    else if (form === 'mr') { this.ldw(ra, d1, i, 'x', 'v'); sl = 'x'; sh = 'v'; dr = rb; }
    else if (form === 'rm') { sl = R(ra); sh = H(ra); mb = rb; md = d1; }
    else { sl = `${ilo}`; sh = `${ihi}`; mb = ra; md = d1; }
    const addr = mb >= 0;
    if (op === Op.DIV || op === Op.MOD) {
      this.emit(`if (${sl} === 0${this.wide ? ` && ${sh} === 0` : ''}) { at = ${i}; return ${Exit.Divide}; }`);
    }
    let dl = R(dr), dh = H(dr);
    if (addr) { this.ldw(mb, md, i, 'dl', 'dh'); dl = 'dl'; dh = 'dh'; }
    if (!this.wide) {
      this.emit(`${dl} = ${ALU_JS32[op]!(dl, sl)};`);
    } else if (op === Op.ADD) {
      // Carry out of the low word: the sum wrapped below an addend.
      this.emit(`y = ${dl}; ${dl} = (y + ${sl}) | 0; ${dh} = (${dh} + ${sh} + ((${dl} >>> 0) < (y >>> 0) ? 1 : 0)) | 0;`);
    } else if (op === Op.SUB) {
      // Borrow from the high word: the subtrahend's low word was the larger.
      this.emit(`y = ${dl}; ${dl} = (y - ${sl}) | 0; ${dh} = (${dh} - ${sh} - ((y >>> 0) < (${sl} >>> 0) ? 1 : 0)) | 0;`);
    } else if (op === Op.AND || op === Op.OR || op === Op.XOR) {
      const js = op === Op.AND ? '&' : op === Op.OR ? '|' : '^';
      this.emit(`${dl} = ${dl} ${js} ${sl}; ${dh} = ${dh} ${js} ${sh};`);
    } else {
      this.emit(`S.alu64(${op}, ${sl}, ${sh}, ${dl}, ${dh}); ${dl} = S.m.ul; ${dh} = S.m.uh;`);
    }
    if (addr) this.stw(mb, md, i, 'dl', 'dh');
    else if (dr === this.SP) this.delta = null;
  }
}

/** Registers a function's code touches (explicitly, or as SP and LR). */
function usedRegs(m: Machine, from: number, to: number): number[] {
  const used = new Set<number>([m.t.sp]);
  if (m.t.family === 'arm') used.add(m.t.lr);
  for (let i = from; i < to; i++) {
    if (m.code.ra[i]! < 16) used.add(m.code.ra[i]!);
    if (m.code.rb[i]! < 16) used.add(m.code.rb[i]!);
  }
  return [...used].sort((a, b) => a - b);
}

/**
 * Keep the function's registers (and the step counter) in JS locals. They are
 * loaded on entry and spilled back to the register file before every exit to
 * the dispatcher, every throw and every slow-path access or jump lookup (which
 * may fault): the runtime always finds the exact machine state.
 */
function registersToLocals(src: string, regs: number[]): string {
  const wide = /\bh\[\d+\]/.test(src);
  const body = src.replace(/\br\[(\d+)\]/g, 'R$1').replace(/\bh\[(\d+)\]/g, 'H$1');
  const spills = regs.flatMap((i) => (wide ? [`RF[${i}] = R${i}`, `HF[${i}] = H${i}`] : [`RF[${i}] = R${i}`]));
  spills.push('CLK[0] = lim - left');
  const loads = regs.map((i) => (wide ? `R${i} = RF[${i}], H${i} = HF[${i}]` : `R${i} = RF[${i}]`)).join(', ');
  // Every exit leaves the loop with its result in `ret`, and one spill follows the loop.
  return body
    .replace('/*LOAD*/', regs.length ? `let ${loads}, ret = 0;` : 'let ret = 0;')
    .replace(/\/\*SPILLX\*\//g, spills.join(', ') + ',')
    .replace(/\/\*SPILL\*\//g, spills.join('; ') + ';')
    .replace(/return ([^;]*);/g, '{ ret = $1; break out; }')
    .replace(/throw new Fault\(([^;]*)\);/g, `{ ${spills.join('; ')}; throw new Fault($1); }`)
    .replace('/*EXIT*/', `S.at = at; FL[0] = fal; FL[1] = fah; FL[2] = fbl; FL[3] = fbh; ${spills.join('; ')}; return ret;`);
}

/** The JavaScript body of gasm function [from, to), and its entry slots. */
export function generate(m: Machine, from: number, to: number, margin = SP_MARGIN): { src: string; ents: Set<number> } {
  const { src, ents } = new FuncGen(m, from, to, margin).generate();
  return { src: registersToLocals(src, usedRegs(m, from, to)), ents };
}
