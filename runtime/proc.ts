// Go's proc.go: goroutines and the boot sequence (asm_*.s rt0_go). rt0_go
// makes m0 with its P, the scheduler's state, g0 and the main goroutine —
// created as newproc creates every goroutine: its arguments copied to the
// top of a new stack, entered as if called from runtime.goexit, so that
// returning from its function reaches goexit — and schedule runs it.
// Returning from main.main ends the program (status 0) whatever else runs;
// another goroutine's return ends that goroutine, whose g and stack are
// kept for the next GO (gfput/gfget).
import { G, G_PTRS, Gobuf, Gstatus, M, P, Sched } from '../abi/runtime2.js';
import { StackGuard } from '../abi/stack.js';
import { Next } from '../vm/machine.js';
import { arg, argp, callerOfHostcall, setResult } from './asm.js';
import { mallocgc, structPtrs } from './malloc.js';
import type { Handlers, Runtime } from './runtime.js';
import { gosave, gosched_m, runqput, schedule } from './sched.js';
import type { State } from './state.js';

/** g0's stack: the runtime's own frames (newstack, throw) live there in Go. */
const G0_STACK = 64 * 1024;

const sget = (st: State, f: number) => st.schedField(f);
const sset = (st: State, f: number, v: number) => st.stw(st.schedAddr + f * st.W, v);

/** malg: a new g, in the heap, with a stack of stackSize bytes; on allg. */
function malg(rt: Runtime, stackSize: number): number {
  const st = rt.st;
  const g = mallocgc(rt, G.words * st.W, structPtrs(G.words, G_PTRS));
  const stk = rt.stacks.alloc(stackSize);
  st.setGField(g, G.stackLo, stk.lo);
  st.setGField(g, G.stackHi, stk.hi);
  st.setGField(g, G.stackguard0, stk.lo + StackGuard);
  st.setGField(g, G.stackguard1, stk.lo + StackGuard);
  st.setGField(g, G.m, st.mAddr);
  st.setGField(g, G.status, Gstatus.dead);
  // allgadd: at the tail, so that tracebacks list goroutines in the order they were made.
  const tail = sget(st, Sched.allgtail);
  if (tail === 0) sset(st, Sched.allg, g);
  else st.setGField(tail, G.alllink, g);
  sset(st, Sched.allgtail, g);
  return g;
}

/** gfget: a dead goroutine to reuse (its stack is the smallest size; a new one if the collector took it), or a new one. */
function gfget(rt: Runtime): number {
  const st = rt.st, g = sget(st, Sched.gfree);
  if (g === 0) return malg(rt, st.cfg.stackMin);
  sset(st, Sched.gfree, st.gField(g, G.schedlink));
  st.setGField(g, G.schedlink, 0);
  if (st.gField(g, G.stackLo) === 0) {
    const stk = rt.stacks.alloc(st.cfg.stackMin);
    st.setGField(g, G.stackLo, stk.lo);
    st.setGField(g, G.stackHi, stk.hi);
  }
  return g;
}

/** gfput: keep a dead goroutine for reuse; a stack grown beyond the smallest size is given back (gfget makes a new one). */
function gfput(rt: Runtime, g: number): void {
  const st = rt.st, lo = st.gField(g, G.stackLo), hi = st.gField(g, G.stackHi);
  if (lo !== 0 && hi - lo !== st.cfg.stackMin) {
    rt.stacks.free({ lo, hi });
    st.setGField(g, G.stackLo, 0);
    st.setGField(g, G.stackHi, 0);
  }
  st.setGField(g, G.schedlink, sget(st, Sched.gfree));
  sset(st, Sched.gfree, g);
}

/**
 * newproc1: g will run fn (a funcval) with the siz bytes of arguments at
 * argp, as if called from runtime.goexit; gopc is where the GO statement was.
 */
