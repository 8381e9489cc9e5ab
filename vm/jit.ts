// A compiling engine: each gasm function becomes one JavaScript function,
// generated from the predecoded instructions with their operands baked in.
// It runs a `switch` over the function's entry points and loops inside for
// branches within the function; it RETURNS to the dispatcher (run below) at
// every call, return, host call, trap and time slice — so a gasm call never
// recurses in JavaScript, and the runtime always sees memory and registers
// as the interpreter (machine.ts) would leave them. Same semantics as the
// interpreter, which stays the reference (tests/engines.test.ts).
import { Cond, Op, OPS } from '../isa/ops.js';
import { Fault } from './memory.js';
import { Next, type Machine } from './machine.js';
import { NOT_AN_INSTRUCTION, type Code } from './predecode.js';

const TWO32 = 4294967296;

/** Why generated code returned to the dispatcher (besides "continue at slot"). */
const enum Exit { HostCall = -1, Tick = -2, Divide = -3, Break = -4, BadCall = -5 }

type Compiled = (entry: number) => number;

/** Shared state the generated code reads and writes (one object: monomorphic property access). */
export class JitState {
  steps = 0;
  nextTick = 0;
  fal = 0; fah = 0; fbl = 0; fbh = 0;
  /** The slot that trapped or called the host. */
  at = 0;
  constructor(readonly m: Machine) {}

  /** Slow path of a load or store: faults precisely, at slot. */
  off(addr: number, n: number, write: boolean, slot: number): number {
    try {
      return this.m.mem.off(addr, n, write ? 'write' : 'read');
    } catch (e) {
      this.at = slot;
      throw e;
    }
  }
  slotAt(pc: number, from: number): number {
    const code = this.m.code;
    const o = pc - code.base;
    const s = o >= 0 && o < code.slotOf.length ? code.slotOf[o]! : -1;
    if (s < 0) { this.at = from; throw new Fault(pc, 'read', 'unmapped'); }
    return s;
  }
  cond(c: number, fal: number, fah: number, fbl: number, fbh: number): boolean {
    const m = this.m;
    m.fal = fal; m.fah = fah; m.fbl = fbl; m.fbh = fbh;
    return m.cond(c);
  }
  alu64(op: number, sl: number, sh: number, dl: number, dh: number): void {
    this.m.alu64(op, sl, sh, dl, dh);
  }
}

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

