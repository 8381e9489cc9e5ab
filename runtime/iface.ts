// Go's iface.go: boxing a value into an interface (convT64, convTstring
// allocate its data word) and the type assertions UNBOX lowers to. A
// mismatch panics with a TypeAssertionError in Go 1.19's words; asserting
// to error gives the runtime error's Error() text.
import { Next } from '../vm/machine.js';
import { arg, argBig, argp, setResult } from './asm.js';
import { gostringHeap, typeAssertionError } from './error.js';
import { mallocgc, STRING_PTRS } from './malloc.js';
import { startpanic } from './panic.js';
import type { Handlers, Runtime } from './runtime.js';
import { errorText, isKind, typeName } from './type.js';

function assertionFailed(rt: Runtime, msg: string): Next {
  return startpanic(rt.st, typeAssertionError(rt, `interface conversion: ${msg}`));
}

const have = (rt: Runtime, typ: number) => (typ === 0 ? 'nil' : typeName(rt.st, typ));

export const handlers: Handlers = {
  'runtime.convT64': (rt) => {
    const st = rt.st;
    const p = mallocgc(rt, st.W);
    st.stBig(p, argBig(st, 0));
    setResult(st, 1, 0, p);
    return Next.Continue;
  },
  'runtime.convTstring': (rt) => {
    const st = rt.st;
    const p = mallocgc(rt, 2 * st.W, STRING_PTRS);
    st.stw(p, arg(st, 0));
    st.stw(p + st.W, arg(st, 1));
    setResult(st, 2, 0, p);
    return Next.Continue;
  },
  'runtime.assertE2int': (rt) => {
    const st = rt.st, typ = arg(st, 0);
    if (!isKind(st, typ, 'int')) return assertionFailed(rt, `interface {} is ${have(rt, typ)}, not int`);
    st.stBig(argp(st) + 2 * st.W, st.ldBig(arg(st, 1)));
    return Next.Continue;
  },
  'runtime.assertE2string': (rt) => {
    const st = rt.st, typ = arg(st, 0);
    if (!isKind(st, typ, 'string')) return assertionFailed(rt, `interface {} is ${have(rt, typ)}, not string`);
    const data = arg(st, 1);
    setResult(st, 2, 0, st.ldw(data));
    setResult(st, 2, 1, st.ldw(data + st.W));
    return Next.Continue;
  },
  // UNBOX e, error -> s: the error's Error() text (only the runtime's errors exist in gasm).
  'runtime.assertE2error': (rt) => {
    const st = rt.st, typ = arg(st, 0);
    if (typ === 0) return assertionFailed(rt, 'interface is nil, not error');
    const text = errorText(st, typ, arg(st, 1));
    if (text === null) return assertionFailed(rt, `${typeName(st, typ)} is not error: missing method Error`);
    const { p, n } = gostringHeap(rt, text);
    setResult(st, 2, 0, p);
    setResult(st, 2, 1, n);
    return Next.Continue;
  },
};
