// Runtime pseudo-instructions, lowered to the runtime calls Go's compiler
// would make (println -> printlock/printint/…; defer -> deferproc; panic ->
// gopanic; channel operations -> chansend1/chanrecv1 …).
import { Cond, Op } from '../isa/ops.js';
import type { Instr, Operand, Param, TextDecl, TypeExpr } from './ast.js';
import type { LowerCtx } from './lowerctx.js';
import { I, L, R } from './proglist.js';
import { basicType, closureOf, isByteLike, wordsOf, type Type } from './types.js';
import { AlreadyReported, LowerError, type Loc, type Val } from './values.js';

export const PSEUDO = new Set([
  'PRINT', 'PRINTLN', 'DEFER', 'GO', 'PANIC', 'RECOVER', 'UNBOX', 'CONCAT', 'ISNIL', 'NEW',
  'CLOSURE', 'MAKECHAN', 'SEND', 'RECV', 'CLOSE',
]);

export function lowerPseudo(fl: LowerCtx, ins: Instr): void {
  switch (ins.mnem) {
    case 'PRINT': case 'PRINTLN': return print(fl, ins, ins.mnem === 'PRINTLN');
    case 'DEFER': return deferOrGo(fl, ins, 'runtime.deferproc');
    case 'GO': return deferOrGo(fl, ins, 'runtime.newproc');
    case 'PANIC': return panic(fl, ins);
    case 'RECOVER': return recover(fl, ins);
    case 'UNBOX': return unbox(fl, ins);
    case 'CONCAT': return concat(fl, ins);
    case 'ISNIL': return isnil(fl, ins);
    case 'NEW': return newobj(fl, ins);
    case 'CLOSURE': return closure(fl, ins);
    case 'MAKECHAN': return makechan(fl, ins);
    case 'SEND': return send(fl, ins);
    case 'RECV': return recv(fl, ins);
    case 'CLOSE': return close(fl, ins);
  }
}

const OUT = (off: number): Loc => ({ base: 'frame', region: 'out', off });

/** Call a runtime function with already-resolved argument values. */
function rtcall(fl: LowerCtx, name: string, vals: Val[], ops: Operand[], results: Operand[] = [], pos = ops[0]?.pos) {
  const f = fl.info.funcs.get(name)!;
  fl.stageArgs(f, vals, ops, 0, pos);
  fl.callSym(name);
  fl.copyResults(f, results, 0, pos ?? { line: 0, col: 0 });
}

function resultsArity(ins: Instr, min: number, max: number) {
  if (ins.results.length < min || ins.results.length > max) {
    throw new LowerError(ins.pos, `${ins.mnem} needs ${min === max ? min : `${min} to ${max}`} result operand${max === 1 ? '' : 's'} after ->`);
  }
}

// ---- print

/** Which runtime print function prints this operand, and the type it passes. */
function printer(fl: LowerCtx, o: Operand, v: Val): [string, string] {
  if (o.k === 'str') return ['runtime.printstring', 'string'];
  if (o.k === 'bool') return ['runtime.printbool', 'bool'];
  if (v.k === 'reg' || v.k === 'imm' || (v.k === 'loc' && !v.type)) return ['runtime.printint', 'int'];
  if (v.k === 'lea' || v.k === 'addr') return ['runtime.printpointer', 'uintptr'];
  if (v.k === 'loc' && v.type) {
    switch (v.type.kind) {
      case 'int': return ['runtime.printint', 'int'];
      case 'uint': case 'uintptr': case 'byte': return ['runtime.printuint', 'uint'];
      case 'bool': return ['runtime.printbool', 'bool'];
      case 'string': return ['runtime.printstring', 'string'];
      case 'ptr': case 'chan': case 'func': return ['runtime.printpointer', 'uintptr'];
      case 'any': case 'error': return ['runtime.printeface', 'any'];
      default: throw new LowerError(o.pos, `cannot print ${v.type.name}`);
    }
  }
  throw new LowerError(o.pos, 'cannot print this operand');
}