function newproc1(rt: Runtime, fn: number, argp: number, siz: number, gopc: number): number {
  const st = rt.st, W = st.W;
  const g = gfget(rt);
  const hi = st.gField(g, G.stackHi);
  // Some room above the arguments (Go leaves 4 words), the arguments word-aligned below it.
  const args = Math.floor((hi - 4 * W - siz) / W) * W;
  st.mem.move(args, argp, siz);
  const goexit = st.func('runtime.goexit').entry;
  if (st.t.family === 'x86') {
    st.setSched(g, Gobuf.sp, args - W);
    st.stw(args - W, goexit);
    st.setSched(g, Gobuf.lr, 0);
  } else {
    st.setSched(g, Gobuf.sp, args - 4); // 0(SP) is the caller's saved LR slot
    st.setSched(g, Gobuf.lr, goexit);
  }
  st.setSched(g, Gobuf.pc, st.ldw(fn));
  st.setSched(g, Gobuf.ctxt, fn);
  st.setSched(g, Gobuf.g, g);
  const goid = sget(st, Sched.goidgen) + 1;
  sset(st, Sched.goidgen, goid);
  st.setGField(g, G.goid, goid);
  st.setGField(g, G.gopc, gopc);
  st.setGField(g, G.status, Gstatus.runnable);
  for (const f of [G.panic, G.defer, G.param, G.waiting, G.sig, G.waitreason, G.preempt]) st.setGField(g, f, 0);
  sset(st, Sched.gcount, sget(st, Sched.gcount) + 1);
  return g;
}

/** rt0_go: m0 and its P, the scheduler, g0 and the main goroutine; then schedule runs main.main. */
export function rt0_go(rt: Runtime): void {
  const st = rt.st;
  st.mAddr = rt.heap.alloc(M.words * st.W);
  st.setMField(M.p, rt.heap.alloc(P.words * st.W));
  st.schedAddr = rt.heap.alloc(Sched.words * st.W);
  st.g0 = malg(rt, G0_STACK);
  st.setGField(st.g0, G.status, Gstatus.running);
  st.setMField(M.g0, st.g0);
  st.stats.maxStackSize = st.cfg.stackMin;
  // main.main's funcval is the runtime's (a static one in read-only data).
  const main = st.img.symbols.get('main.main·f')!.addr;
  runqput(st, newproc1(rt, main, 0, 0, 0));
  schedule(st);
}

/** goexit0: the running goroutine is done; the next one runs. */
export function goexit0(rt: Runtime): void {
  const st = rt.st, g = st.curg;
  if (st.observing) st.emit({ k: 'goexit', goid: st.gField(g, G.goid) });
  st.setGField(g, G.status, Gstatus.dead);
  for (const f of [G.panic, G.defer, G.param, G.waiting, G.waitreason, G.gopc]) st.setGField(g, f, 0);
  sset(st, Sched.gcount, sget(st, Sched.gcount) - 1);
  st.setMField(M.curg, 0);
  gfput(rt, g);
  schedule(st);
}

/** Where a frameless runtime function returns to its caller: the instruction after its HOSTCALL. */
function afterHostcall(st: State): number {
  const code = st.m.code;
  return code.next[code.slotOf[st.m.pc - code.base]!]!;
}

export const handlers: Handlers = {
  // A goroutine's function returned into goexit. For main.main, runtime.main exits the program.
  'runtime.goexit': (rt) => {
    const st = rt.st;
    if (st.gField(st.curg, G.goid) === 1) {
      st.exit(0);
      return Next.Stop;
    }
    goexit0(rt);
    return Next.Continue;
  },
  // newproc(siz, fn, args…): the arguments of fn follow fn, as for deferproc.
  'runtime.newproc': (rt) => {
    const st = rt.st, parent = st.gField(st.curg, G.goid);
    const siz = arg(st, 0), fn = arg(st, 1);
    const g = newproc1(rt, fn, argp(st) + 2 * st.W, siz, callerOfHostcall(st).pc);
    runqput(st, g);
    if (st.observing) st.emit({ k: 'newproc', goid: st.gField(g, G.goid), fn: st.funcName(st.ldw(fn)), parent });
    return Next.Continue;
  },
  'runtime.Gosched': ({ st }) => {
    gosave(st, st.curg, afterHostcall(st));
    gosched_m(st, st.curg);
    return Next.Continue;
  },
  'runtime.NumGoroutine': ({ st }) => { setResult(st, 0, 0, sget(st, Sched.gcount)); return Next.Continue; },
};

