// Go's sigpanic (signal_unix.go): what a trap raised by an instruction
// becomes. A fault in the nil page is a nil-pointer panic with the
// `[signal SIGSEGV …]` line; any other fault is the fatal `unexpected fault
// address`; a breakpoint is SIGTRAP; a func value called with the wrong
// argument frame is a throw.
import { G, M } from '../abi/runtime2.js';
import { Next, type Trap } from '../vm/machine.js';
import { gothrow, type Where } from './crash.js';
import { hex } from './format.js';
import { fatalpanic, panicstring } from './panic.js';
import { callerOfHostcall } from './asm.js';
import type { Handlers, Runtime } from './runtime.js';
import type { State } from './state.js';
import { printTraceback } from './traceback.js';

export function sigpanic({ st }: Runtime, t: Trap): Next {
  st.beginReport();
  const m = st.m;
  const at: Where = { pc: t.pc, sp: m.sp, lr: st.t.family === 'arm' ? m.reg(st.t.lr) : 0, topIsFault: true };
  const g = st.curg;
  switch (t.k) {
    case 'divide':
      return panicstring(st, 'integer divide by zero', at);
    case 'breakpoint':
      return sigtrap(st, t.pc, at);
    case 'badcall': {
      const callee = st.findFunc(t.target);
      st.print(`runtime: call of ${callee?.name ?? hex(t.target)} through a func value: the caller staged ${t.size} bytes of arguments and results, ${callee?.name ?? 'the callee'} takes ${callee?.argsSize ?? '?'}\n`);
      return gothrow(st, 'func value called with the wrong arguments', at);
    }
    case 'fault': {
      const f = t.fault;
      const code = f.why === 'unmapped' ? 0x1 : 0x2;
      const sig = `[signal SIGSEGV: segmentation violation code=${hex(code)} addr=${hex(f.addr)} pc=${hex(t.pc)}]\n`;
      st.setGField(g, G.sig, 11);
      if (f.addr < 0x1000 && f.why === 'unmapped') {
        return fatalpanic(st, 'runtime error: invalid memory address or nil pointer dereference', at, sig);
      }
      st.print(`unexpected fault address ${hex(f.addr)}\n`);
      st.setMField(M.throwing, 1);
      st.print(`fatal error: fault\n${sig}\n`);
      printTraceback(st, g, at.pc, at.sp, at.lr, { withRegs: true, topIsFault: true });
      st.exit(2);
      return Next.Stop;
    }
  }
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
  // The trap is in runtime.Breakpoint; the traceback starts at its caller, at the call.
  'runtime.Breakpoint': ({ st }) => sigtrap(st, st.m.pc, callerOfHostcall(st)),
};
