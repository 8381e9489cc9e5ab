// The runtime's functions in the image: one TEXT symbol per entry of
// abi/funcs.ts, whose body hands control to the TypeScript runtime with
// `HOSTCALL id` (the runtime runs it "on g0", as Go's C and assembly
// runtime ran). Most are NOSPLIT and frameless:
//
//     x86: HOSTCALL id; RET            arm: HOSTCALL id; B (R14)
//
// A function that calls back into gasm (abi RuntimeFunc.frame) is an
// ordinary splitting function with a frame: its handler keeps its state in
// the frame's locals (so a stack copy moves it and adjusts its pointers) and
// asks for each call by returning with R0 = 1 and the funcval in the context
// register, the arguments staged in its outgoing area:
//
//     loop: HOSTCALL id
//           CMP R0, $0; JEQ done
//           MOV 0(ctxt), callreg; CALL callreg
//           JMP loop
//     done: RET
import { RUNTIME_FUNCS, type RuntimeFunc } from '../abi/funcs.js';
import { Cond, Op } from '../isa/ops.js';
import type { Target } from '../isa/target.js';
import type { Param, TextDecl } from './ast.js';
import type { Diagnostics } from './diag.js';
import { finishFunc, layoutFrame, type FrameLayout } from './frame.js';
import type { LinkFunc } from './link.js';
import { FuncLowerer } from './lower.js';
import type { DataNeeds } from './lowerctx.js';
import { I, L, M, R, rowFor, type Prog } from './proglist.js';
import type { ProgramInfo } from './symbols.js';

export interface StubOptions {
  /** Include the test-only runtime functions. */
  readonly testFuncs: boolean;
  /** Bytes of the program's largest deferred argument block (gopanic and Goexit call deferred functions from their frame). */
  readonly deferArgs: number;
}

/** The runtime functions an image holds (the test-only ones when asked for). */
export function runtimeLinkFuncs(t: Target, info: ProgramInfo, data: DataNeeds, diags: Diagnostics, o: StubOptions): LinkFunc[] {
  return RUNTIME_FUNCS.filter((r) => o.testFuncs || !r.test).map((r) => (r.frame ? callbackStub(t, info, data, diags, r, o) : leafStub(t, info, r)));
}

function leafStub(t: Target, info: ProgramInfo, r: RuntimeFunc): LinkFunc {
  const p = (op: Op, args: ReturnType<typeof I>[], spadj = 0, virtual = false): Prog => ({ id: rowFor(op, args), cond: Cond.AL, args, line: 0, spadj, virtual });
  const progs = t.family === 'arm'
    ? [p(Op.HOSTCALL, [I(r.id)]), p(Op.JMP, [R(t.lr)])]
    : [p(Op.NOP, [], -t.ptrSize, true), p(Op.NOP, [], t.ptrSize, true), p(Op.HOSTCALL, [I(r.id)]), p(Op.RET, [])];
  const frame: FrameLayout = {
    frame: 0, spDelta: 0, argBase: t.family === 'arm' ? 4 : t.ptrSize, localsBase: 0, outBase: 0,
    nosplit: true, autoNosplit: false, split: null, needsCtxt: false, leaf: true,
  };
  return { name: r.name, progs, labels: [], frame, lowered: null, sig: info.funcs.get(r.name)!, hostId: r.id, line: 0 };
}

function callbackStub(t: Target, info: ProgramInfo, data: DataNeeds, diags: Diagnostics, r: RuntimeFunc, o: StubOptions): LinkFunc {
  const pos = { line: 0, col: 0 };
  const param = ([name, type]: readonly [string, string]): Param => ({ name, type: { k: 'name', name: type, pos }, pos });
  const decl: TextDecl = {
    k: 'text', name: r.name, pos, params: r.params.map(param), results: r.results.map(param), nosplit: false, noframe: false,
    frame: null, locals: r.frame!.locals.map(param), captures: [], body: [], labels: new Map(), endLine: 0, broken: false,
  };
  const fl = new FuncLowerer(info, decl, data, diags);
  const pl = fl.pl;
  const loop = pl.newLabel(), done = pl.newLabel();
  pl.bind(loop);
  pl.emit(Op.HOSTCALL, [I(r.id)]);
  pl.emit(Op.CMP, [R(t.portable[0]!), I(0)]);
  pl.emit(Op.JCC, [L(done)], Cond.EQ);
  pl.emit(Op.MOV, [M(t.ctxt, 0), R(t.call)]);
  pl.emit(Op.CALL, [R(t.call)]);
  pl.emit(Op.JMP, [L(loop)]);
  pl.bind(done);
  const lf = fl.out;
  lf.rets.push(pl.progs.length);
  pl.emit(Op.NOP, []);
  lf.hasCall = true;
  fl.needOut(r.frame!.outWords * t.ptrSize + (r.frame!.deferArgs ? o.deferArgs : 0));
  const frame = layoutFrame(t, lf, diags);
  const { progs, labels } = finishFunc(t, lf, frame, 0);
  return { name: r.name, progs, labels, frame, lowered: lf, sig: lf.sig, hostId: r.id, line: 0 };
}