function print(fl: LowerCtx, ins: Instr, ln: boolean) {
  if (ins.results.length > 0) throw new LowerError(ins.pos, `${ins.mnem} has no results`);
  // Registers do not survive the calls below: evaluate register-based operands into temporaries first.
  const vals = ins.operands.map((o) => {
    const v = fl.val(o);
    if (v.k !== 'reg' && !(v.k === 'loc' && v.loc.base === 'reg')) return v;
    const t = basicType('int', fl.W)!;
    const off = fl.allocLocal(`.print${fl.out.locals.length}`, t, o.pos);
    const loc: Loc = { base: 'frame', region: 'local', off };
    fl.mv.storeWord(v, loc, o.pos);
    return { k: 'loc', loc, type: null, whole: false } as Val;
  });
  rtcall(fl, 'runtime.printlock', [], []);
  ins.operands.forEach((o, i) => {
    if (ln && i > 0) rtcall(fl, 'runtime.printsp', [], []);
    let v = vals[i]!;
    const [fn] = printer(fl, o, v);
    if (v.k === 'loc' && v.type && isByteLike(v.type)) {
      fl.pl.emit(Op.MOVB, [fl.mv.mem(v.loc), R(fl.t.tmp)]);
      v = { k: 'reg', reg: fl.t.tmp };
    } else if (v.k === 'loc' && v.type && v.type.size <= fl.W) {
      v = { ...v, whole: false };
    }
    rtcall(fl, fn, [v], [o]);
  });
  if (ln) rtcall(fl, 'runtime.printnl', [], []);
  rtcall(fl, 'runtime.printunlock', [], []);
}

// ---- defer and go

function deferOrGo(fl: LowerCtx, ins: Instr, rt: 'runtime.deferproc' | 'runtime.newproc') {
  const W = fl.W;
  if (ins.results.length > 0) throw new LowerError(ins.pos, `${ins.mnem} has no results`);
  if (ins.deferPrint) {
    const name = deferPrintWrapper(fl, ins);
    return deferOrGo(fl, { ...ins, deferPrint: null, operands: [], call: { fn: name, fnPos: ins.pos, via: null, args: ins.operands, argsPos: ins.pos } }, rt);
  }
  const c = ins.call;
  if (!c) throw new LowerError(ins.pos, `${ins.mnem} needs a call: ${ins.mnem} f(args)`);
  if (rt === 'runtime.newproc') {
    for (const a of c.args) {
      const v = fl.argVal(a);
      if (v.k === 'lea') throw new LowerError(a.pos, 'GO argument points into the caller\'s stack');
      if (v.k === 'loc' && v.type?.kind === 'closure') throw new LowerError(a.pos, 'GO argument is a stack closure');
    }
  }
  let siz: number;
  let fnVal: Val;
  if (c.fn !== null) {
    const f = fl.info.funcs.get(c.fn);
    if (!f) throw new LowerError(c.fnPos, `undefined function ${c.fn}`);
    if (f.runtime && !f.runtime.user) throw new LowerError(c.fnPos, `${c.fn} is not callable from gasm`);
    if (f.captures.length > 0) throw new LowerError(c.fnPos, `${c.fn} has CAPTURES: ${ins.mnem} it through a funcval made by CLOSURE`);
    fl.stageArgs(f, null, c.args, 2 * W, c.argsPos);
    siz = f.argsSize;
    fnVal = { k: 'addr', sym: fl.data.funcvalSym(c.fn), off: 0 };
  } else {
    fnVal = fl.fnValue(c.via!);
    const { vals, offs, end } = fl.layoutIndirect(c.args, 2 * W);
    vals.forEach((v, i) => fl.mv.put(v, OUT(offs[i]!), fl.operandSize(c.args[i]!, v), c.args[i]!.pos));
    siz = end - 2 * W;
    fl.needOut(end);
  }
  fl.mv.storeWord({ k: 'imm', v: BigInt(siz) }, OUT(0), ins.pos);
  fl.mv.storeWord(fnVal, OUT(W), ins.pos);
  fl.callSym(rt);
  if (rt === 'runtime.deferproc') {
    fl.out.deferArgs = Math.max(fl.out.deferArgs, siz);
    // deferproc returns 0, or 1 (in R0/AX) when a recovered panic resumes here: then leave through deferreturn.
    fl.pl.emit(Op.CMP, [R(fl.t.portable[0]!), I(0)]);
    fl.pl.emit(Op.JCC, [L(fl.exitLabel())], Cond.NE);
  }
}

