// What Go writes in assembly (asm_amd64.s, asm_386.s, asm_arm.s): the
// calling convention as the runtime sees it, switching g, resuming a
// goroutine from a gobuf (gogo), and calls from the runtime into gasm
// (Go's reflectcall), which return to the runtime without recursion in
// JavaScript.
import { Gobuf } from '../abi/runtime2.js';
import { Next } from '../vm/machine.js';
import type { State } from './state.js';

/**
 * The arguments of the frameless runtime function being run: its caller's
 * outgoing area (x86: above the return address CALL pushed; ARM: at 4(SP),
 * above the caller's saved LR).
 */
export function argp(st: State): number {
  return st.t.family === 'x86' ? st.m.sp + st.W : st.m.sp + 4;
}

/** Word i of the current runtime call's arguments. */
export function arg(st: State, i: number): number { return st.ldw(argp(st) + i * st.W); }
export function argBig(st: State, i: number): bigint { return st.ldBig(argp(st) + i * st.W); }
/** Store result word i (after paramWords words of parameters) of the current runtime call. */
export function setResult(st: State, paramWords: number, i: number, v: number): void {
  st.stw(argp(st) + (paramWords + i) * st.W, v);
}

/** Where the goroutine is when a frameless runtime function runs: in its caller, at the call. */
export function callerOfHostcall(st: State): { pc: number; sp: number; lr: number } {
  const m = st.m;
  if (st.t.family === 'x86') return { pc: st.ldw(m.sp), sp: m.sp + st.W, lr: 0 };
  return { pc: m.reg(st.t.lr), sp: m.sp, lr: 0 };
}

/** Make g the running goroutine (TLS on x86, R10 on ARM). */
export function setg(st: State, g: number): void {
  st.m.g = g;
  if (st.t.family === 'arm') st.m.setReg(st.t.g, g);
}

/** runtime·gogo: resume g where g.sched says. */
export function gogo(st: State, g: number): void {
  const m = st.m, t = st.t;
  setg(st, g);
  m.sp = st.sched(g, Gobuf.sp);
  m.jump(st.sched(g, Gobuf.pc));
  m.setReg(t.ctxt, st.sched(g, Gobuf.ctxt));
  if (t.family === 'arm') m.setReg(t.lr, st.sched(g, Gobuf.lr));
}

// ---- calls into gasm from a runtime function with a frame (abi RuntimeFunc.frame)
//
// Its stub loops over `HOSTCALL id; if R0 != 0 { CALL 0(ctxt) }` (compiler/
// runtimestubs.ts). At each HOSTCALL the handler finds its arguments, locals
// and outgoing area from SP and its frame layout, and either asks for a call
// (reflectcall) or returns (frameReturn). Its state lives in the frame's
// locals, in VM memory: a stack copy during the call moves and adjusts it.

/** The frame of the runtime function with a frame running at its HOSTCALL. */
export interface StubFrame {
  /** Its parameters and results (its caller's outgoing area). */
  readonly args: number;
  /** Its locals, in the order abi/funcs.ts lists them, word-aligned. */
  readonly locals: number;
  /** Its outgoing area: where the arguments of the call it makes go. */
  readonly out: number;
}

export function stubFrame(st: State, name: string): StubFrame {
  const f = st.func(name), sp = st.m.sp;
  return { args: sp + f.argBase, locals: sp + f.localsBase, out: sp + f.outBase };
}

/**
 * reflectcall: call funcval fn (its arguments already stored in the
 * outgoing area) and come back to this handler's HOSTCALL when it returns.
 */
export function reflectcall(st: State, fn: number): Next {
  st.m.setReg(st.t.ctxt, fn);
  st.m.setReg(st.t.portable[0]!, 1);
  return Next.Continue;
}

/** Return from the runtime function with a frame (its results already stored). */
export function frameReturn(st: State): Next {
  st.m.setReg(st.t.portable[0]!, 0);
  return Next.Continue;
}
