// Go's iface.go: boxing a value into an interface (convT64, convTstring
// allocate its data word) and the type assertions UNBOX lowers to, which
// panic with Go 1.19's `interface conversion` texts on a mismatch.
import { Next } from '../vm/machine.js';
import { arg, argBig, argp, callerOfHostcall, setResult } from './asm.js';
import { mallocgc } from './malloc.js';
import { fatalpanic } from './panic.js';
import type { Handlers } from './runtime.js';
import type { State } from './state.js';
import { isKind, typeName } from './type.js';

function interfaceConversion(st: State, typ: number, want: string): Next {
  const have = typ === 0 ? 'nil' : typeName(st, typ);
  return fatalpanic(st, `interface conversion: interface {} is ${have}, not ${want}`, callerOfHostcall(st));
}

export const handlers: Handlers = {
  'runtime.convT64': (rt) => {
    const st = rt.st;
    const p = mallocgc(rt, st.W);
    if (st.W === 8) st.mem.dv.setBigInt64(st.mem.off(p, 8, 'write'), argBig(st, 0), true);
    else st.stw(p, arg(st, 0));
    setResult(st, 1, 0, p);
    return Next.Continue;
  },
  'runtime.convTstring': (rt) => {
    const st = rt.st;
    const p = mallocgc(rt, 2 * st.W);
    st.stw(p, arg(st, 0));
    st.stw(p + st.W, arg(st, 1));
    setResult(st, 2, 0, p);
    return Next.Continue;
  },
  'runtime.assertE2int': ({ st }) => {
    const typ = arg(st, 0);
    if (!isKind(st, typ, 'int')) return interfaceConversion(st, typ, 'int');
    const data = arg(st, 1);
    if (st.W === 8) st.mem.dv.setBigInt64(st.mem.off(argp(st) + 2 * st.W, 8, 'write'), st.mem.ld64(data), true);
    else setResult(st, 2, 0, st.ldw(data));
    return Next.Continue;
  },
  'runtime.assertE2string': ({ st }) => {
    const typ = arg(st, 0);
    if (!isKind(st, typ, 'string')) return interfaceConversion(st, typ, 'string');
    const data = arg(st, 1);
    setResult(st, 2, 0, st.ldw(data));
    setResult(st, 2, 1, st.ldw(data + st.W));
    return Next.Continue;
  },
  'runtime.assertE2error': ({ st }) => {
    // No value of an error type exists in gasm until recover hands out runtime errors.
    const typ = arg(st, 0);
    if (typ === 0) return fatalpanic(st, 'interface conversion: interface is nil, not error', callerOfHostcall(st));
    return fatalpanic(st, `interface conversion: ${typeName(st, typ)} is not error: missing method Error`, callerOfHostcall(st));
  },
};
