// Runtime functions for the runtime's own tests (Go's export_test.go),
// callable only by programs compiled with compile's testFuncs option.
//
// The states panicstring refuses to panic in (seed 000) — m.mallocing,
// m.gcing, a lock held — are set by runtime.testEnterMalloc, testEnterGC and
// testLock; runtime.testMoveStackInPanic makes gopanic move the stack after
// each deferred call (Go's TestStackPanic asks for a GC there).
//
// runtime.callbackTest(fn func(i int) (r int), n int) (sum int) calls fn(0)
// … fn(n-1) from the host, each on the goroutine's stack through
// reflectcall, and returns the sum of the results: it shows that a runtime
// function can call into gasm and continue when the call returns, even when
// the call has moved the stack under it. Its state (i, acc) is in its frame.
import { M } from '../abi/runtime2.js';
import { Next } from '../vm/machine.js';
import { frameReturn, reflectcall, stubFrame } from './asm.js';
import type { Handlers } from './runtime.js';

export const handlers: Handlers = {
  'runtime.testEnterMalloc': ({ st }) => { st.setMField(M.mallocing, 1); return Next.Continue; },
  'runtime.testEnterGC': ({ st }) => { st.setMField(M.gcing, 1); return Next.Continue; },
  'runtime.testLock': ({ st }) => { st.setMField(M.locks, st.mField(M.locks) + 1); return Next.Continue; },
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
