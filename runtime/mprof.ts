// Go's mprof.go: runtime.Stack, which prints the calling goroutine's
// traceback (gasm's form: to standard error, nothing returned).
import { Next } from '../vm/machine.js';
import { callerOfHostcall } from './asm.js';
import type { Handlers } from './runtime.js';
import { printTraceback } from './traceback.js';

export const handlers: Handlers = {
  'runtime.Stack': ({ st }) => {
    const at = callerOfHostcall(st);
    printTraceback(st, st.curg, at.pc, at.sp, at.lr, { withRegs: false, topIsFault: false });
    st.print('\n');
    return Next.Continue;
  },
};