/** `DEFER PRINT a, b`: a compiler-made function that prints its arguments (as Go wraps `defer println(…)`). */
function deferPrintWrapper(fl: LowerCtx, ins: Instr): string {
  const name = fl.newDeferWrapName();
  const params: Param[] = ins.operands.map((o, i) => {
    const v = fl.val(o);
    const [, tn] = printer(fl, o, v);
    const type: TypeExpr = v.k === 'loc' && v.type && v.type.kind !== 'closure' ? typeExprOf(v.type, o) : { k: 'name', name: tn, pos: o.pos };
    return { name: `a${i}`, type, pos: o.pos };
  });
  const body: Instr[] = [
    { mnem: ins.deferPrint!, pos: ins.pos, line: ins.line, operands: params.map((p) => ({ k: 'name', name: p.name, off: null, addr: false, pos: p.pos })), call: null, deferPrint: null, results: [] },
    { mnem: 'RET', pos: ins.pos, line: ins.line, operands: [], call: null, deferPrint: null, results: [] },
  ];
  const decl: TextDecl = {
    k: 'text', name, pos: ins.pos, params, results: [], nosplit: false, noframe: false, frame: null,
    locals: [], captures: [], body, labels: new Map(), endLine: ins.line, broken: false,
  };
  fl.out.extra.push(decl);
  fl.info.funcs.set(name, fl.info.sigOf(decl));
  return name;
}

function typeExprOf(t: Type, o: Operand): TypeExpr {
  const simple = ['int', 'uint', 'uintptr', 'byte', 'bool', 'string', 'any', 'error', 'func'];
  if (simple.includes(t.kind)) return { k: 'name', name: t.kind, pos: o.pos };
  return { k: 'name', name: 'uintptr', pos: o.pos }; // pointers and channels print as addresses
}

// ---- panic and recover

function panic(fl: LowerCtx, ins: Instr) {
  fl.arity(ins, 1, 'value');
  const W = fl.W;
  const o = ins.operands[0]!;
  const v = fl.val(o);
  const gopanic = fl.info.funcs.get('runtime.gopanic')!;
  fl.needOut(gopanic.argsSize);
  // The data word first: storing the type's address goes through the scratch register on ARM.
  const eface = (typeSym: string, data: Val) => {
    fl.mv.storeWord(data, OUT(W), o.pos);
    fl.mv.storeWord({ k: 'addr', sym: typeSym, off: 0 }, OUT(0), o.pos);
  };
  const intT = basicType('int', W)!, strT = basicType('string', W)!;
  if (v.k === 'str') {
    // A constant string panics through a static, read-only value: no allocation.
    eface(fl.data.typeSym(strT), { k: 'addr', sym: fl.data.strHdrSym(v.bytes), off: 0 });
  } else if (v.k === 'loc' && v.type && v.whole && (v.type.kind === 'any' || v.type.kind === 'error')) {
    fl.mv.copy(v.loc, OUT(0), 2 * W);
  } else if (v.k === 'loc' && v.type && v.whole && v.type.kind === 'string') {
    rtcall(fl, 'runtime.convTstring', [v], [o]);
    fl.pl.emit(Op.MOV, [fl.mv.mem(OUT(2 * W)), R(fl.t.tmp)]);
    eface(fl.data.typeSym(strT), { k: 'reg', reg: fl.t.tmp });
  } else {
    const w = fl.wordVal(o, 'panic value');
    if (w.k === 'loc' && w.type && w.type.kind !== 'int') throw new LowerError(o.pos, `PANIC takes an int, a string or an any/error value, not ${w.type.name}`);
    rtcall(fl, 'runtime.convT64', [w], [o]);
    fl.pl.emit(Op.MOV, [fl.mv.mem(OUT(W)), R(fl.t.tmp)]);
    eface(fl.data.typeSym(intT), { k: 'reg', reg: fl.t.tmp });
  }
  fl.callSym('runtime.gopanic');
}

