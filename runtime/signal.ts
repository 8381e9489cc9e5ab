// Go's signal handling (signal_unix.go, and the per-arch sighandler that
// prepares a panic): a trap raised by an instruction. A fault becomes a
// call of runtime.sigpanic at the faulting instruction, as Go's signal
// handler arranges it (x86 pushes the faulting pc as a return address; ARM
// saves LR on the stack and puts the faulting pc in LR), with the signal
// recorded in g. sigpanic then panics — a nil dereference is a runtime
// error a deferred call can recover — or throws `unexpected fault address`.
// A breakpoint is SIGTRAP; a func value called with the wrong argument frame
// is a throw.
import { G, M } from '../abi/runtime2.js';
import { Next, type Trap } from '../vm/machine.js';
import { callerOfHostcall, reflectcall, stubFrame } from './asm.js';
import { CHECKPTR_THROW, checkptrWhere, gothrow, type Where } from './crash.js';
import { hex } from './format.js';
import { panicstring } from './panic.js';
import type { Handlers, Runtime } from './runtime.js';
import type { State } from './state.js';
import { printTraceback } from './traceback.js';

const SIGSEGV = 11, SIGFPE = 8;
/** si_code of a fault: SEGV_MAPERR (no mapping), SEGV_ACCERR (no permission). */
const SEGV_MAPERR = 1, SEGV_ACCERR = 2;

export function sighandler({ st }: Runtime, t: Trap): Next {
  const m = st.m;
  switch (t.k) {
    case 'fault':
      return injectSigpanic(st, t.pc, SIGSEGV, t.fault.why === 'unmapped' ? SEGV_MAPERR : SEGV_ACCERR, t.fault.addr);
    case 'divide':
      return injectSigpanic(st, t.pc, SIGFPE, 0, 0);
    case 'breakpoint':
      return sigtrap(st, t.pc, { pc: t.pc, sp: m.sp, lr: st.t.family === 'arm' ? m.reg(st.t.lr) : 0, topIsFault: true });
    case 'badcall': {
      const callee = st.findFunc(t.target);
      st.beginReport();
      st.print(`runtime: call of ${callee?.name ?? hex(t.target)} through a func value: the caller staged ${t.size} bytes of arguments and results, ${callee?.name ?? 'the callee'} takes ${callee?.argsSize ?? '?'}\n`);
      return gothrow(st, 'func value called with the wrong arguments', { pc: t.pc, sp: m.sp, lr: st.t.family === 'arm' ? m.reg(st.t.lr) : 0, topIsFault: true });
    }
    case 'checkptr': {
      st.beginReport();
      st.print(`runtime: pointer ${hex(t.value)} into a goroutine stack stored at ${hex(t.addr)}, ${checkptrWhere(st, t.addr)}\n`);
      return gothrow(st, CHECKPTR_THROW, { pc: t.pc, sp: m.sp, lr: st.t.family === 'arm' ? m.reg(st.t.lr) : 0, topIsFault: true });
    }
  }
}

/** Record the signal in g and make the faulting instruction call runtime.sigpanic. */
function injectSigpanic(st: State, pc: number, sig: number, code: number, addr: number): Next {
  const g = st.curg, m = st.m, t = st.t;
  st.setGField(g, G.sig, sig);
  st.setGField(g, G.sigcode0, code);
  st.setGField(g, G.sigcode1, addr);
  st.setGField(g, G.sigpc, pc);
  if (t.family === 'x86') {
    m.sp -= st.W;
    st.stw(m.sp, pc);
  } else {
    // Always save LR on the stack, so that a fault in a frameless leaf keeps its return address.
    m.sp -= 4;
    st.stw(m.sp, m.reg(t.lr));
    m.setReg(t.lr, pc);
  }
  m.jump(st.func('runtime.sigpanic').entry);
  return Next.Continue;
}

/** runtime.sigpanic: turn the recorded signal into a panic (through gopanic) or a throw. */
function sigpanic({ st }: Runtime): Next {
  const g = st.curg, m = st.m;
  const sig = st.gField(g, G.sig), code = st.gField(g, G.sigcode0), addr = st.gField(g, G.sigcode1), pc = st.gField(g, G.sigpc);
  const here: Where = { pc: m.pc, sp: m.sp, lr: st.t.family === 'arm' ? m.reg(st.t.lr) : 0 };
  const call = (e: { typ: number; data: number }) => {
    const out = stubFrame(st, 'runtime.sigpanic').out;
    st.stw(out, e.typ);
    st.stw(out + st.W, e.data);
    return reflectcall(st, st.img.symbols.get('runtime.gopanic·f')!.addr);
  };
  if (sig === SIGFPE) {
    // The compiler checks divisors (runtime.panicdivide): Go prints no signal line for it either.
    st.setGField(g, G.sig, 0);
    return panicstring(st, 'divide', 'integer divide by zero', here, call);
  }
  if (addr < 0x1000 && code === SEGV_MAPERR) return panicstring(st, 'nilderef', 'invalid memory address or nil pointer dereference', here, call);
  st.beginReport();
  st.print(`unexpected fault address ${hex(addr)}\n`);
  st.setMField(M.throwing, 1);
  st.print('fatal error: fault\n');
  st.print(`[signal SIGSEGV: segmentation violation code=${hex(code)} addr=${hex(addr)} pc=${hex(pc)}]\n\n`);
  printTraceback(st, g, here.pc, here.sp, here.lr, { withRegs: true, topIsFault: false });
  st.exit(2);
  return Next.Stop;
}

/** SIGTRAP: Go's report of a breakpoint, then the goroutine's traceback from `at`; exit 2. */
function sigtrap(st: State, pc: number, at: Where): Next {
  st.beginReport();
  st.print(`SIGTRAP: trace/breakpoint trap\nPC=${hex(pc)} m=0 sigcode=128\n\n`);
  printTraceback(st, st.curg, at.pc, at.sp, at.lr, { withRegs: false, topIsFault: at.topIsFault ?? false });
  st.exit(2);
  return Next.Stop;
}

export const handlers: Handlers = {
  'runtime.sigpanic': sigpanic,
  // The trap is in runtime.Breakpoint; the traceback starts at its caller, at the call.
  'runtime.Breakpoint': ({ st }) => sigtrap(st, st.m.pc, callerOfHostcall(st)),
};

