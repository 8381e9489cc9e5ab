// Unrecovered panics, throws and signals: Go 1.19's reports, exit status 2.
// (Defers and recover are not implemented yet: a panic always reaches the top.)
import type { Trap } from '../vm/machine.js';
import { Next } from '../vm/machine.js';
import { G, M } from './abi.js';
import { printRuntimeStack, printTraceback } from './traceback.js';
import type { Runtime } from './runtime.js';
import { hex } from './format.js';

/** Unwinds the host out of the interpreter when the program ends. */
export class Exit extends Error {
  constructor(readonly code: number) { super(`exit ${code}`); }
}


/** Where the traceback of the running goroutine starts when a runtime function reports. */
export function callerOfHostcall(rt: Runtime): { pc: number; sp: number; lr: number } {
  const m = rt.machine;
  if (rt.t.family === 'x86') return { pc: rt.ldw(m.sp), sp: m.sp + rt.W, lr: 0 };
  return { pc: m.reg(rt.t.lr), sp: m.sp, lr: 0 };
}

/**
 * throw: "fatal error: msg", the goroutine's traceback (with fp/sp/pc, as
 * Go prints when crashing), exit 2. `where` is the goroutine's state to print.
 */
export function throwFatal(rt: Runtime, msg: string, where?: { pc: number; sp: number; lr: number; runtimeStack?: string[]; topIsFault?: boolean }): never {
  rt.beginReport();
  rt.setMField(M.throwing, 1);
  rt.print(`fatal error: ${msg}\n`);
  const g = rt.curg;
  if (where?.runtimeStack) {
    rt.print('\n');
    printRuntimeStack(rt, where.runtimeStack);
  } else {
    rt.print('\n');
  }
  const at = where ?? callerOfHostcall(rt);
  printTraceback(rt, g, at.pc, at.sp, at.lr, { withRegs: true, topIsFault: where?.topIsFault ?? false });
  rt.exitCode = 2;
  throw new Exit(2);
}

/** An unrecovered panic with value text `val` (already formatted as printpanicval does). */
export function fatalPanic(rt: Runtime, val: string, at: { pc: number; sp: number; lr: number }, topIsFault: boolean, signal?: string): never {
  rt.beginReport();
  rt.print(`panic: ${val}\n`);
  if (signal) rt.print(signal);
  rt.print('\n');
  printTraceback(rt, rt.curg, at.pc, at.sp, at.lr, { withRegs: false, topIsFault });
  rt.exitCode = 2;
  throw new Exit(2);
}

/** A trap raised by an instruction: sigpanic's decisions (Go 1.19 signal_unix.go). */
export function fatalSignal(rt: Runtime, t: Trap): Next {
  rt.beginReport();
  const m = rt.machine;
  const at = { pc: t.pc, sp: m.sp, lr: rt.t.family === 'arm' ? m.reg(rt.t.lr) : 0 };
  const g = rt.curg;
  if (t.k === 'divide') {
    fatalPanic(rt, 'runtime error: integer divide by zero', at, true);
  }
  if (t.k === 'breakpoint') {
    rt.print(`SIGTRAP: trace/breakpoint trap\nPC=${hex(t.pc)} m=0 sigcode=128\n\n`);
    printTraceback(rt, g, at.pc, at.sp, at.lr, { withRegs: false, topIsFault: true });
    rt.exitCode = 2;
    throw new Exit(2);
  }
  if (t.k === 'badcall') {
    const callee = rt.findFunc(t.target);
    rt.print(`runtime: call of ${callee?.name ?? hex(t.target)} through a func value: the caller staged ${t.size} bytes of arguments and results, ${callee?.name ?? 'the callee'} takes ${callee?.argsSize ?? '?'}\n`);
    throwFatal(rt, 'func value called with the wrong arguments', { ...at, topIsFault: true });
  }
  if (t.k === 'badpc') {
    rt.print(`unexpected fault address ${hex(t.target)}\n`);
    throwFatal(rt, 'fault', at);
  }
  const f = t.fault;
  const code = f.why === 'unmapped' ? 0x1 : 0x2;
  const sig = `[signal SIGSEGV: segmentation violation code=${hex(code)} addr=${hex(f.addr)} pc=${hex(t.pc)}]\n`;
  rt.setGField(g, G.sig, 11);
  if (f.addr < 0x1000 && f.why === 'unmapped') {
    fatalPanic(rt, 'runtime error: invalid memory address or nil pointer dereference', at, true, sig);
  }
  rt.print(`unexpected fault address ${hex(f.addr)}\n`);
  rt.setMField(M.throwing, 1);
  rt.print('fatal error: fault\n');
  rt.print(sig);
  rt.print('\n');
  printTraceback(rt, g, at.pc, at.sp, at.lr, { withRegs: true, topIsFault: true });
  rt.exitCode = 2;
  throw new Exit(2);
}