function recover(fl: LowerCtx, ins: Instr) {
  fl.arity(ins, 0, '');
  resultsArity(ins, 1, 1);
  const d = ins.results[0]!;
  const dv = fl.val(d);
  if (d.k === 'reg' || dv.k !== 'loc' || !dv.type || dv.type.kind !== 'any') throw new LowerError(d.pos, 'RECOVER needs an any slot: RECOVER -> slot');
  // gorecover(argp): argp is this function's own argument pointer.
  rtcall(fl, 'runtime.gorecover', [{ k: 'lea', loc: { base: 'frame', region: 'arg', off: 0 } }], [d], [d], ins.pos);
}

// ---- interfaces and strings

function anySlot(fl: LowerCtx, o: Operand, what: string): Val & { k: 'loc' } {
  const v = fl.val(o);
  if (v.k !== 'loc' || !v.type || !v.whole || (v.type.kind !== 'any' && v.type.kind !== 'error')) {
    throw new LowerError(o.pos, `${what} needs an any or error slot`);
  }
  return v;
}

function unbox(fl: LowerCtx, ins: Instr) {
  fl.arity(ins, 2, 'slot, int|string|error');
  resultsArity(ins, 1, 1);
  const e = anySlot(fl, ins.operands[0]!, 'UNBOX');
  const to = ins.operands[1]!;
  const tn = to.k === 'type' && to.type.k === 'name' ? to.type.name : '';
  const fn = tn === 'int' ? 'runtime.assertE2int' : tn === 'string' ? 'runtime.assertE2string' : tn === 'error' ? 'runtime.assertE2error' : '';
  if (!fn) throw new LowerError(to.pos, 'UNBOX converts to int, string or error');
  rtcall(fl, fn, [e], [ins.operands[0]!], ins.results, ins.pos);
}

function stringVal(fl: LowerCtx, o: Operand): Val {
  const v = fl.val(o);
  if (v.k === 'str') return v;
  if (v.k === 'loc' && v.whole && v.type?.kind === 'string') return v;
  throw new LowerError(o.pos, 'CONCAT takes string constants or string slots');
}

function concat(fl: LowerCtx, ins: Instr) {
  fl.arity(ins, 2, 'a, b');
  resultsArity(ins, 1, 1);
  const [a, b] = ins.operands as [Operand, Operand];
  rtcall(fl, 'runtime.concatstring2', [stringVal(fl, a), stringVal(fl, b)], [a, b], ins.results, ins.pos);
}

function isnil(fl: LowerCtx, ins: Instr) {
  fl.arity(ins, 1, 'slot');
  resultsArity(ins, 1, 1);
  const e = anySlot(fl, ins.operands[0]!, 'ISNIL');
  const d = ins.results[0]!;
  if (d.k !== 'reg') throw new LowerError(d.pos, 'ISNIL puts its answer in a register');
  const r = fl.t.portable[d.reg]!;
  const yes = fl.pl.newLabel(), done = fl.pl.newLabel();
  fl.pl.emit(Op.MOV, [fl.mv.mem(e.loc), R(r)]);
  fl.pl.emit(Op.CMP, [R(r), I(0)]);
  fl.pl.emit(Op.JCC, [L(yes)], Cond.EQ);
  fl.pl.emit(Op.MOV, [I(0), R(r)]);
  fl.pl.emit(Op.JMP, [L(done)]);
  fl.pl.bind(yes);
  fl.pl.emit(Op.MOV, [I(1), R(r)]);
  fl.pl.bind(done);
}

