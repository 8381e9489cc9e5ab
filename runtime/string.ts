// Go's string.go: concatenation (CONCAT lowers to concatstring2).
import { Next } from '../vm/machine.js';
import { arg, setResult } from './asm.js';
import { mallocgc } from './malloc.js';
import type { Handlers } from './runtime.js';
import { gostringBytes } from './type.js';

export const handlers: Handlers = {
  'runtime.concatstring2': (rt) => {
    const st = rt.st;
    const a = gostringBytes(st, arg(st, 0), arg(st, 1)), b = gostringBytes(st, arg(st, 2), arg(st, 3));
    const n = a.length + b.length;
    let p = 0;
    if (n > 0) {
      p = mallocgc(rt, n);
      const o = st.mem.off(p, n, 'write');
      st.mem.u8.set(a, o);
      st.mem.u8.set(b, o + a.length);
    }
    setResult(st, 4, 0, p);
    setResult(st, 4, 1, n);
    return Next.Continue;
  },
};