/** Generate the JavaScript of one gasm function (slots [from, to)). */
function generate(m: Machine, from: number, to: number): { src: string; ents: Set<number> } {
  const code = m.code, t = m.t, W = m.W, wide = m.wide;
  const arm = t.family === 'arm', SP = t.sp, LR = t.lr;
  const ents = entries(code, from, to);
  const out: string[] = [];
  const emit = (s: string) => out.push(s);
  const R = (i: number) => `r[${i}]`;
  const H = (i: number) => `h[${i}]`;
  const TWO = TWO32;
  const AB = m.mem.arenaBase, ABH = Math.floor(AB / TWO), ABL = AB % TWO, AS = m.mem.arenaSize;
  // The exact address of base register b plus d, as a JS number (slow paths only on amd64).
  const ea = (b: number, d: number) => (b === 0xff ? `${d}` : wide ? `(h[${b}] * ${TWO} + (r[${b}] >>> 0) + ${d})` : `((r[${b}] + ${d}) >>> 0)`);
  // Buffer offset of an n-byte access at base b + d. Fast path: in the arena, by integer
  // arithmetic only (on amd64 the arena's high word is a constant); else the precise slow path.
  const boff = (b: number, d: number, n: number, write: boolean, slot: number) => {
    const slow = `(/*SPILLX*/ S.off(${ea(b, d)}, ${n}, ${write}, ${slot}))`;
    if (b === 0xff) return slow;
    if (wide) return `(h[${b}] === ${ABH} && (o = (r[${b}] >>> 0) + ${d - ABL}) >= 0 && o <= ${AS - n} ? AO + o : ${slow})`;
    return `((o = ((r[${b}] + ${d}) >>> 0) - ${AB}) >= 0 && o <= ${AS - n} ? AO + o : ${slow})`;
  };
  // q: the buffer offset of an access; x, v: loaded values; w: a temporary.
  // SP-relative words are always aligned (frames are word multiples on every target):
  // they skip the alignment test. Other bases may hold any address.
  const aligned = (b: number, d: number) => b === SP && d % 4 === 0;
  const ldw = (b: number, d: number, slot: number, lo: string, hi: string) => {
    emit(`q = ${boff(b, d, W, false, slot)};`);
    if (aligned(b, d)) {
      emit(`${lo} = I32[q >> 2];`);
      if (wide) emit(`${hi} = I32[(q >> 2) + 1];`);
      return;
    }
    emit(`${lo} = (q & 3) === 0 ? I32[q >> 2] : DV.getInt32(q, true);`);
    if (wide) emit(`${hi} = (q & 3) === 0 ? I32[(q >> 2) + 1] : DV.getInt32(q + 4, true);`);
  };
  const stw = (b: number, d: number, slot: number, lo: string, hi: string) => {
    emit(`q = ${boff(b, d, W, true, slot)};`);
    if (aligned(b, d)) { emit(`I32[q >> 2] = ${lo};${wide ? ` I32[(q >> 2) + 1] = ${hi};` : ''}`); return; }
    emit(`if ((q & 3) === 0) { I32[q >> 2] = ${lo};${wide ? ` I32[(q >> 2) + 1] = ${hi};` : ''} } else { DV.setInt32(q, ${lo}, true);${wide ? ` DV.setInt32(q + 4, ${hi}, true);` : ''} }`);
  };
  const setHi = (d: number, v: string) => { if (wide) emit(`h[${d}] = ${v};`); };
  const regNum = (i: number) => (wide ? `(h[${i}] * ${TWO} + (r[${i}] >>> 0))` : `(r[${i}] >>> 0)`);
  const setRegNum = (i: number, v: string) => {
    if (wide) emit(`w = ${v}; r[${i}] = w % ${TWO}; h[${i}] = Math.floor(w / ${TWO});`);
    else emit(`r[${i}] = ${v};`);
  };
  // dst := src + k in integer arithmetic (SP updates, LEA).
  const addReg = (dst: number, src: number, k: number) => {
    if (!wide) { emit(`r[${dst}] = (r[${src}] + ${k}) | 0;`); return; }
    emit(`w = (r[${src}] >>> 0) + ${k}; h[${dst}] = (h[${src}] + (w >= ${TWO} ? 1 : w < 0 ? -1 : 0)) | 0; r[${dst}] = w | 0;`);
  };
  const condJs = (c: number) => condExpr(c, wide) ?? `S.cond(${c}, fal, fah, fbl, fbh)`;
  // A computed target (a return address, a funcval): stay in this JS function when it is one of
  // its entries (recursion returns here), else return it to the dispatcher. Never a JS call.
  const gotoPC = (pcExpr: string, i: number) =>
    `/*SPILL*/ e = S.slotAt(${pcExpr}, ${i}); if (e >= ${from} && e < ${to} && ENTRY[e] === 1) continue; return e;`;
  const jump = (slot: number) => (ents.has(slot) ? `{ e = ${slot}; continue; }` : `return ${slot};`);

  emit('let o = 0, q = 0, w = 0, x = 0, v = 0, dl = 0, dh = 0, e = entry;');
  emit('let fal = S.fal, fah = S.fah, fbl = S.fbl, fbh = S.fbh, st = S.steps, lim = S.nextTick;');
  emit('/*LOAD*/');
  emit('out: for (;;) { switch (e) {');
  for (let i = from; i < to; i++) {
    if (ents.has(i)) {
      emit(`case ${i}:`);
      // Count steps at entry points: a time slice ends only there.
      let n = 1;
      while (i + n < to && !ents.has(i + n)) n++;
      emit(`if ((st += ${n}) >= lim) { st -= ${n}; S.at = ${i}; S.fal = fal; S.fah = fah; S.fbl = fbl; S.fbh = fbh; return ${Exit.Tick}; }`);
    }
    const o = code.op[i]!, c = code.cond[i]!;
    const ra = code.ra[i]!, rb = code.rb[i]!, d1 = code.d1[i]!, d2 = code.d2[i]!;
    const ilo = code.ilo[i]!, ihi = code.ihi[i]!, tg = code.tgt[i]!;
    const next = code.next[i]!;
    if (o === NOT_AN_INSTRUCTION) { emit(`S.at = ${i}; throw new Fault(${code.pc[i] || code.base}, 'read', 'unmapped');`); continue; }
    const row = OPS[o]!;
    const conditional = arm && c !== Cond.AL && row.op !== Op.JCC;
    if (conditional) emit(`if (${condJs(c)}) {`);
    switch (row.op) {
      case Op.NOP: break;
      case Op.MOV:
        if (row.form === 'rr') { emit(`${R(rb)} = ${R(ra)};`); setHi(rb, H(ra)); }
        else if (row.form === 'ir') { emit(`${R(ra)} = ${ilo};`); setHi(ra, `${ihi}`); }
        else if (row.form === 'mr') ldw(ra, d1, i, R(rb), H(rb));
        else if (row.form === 'rm') stw(rb, d1, i, R(ra), H(ra));
        else stw(ra, d1, i, `${ilo}`, `${ihi}`);
        break;
      case Op.MOVB:
        if (row.form === 'mr') { emit(`${R(rb)} = U8[${boff(ra, d1, 1, false, i)}];`); setHi(rb, '0'); }
        else if (row.form === 'rm') emit(`U8[${boff(rb, d1, 1, true, i)}] = ${R(ra)};`);
        else emit(`U8[${boff(ra, d1, 1, true, i)}] = ${ilo};`);
        break;
      case Op.LEA: if (ra === 0xff) setRegNum(rb, `${d1}`); else addReg(rb, ra, d1); break;
      case Op.CMP: {
        const side = (k: string, reg: number, lo: string, hi: string) => {
          if (k === 'r') { emit(`${lo} = ${R(reg)};`); if (wide) emit(`${hi} = ${H(reg)};`); }
          else if (k === 'i') { emit(`${lo} = ${ilo};`); if (wide) emit(`${hi} = ${ihi};`); }
          else { ldw(reg, d1, i, lo, hi); }
        };
        const f = row.form;
        side(f[0]!, f[0] === 'i' ? -1 : ra, 'fal', 'fah');
        side(f[1]!, f[0] === 'i' ? ra : rb, 'fbl', 'fbh');
        break;
      }
      case Op.JMP:
        if (row.form === 'b') emit(tg < 0 ? `S.at = ${i}; throw new Fault(${d1}, 'read', 'unmapped');` : jump(tg));
        else emit(gotoPC(regNum(ra), i));
        break;
      case Op.JCC:
        emit(`if (${condJs(c)}) ${tg < 0 ? `{ S.at = ${i}; throw new Fault(${d1}, 'read', 'unmapped'); }` : jump(tg)}`);
        break;
      case Op.CALL: {
        if (row.form === 'ri') {
          // A funcval call: the callee's argument frame must be the one the caller staged.
          emit(`/*SPILL*/ if (FNARGS[S.slotAt(${regNum(ra)}, ${i})] !== ${ilo}) { S.at = ${i}; return ${Exit.BadCall}; }`);
        }
        if (arm) setRegNum(LR, `${next}`);
        else {
          stw(SP, -W, i, `${next % TWO32 | 0}`, `${Math.floor(next / TWO32)}`);
          addReg(SP, SP, -W);
        }
        emit(row.form === 'b' ? (tg < 0 ? `S.at = ${i}; throw new Fault(${d1}, 'read', 'unmapped');` : jump(tg)) : gotoPC(regNum(ra), i));
        break;
      }
      case Op.RET:
        ldw(SP, 0, i, 'x', 'v');
        addReg(SP, SP, W);
        emit(gotoPC(wide ? `v * ${TWO32} + (x >>> 0)` : '(x >>> 0)', i));
        break;
      case Op.MOVTLS: setRegNum(ra, 'S.m.g'); break;
      case Op.PUSHFRAME:
        stw(rb, d1, i, R(ra), H(ra));
        addReg(rb, rb, d1);
        break;
      case Op.POPRET:
        ldw(SP, 0, i, 'x', 'v');
        addReg(SP, SP, d1);
        emit(gotoPC('x >>> 0', i));
        break;
      case Op.BLKZERO:
        emit(`q = ${boff(ra, d1, ilo, true, i)}; U8.fill(0, q, q + ${ilo});`);
        break;
      case Op.BLKCOPY:
        emit(`x = ${boff(ra, d1, ilo, false, i)}; v = ${boff(rb, d2, ilo, true, i)}; U8.copyWithin(v, x, x + ${ilo});`);
        break;
      case Op.HOSTCALL: emit(`S.at = ${i}; return ${Exit.HostCall};`); break;
      case Op.BREAK: emit(`S.at = ${i}; return ${Exit.Break};`); break;
      case Op.NEG: case Op.NOT: {
        const neg = row.op === Op.NEG;
        if (row.form === 'r') {
          if (!wide) emit(`${R(ra)} = ${neg ? `-${R(ra)} | 0` : `~${R(ra)}`};`);
          else emit(neg ? `x = r[${ra}]; r[${ra}] = -x | 0; h[${ra}] = (~h[${ra}] + (x === 0 ? 1 : 0)) | 0;` : `r[${ra}] = ~r[${ra}]; h[${ra}] = ~h[${ra}];`);
        } else {
          ldw(ra, d1, i, 'x', 'v');
          if (!wide) emit(`x = ${neg ? '-x | 0' : '~x'};`);
          else emit(neg ? `v = (~v + (x === 0 ? 1 : 0)) | 0; x = -x | 0;` : `x = ~x; v = ~v;`);
          stw(ra, d1, i, 'x', 'v');
        }
        break;
      }
      default: {
        // ALU: ADD … MOD in forms rr, ir, mr, rm, im.
        const f = row.form;
        let sl: string, sh: string, dr = -1, mb = -1, md = 0;
        if (f === 'rr') { sl = R(ra); sh = H(ra); dr = rb; }
        else if (f === 'ir') { sl = `${ilo}`; sh = `${ihi}`; dr = ra; }
        else if (f === 'mr') { ldw(ra, d1, i, 'x', 'v'); sl = 'x'; sh = 'v'; dr = rb; }
        else if (f === 'rm') { sl = R(ra); sh = H(ra); mb = rb; md = d1; }
        else { sl = `${ilo}`; sh = `${ihi}`; mb = ra; md = d1; }
        const addr = mb >= 0;
        if (row.op === Op.DIV || row.op === Op.MOD) {
          emit(`if (${sl} === 0${wide ? ` && ${sh} === 0` : ''}) { S.at = ${i}; return ${Exit.Divide}; }`);
        }
        let dl = R(dr), dh = H(dr);
        if (addr) { ldw(mb, md, i, 'dl', 'dh'); dl = 'dl'; dh = 'dh'; }
        if (!wide) {
          emit(`${addr ? 'dl' : dl} = ${ALU_JS32[row.op]!(dl, sl)};`);
        } else if (row.op === Op.ADD || row.op === Op.SUB) {
          emit(`{ const lo = (${dl} >>> 0) ${row.op === Op.ADD ? '+' : '-'} (${sl} >>> 0); const hi = (${dh} ${row.op === Op.ADD ? '+' : '-'} ${sh} ${row.op === Op.ADD ? '+ (lo >= 4294967296 ? 1 : 0)' : '- (lo < 0 ? 1 : 0)'}) | 0; ${dl} = lo | 0; ${dh} = hi; }`);
        } else if (row.op === Op.AND || row.op === Op.OR || row.op === Op.XOR) {
          const js = row.op === Op.AND ? '&' : row.op === Op.OR ? '|' : '^';
          emit(`${dl} = ${dl} ${js} ${sl}; ${dh} = ${dh} ${js} ${sh};`);
        } else {
          emit(`S.alu64(${row.op}, ${sl}, ${sh}, ${dl}, ${dh}); ${dl} = S.m.ul; ${dh} = S.m.uh;`);
        }
        if (addr) stw(mb, md, i, 'dl', 'dh');
      }
    }
    if (conditional) emit('}');
    const ends = row.op === Op.JMP || row.op === Op.CALL || row.op === Op.RET || row.op === Op.POPRET || row.op === Op.HOSTCALL || row.op === Op.BREAK;
    // Otherwise control falls through into the next case label (JS switch fallthrough).
    if ((!ends || conditional) && i + 1 >= to) emit(`return ${i + 1};`);
  }
  emit(`default: throw new Error('jit: no entry ' + e);`);
  emit('} }');
  emit('/*EXIT*/');
  return { src: registersToLocals(out.join('\n'), usedRegs(m, from, to)), ents };
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
  spills.push('S.steps = st');
  const loads = regs.map((i) => (wide ? `R${i} = RF[${i}], H${i} = HF[${i}]` : `R${i} = RF[${i}]`)).join(', ');
  // Every exit leaves the loop with its result in `ret`, and one spill follows the loop.
  return body
    .replace('/*LOAD*/', regs.length ? `let ${loads}, ret = 0;` : 'let ret = 0;')
    .replace(/\/\*SPILLX\*\//g, spills.join(', ') + ',')
    .replace(/\/\*SPILL\*\//g, spills.join('; ') + ';')
    .replace(/return ([^;]*);/g, '{ ret = $1; break out; }')
    .replace(/throw new Fault\(([^;]*)\);/g, `{ ${spills.join('; ')}; throw new Fault($1); }`)
    .replace('/*EXIT*/', `${spills.join('; ')}; return ret;`);
}

export class Jit {
  private readonly fnAt: (Compiled | undefined)[];
  readonly S: JitState;

  /** 1 for every slot that is an entry of its compiled function. */
  private readonly entry: Uint8Array;

  constructor(readonly m: Machine) {
    this.S = new JitState(m);
    this.fnAt = new Array(m.code.n + 1);
    this.entry = new Uint8Array(m.code.n + 1);
  }

  /** The compiled gasm function containing slot (compiled on first use). */
  private compiled(slot: number): Compiled {
    const c = this.fnAt[slot];
    if (c) return c;
    const code = this.m.code;
    if (slot >= code.n) throw new Fault(code.pc[slot] || code.base, 'read', 'unmapped');
    const from = code.fnFrom[slot]!, to = code.fnTo[slot]!;
    const { src, ents } = generate(this.m, from, to);
    for (const e of ents) this.entry[e] = 1;
    const mem = this.m.mem;
    const make = new Function('S', 'RF', 'HF', 'U8', 'I32', 'DV', 'AB', 'AO', 'Fault', 'ENTRY', 'FNARGS',
      `return function gasm_${from}(entry) {\n${src}\n};`);
    const fn = make(this.S, this.m.r, this.m.h, mem.u8, mem.i32, mem.dv, mem.arenaBase, mem.arenaOff, Fault, this.entry, code.fnArgs) as Compiled;
    for (let i = from; i < to; i++) this.fnAt[i] = fn;
    return fn;
  }

  /** The dispatcher: run compiled functions until the host says stop. */
  run(): void {
    const m = this.m, S = this.S, code = m.code;
    let slot = m.slotAt(m.pc);
    S.steps = m.steps;
    S.nextTick = m.steps + m.slice;
    try {
      for (;;) {
        let r: number;
        try {
          r = this.compiled(slot)(slot);
        } catch (e) {
          if (!(e instanceof Fault)) throw e;
          m.pc = code.pc[S.at]!;
          this.sync();
          if (m.host.trap(m, { k: 'fault', fault: e, pc: m.pc }) === Next.Stop) return;
          slot = m.slotAt(m.pc);
          continue;
        }
        if (r >= 0) { slot = r; continue; }
        m.pc = code.pc[S.at]!;
        this.sync();
        let next: Next;
        switch (r) {
          case Exit.HostCall: {
            const at = m.pc;
            next = m.host.hostcall(m, code.ilo[S.at]!);
            if (next !== Next.Stop && m.pc === at) m.pc = code.next[S.at]!;
            break;
          }
          case Exit.Tick:
            S.nextTick = S.steps + m.slice;
            next = m.host.tick(m);
            break;
          case Exit.Divide: next = m.host.trap(m, { k: 'divide', pc: m.pc }); break;
          case Exit.BadCall: {
            const target = m.reg(code.ra[S.at]!);
            next = m.host.trap(m, { k: 'badcall', pc: m.pc, target, size: code.ilo[S.at]! });
            break;
          }
          default: next = m.host.trap(m, { k: 'breakpoint', pc: m.pc }); break;
        }
        if (next === Next.Stop) return;
        slot = m.slotAt(m.pc);
      }
    } finally {
      this.sync();
    }
  }

  /** Make the machine's view (steps, flags) current for the runtime. */
  private sync(): void {
    const m = this.m, S = this.S;
    m.steps = S.steps;
    m.fal = S.fal; m.fah = S.fah; m.fbl = S.fbl; m.fbh = S.fbh;
  }
}