// ---- allocation

function typeOperand(fl: LowerCtx, o: Operand): Type {
  if (o.k !== 'type') throw new LowerError(o.pos, 'expected a type');
  const t = fl.info.resolveType(o.type);
  if (!t) throw new AlreadyReported();
  return t;
}

function newobj(fl: LowerCtx, ins: Instr) {
  fl.arity(ins, 1, 'T');
  resultsArity(ins, 1, 1);
  const t = typeOperand(fl, ins.operands[0]!);
  rtcall(fl, 'runtime.newobject', [{ k: 'addr', sym: fl.data.typeSym(t), off: 0 }], [ins.operands[0]!], ins.results, ins.pos);
}

function closure(fl: LowerCtx, ins: Instr) {
  const c = ins.call;
  if (!c || c.fn === null) throw new LowerError(ins.pos, 'CLOSURE needs a function: CLOSURE main.f(captures…) -> dst');
  resultsArity(ins, 1, 1);
  const f = fl.info.funcs.get(c.fn);
  if (!f || !f.decl) throw new LowerError(c.fnPos, `undefined function ${c.fn}`);
  if (c.args.length !== f.captures.length) {
    throw new LowerError(c.argsPos, `${c.fn} captures ${f.captures.length} value${f.captures.length === 1 ? '' : 's'}, CLOSURE gives ${c.args.length}`);
  }
  const W = fl.W;
  const ct = closureOf(c.fn, f.captures.map((s) => s.type), W);
  const d = ins.results[0]!;
  const code = { k: 'addr', sym: c.fn, off: 0 } as const;
  const fill = (at: (off: number) => Loc) => {
    fl.mv.storeWord(code, at(0), ins.pos);
    f.captures.forEach((cap, i) => {
      const v = fl.argVal(c.args[i]!);
      fl.mv.put(v, at(cap.off), cap.type.size, c.args[i]!.pos);
    });
  };
  if (d.k !== 'reg') {
    const dst = fl.val(d);
    if (dst.k !== 'loc' || !dst.type || dst.type.kind !== 'closure' || dst.type.name !== `closure ${c.fn}`) {
      throw new LowerError(d.pos, `CLOSURE into a slot needs a closure ${c.fn} slot`);
    }
    fill((off) => ({ ...dst.loc, off: dst.loc.off + off }));
    return;
  }
  // Heap closure: evaluate captures into a hidden local first (the call clobbers registers).
  const tmpOff = fl.allocLocal(`.closure${fl.out.locals.length}`, ct, ins.pos);
  fill((off) => ({ base: 'frame', region: 'local', off: tmpOff + off }));
  rtcall(fl, 'runtime.newobject', [{ k: 'addr', sym: fl.data.typeSym(ct), off: 0 }], [d], [d], ins.pos);
  const r = fl.t.portable[d.reg]!;
  fl.mv.copy({ base: 'frame', region: 'local', off: tmpOff }, { base: 'reg', reg: r, off: 0 }, wordsOf(ct.size, W) * W);
}

// ---- channels

function chanVal(fl: LowerCtx, o: Operand): { v: Val; elem: Type | null } {
  const v = fl.val(o);
  if (v.k === 'reg') return { v, elem: null };
  if (v.k === 'loc' && v.type?.kind === 'chan' && v.whole) return { v, elem: v.type.elem! };
  throw new LowerError(o.pos, 'expected a channel (a register or a chan slot)');
}

