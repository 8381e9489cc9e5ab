// Go's proc.go and the boot sequence (asm_*.s rt0_go): m0 and g0, the main
// goroutine created as newproc would (entered as if called from
// runtime.goexit, so that returning from main.main reaches goexit), then
// mstart's schedule, which executes it.
import { G, Gobuf, Gstatus, M, P } from '../abi/runtime2.js';
import { StackGuard } from '../abi/stack.js';
import { Next } from '../vm/machine.js';
import { setResult } from './asm.js';
import type { Handlers, Runtime } from './runtime.js';
import { execute } from './sched.js';

/** g0's stack: the runtime's own frames (newstack, throw) live there in Go. */
const G0_STACK = 64 * 1024;

/** malg: a new g with a stack of stackSize bytes. */
function malg(rt: Runtime, stackSize: number, goid: number): number {
  const st = rt.st;
  const g = rt.heap.alloc(G.words * st.W);
  const stk = rt.stacks.alloc(stackSize);
  st.setGField(g, G.stackLo, stk.lo);
  st.setGField(g, G.stackHi, stk.hi);
  st.setGField(g, G.stackguard0, stk.lo + StackGuard);
  st.setGField(g, G.stackguard1, stk.lo + StackGuard);
  st.setGField(g, G.m, st.mAddr);
  st.setGField(g, G.goid, goid);
  return g;
}

/**
 * gostartcall: set g.sched so that g starts at fn as if called from ret
 * (x86 pushes the return address; ARM puts it in LR).
 */
function gostartcall(rt: Runtime, g: number, fn: number, ret: number): void {
  const st = rt.st, hi = st.gField(g, G.stackHi);
  if (st.t.family === 'x86') {
    const sp = hi - st.W;
    st.stw(sp, ret);
    st.setSched(g, Gobuf.sp, sp);
  } else {
    st.setSched(g, Gobuf.sp, hi - 4);
    st.setSched(g, Gobuf.lr, ret);
  }
  st.setSched(g, Gobuf.pc, fn);
  st.setSched(g, Gobuf.g, g);
}

/** rt0_go: m0 and its P, g0 and the main goroutine; then schedule runs main.main. */
export function rt0_go(rt: Runtime): void {
  const st = rt.st;
  st.mAddr = rt.heap.alloc(M.words * st.W);
  st.setMField(M.p, rt.heap.alloc(P.words * st.W));
  st.g0 = malg(rt, G0_STACK, 0);
  st.setGField(st.g0, G.status, Gstatus.running);
  st.setMField(M.g0, st.g0);
  const g = malg(rt, st.cfg.stackMin, 1);
  st.stats.maxStackSize = st.cfg.stackMin;
  gostartcall(rt, g, st.func('main.main').entry, st.func('runtime.goexit').entry);
  st.setGField(g, G.status, Gstatus.runnable);
  execute(st, g);
}

export const handlers: Handlers = {
  // main.main returned into goexit: runtime.main exits the program with status 0.
  'runtime.goexit': ({ st }) => {
    st.exit(0);
    return Next.Stop;
  },
  'runtime.Gosched': () => Next.Continue, // one goroutine: it goes on running
  'runtime.NumGoroutine': ({ st }) => { setResult(st, 0, 0, 1); return Next.Continue; },
};
