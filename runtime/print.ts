// Go's print.go: the functions print and println lower to, writing to
// standard error through the report sink; and printpanicval, how a panic
// value is printed.
import { Next } from '../vm/machine.js';
import { arg, argBig } from './asm.js';
import { hex } from './format.js';
import type { Handlers } from './runtime.js';
import type { State } from './state.js';
import { errorText, gostring, gostringBytes, isKind, typeName } from './type.js';

function out(st: State, s: string | Uint8Array): Next {
  st.print(s);
  return Next.Continue;
}

const word = (st: State, v: bigint) => BigInt.asUintN(st.W * 8, v);

export const handlers: Handlers = {
  'runtime.printlock': () => Next.Continue,
  'runtime.printunlock': () => Next.Continue,
  'runtime.printint': ({ st }) => out(st, argBig(st, 0).toString()),
  'runtime.printuint': ({ st }) => out(st, word(st, argBig(st, 0)).toString()),
  'runtime.printbool': ({ st }) => out(st, (arg(st, 0) & 0xff) !== 0 ? 'true' : 'false'),
  'runtime.printpointer': ({ st }) => out(st, hex(word(st, argBig(st, 0)))),
  'runtime.printstring': ({ st }) => out(st, gostringBytes(st, arg(st, 0), arg(st, 1))),
  'runtime.printeface': ({ st }) => out(st, `(${hex(arg(st, 0))},${hex(arg(st, 1))})`),
  'runtime.printsp': ({ st }) => out(st, ' '),
  'runtime.printnl': ({ st }) => out(st, '\n'),
};

/** printpanicval: how Go 1.19 prints a panic value (an eface: type, data); an error by its Error text. */
export function printpanicval(st: State, typ: number, data: number): string {
  if (typ === 0) return 'nil';
  const err = errorText(st, typ, data);
  if (err !== null) return err;
  if (isKind(st, typ, 'int')) return st.ldBig(data).toString();
  if (isKind(st, typ, 'string')) return gostring(st, st.ldw(data), st.ldw(data + st.W));
  return `(${typeName(st, typ)}) ${hex(data)}`;
}