function makechan(fl: LowerCtx, ins: Instr) {
  fl.arity(ins, 2, 'T, cap');
  resultsArity(ins, 1, 1);
  const t = typeOperand(fl, ins.operands[0]!);
  if (t.size > fl.W) throw new LowerError(ins.operands[0]!.pos, `channel element type ${t.name} is larger than a word`);
  const ct = fl.info.resolveType({ k: 'chan', elem: typeExprFor(ins.operands[0]!), pos: ins.pos })!;
  const cap = fl.wordVal(ins.operands[1]!, 'capacity');
  rtcall(fl, 'runtime.makechan', [{ k: 'addr', sym: fl.data.typeSym(ct), off: 0 }, cap], ins.operands, ins.results, ins.pos);
}

function typeExprFor(o: Operand): TypeExpr {
  return (o as Operand & { k: 'type' }).type;
}

function send(fl: LowerCtx, ins: Instr) {
  fl.arity(ins, 2, 'ch, v');
  const [co, vo] = ins.operands as [Operand, Operand];
  const { v: ch, elem } = chanVal(fl, co);
  const et = elem ?? basicType('int', fl.W)!;
  const v = fl.val(vo);
  const vt = v.k === 'loc' && v.whole ? v.type : null;
  if (v.k === 'str' || (vt && vt.size !== et.size)) {
    throw new LowerError(vo.pos, `cannot send ${vt ? vt.name : 'a string constant'} on a channel of ${et.name}`);
  }
  const tmp = fl.allocLocal(`.send${fl.out.locals.length}`, et, vo.pos);
  const loc: Loc = { base: 'frame', region: 'local', off: tmp };
  if (et.size === 1) fl.mv.storeByte(v, loc, vo.pos); else fl.mv.put(v, loc, et.size, vo.pos);
  rtcall(fl, 'runtime.chansend1', [ch, { k: 'lea', loc }], [co, vo]);
}

function recv(fl: LowerCtx, ins: Instr) {
  fl.arity(ins, 1, 'ch');
  resultsArity(ins, 0, 2);
  const co = ins.operands[0]!;
  const { v: ch, elem } = chanVal(fl, co);
  const et = elem ?? basicType('int', fl.W)!;
  const d = ins.results[0];
  let elemPtr: Val = { k: 'imm', v: 0n };
  let viaTmp: Loc | null = null;
  if (d && d.k !== 'reg') {
    if (d.k === 'name' && fl.isCapture(d.name)) throw new LowerError(d.pos, `cannot assign to capture ${d.name} (captures are read-only)`);
    const dv = fl.val(d);
    if (dv.k !== 'loc' || (dv.type && dv.type.size !== et.size && !(dv.type.size <= fl.W && et.size <= fl.W))) {
      throw new LowerError(d.pos, `RECV destination does not hold a ${et.name}`);
    }
    elemPtr = dv.loc.base === 'frame' ? { k: 'lea', loc: dv.loc } : (() => { throw new LowerError(d.pos, 'RECV destination must be a register or a slot'); })();
  } else if (d) {
    viaTmp = { base: 'frame', region: 'local', off: fl.allocLocal(`.recv${fl.out.locals.length}`, et, d.pos) };
    elemPtr = { k: 'lea', loc: viaTmp };
  }
  const okOp = ins.results[1];
  rtcall(fl, okOp ? 'runtime.chanrecv2' : 'runtime.chanrecv1', [ch, elemPtr], [co, co], okOp ? [okOp] : [], ins.pos);
  if (viaTmp && d && d.k === 'reg') {
    fl.pl.emit(et.size === 1 ? Op.MOVB : Op.MOV, [fl.mv.mem(viaTmp), R(fl.t.portable[d.reg]!)]);
  }
}

function close(fl: LowerCtx, ins: Instr) {
  fl.arity(ins, 1, 'ch');
  const { v } = chanVal(fl, ins.operands[0]!);
  rtcall(fl, 'runtime.closechan', [v], ins.operands);
}

