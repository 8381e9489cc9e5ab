// Runtime functions for the runtime's own tests (Go's export_test.go),
// callable only by programs compiled with compile's testFuncs option.
//
// The states panicstring refuses to panic in (seed 000) — m.mallocing,
// m.gcing, a lock held — are set by runtime.testEnterMalloc, testEnterGC and
// testLock (then ReadMemStats throws `stoptheworld: holding locks`, seed
// 003); runtime.testStopTheWorldOnG0 calls stoptheworld from g0, as the
// scavenger once did through ReadMemStats; runtime.testMoveStackInPanic makes gopanic move the stack after
// each deferred call (Go's TestStackPanic asks for a GC there).
//
// runtime.callbackTest(fn func(i int) (r int), n int) (sum int) calls fn(0)
// … fn(n-1) from the host, each on the goroutine's stack through
// reflectcall, and returns the sum of the results: it shows that a runtime
// function can call into gasm and continue when the call returns, even when
// the call has moved the stack under it. Its state (i, acc) is in its frame.
import { Gobuf, M } from '../abi/runtime2.js';
import { Next } from '../vm/machine.js';
import { callerOfHostcall, frameReturn, reflectcall, setg, stubFrame } from './asm.js';
import { stoptheworld } from './mgc.js';
import type { Handlers } from './runtime.js';

export const handlers: Handlers = {
  'runtime.testEnterMalloc': ({ st }) => { st.setMField(M.mallocing, 1); return Next.Continue; },
  'runtime.testEnterGC': ({ st }) => { st.setMField(M.gcing, 1); return Next.Continue; },
  'runtime.testLock': ({ st }) => { st.setMField(M.locks, st.mField(M.locks) + 1); return Next.Continue; },
  'runtime.testStopTheWorldOnG0': ({ st }) => {
    // Switch to g0 as Go's onM does, the goroutine's place saved for the traceback.
    const at = callerOfHostcall(st), g = st.curg;
    st.setSched(g, Gobuf.pc, at.pc);
    st.setSched(g, Gobuf.sp, at.sp);
    st.setSched(g, Gobuf.lr, at.lr);
    setg(st, st.g0);
    stoptheworld(st, ['runtime.throw', 'runtime.testStopTheWorldOnG0']);
    setg(st, g);
    return Next.Continue;
  },
  'runtime.testMoveStackInPanic': ({ st }) => { st.testMoveStackInPanic = true; return Next.Continue; },
  'runtime.callbackTest': ({ st }) => {
    const W = st.W;
    const f = stubFrame(st, 'runtime.callbackTest');
    const fn = st.ldw(f.args), n = st.ldw(f.args + W);
    const iAddr = f.locals, accAddr = f.locals + W;
    let i = st.ldw(iAddr);
    if (i > 0) st.stw(accAddr, st.ldw(accAddr) + st.ldw(f.out + W)); // the result of fn(i-1)
    if (i === n) {
      st.stw(f.args + 2 * W, st.ldw(accAddr));
      return frameReturn(st);
    }
    st.stw(f.out, i);
    st.stw(iAddr, ++i);
    return reflectcall(st, fn);
  },
};
