// Go's panic.go: panics raised by the program (gopanic) and by the
// compiler's checks (panicdivide, panicIndex), and the report of a panic
// that nothing recovers (printpanics, then dopanic). Defers and recover are
// not built yet (docs/status.md): every panic reaches the top of the
// goroutine.
import { Next } from '../vm/machine.js';
import { arg, argBig, callerOfHostcall } from './asm.js';
import { dopanic, gothrow, type Where } from './crash.js';
import { printpanicval } from './print.js';
import type { Handlers } from './runtime.js';
import type { State } from './state.js';

/**
 * fatalpanic for a panic with value text `val` (printpanicval's): `panic: val`,
 * the signal line of a fault, then the goroutine's traceback; exit 2.
 */
export function fatalpanic(st: State, val: string, at: Where, signal?: string): Next {
  st.beginReport();
  st.print(`panic: ${val}\n`);
  if (signal) st.print(signal);
  dopanic(st, at);
  return Next.Stop;
}

/** A runtime error panics with its message (seed 000's errorCString values come with recover). */
export function panicstring(st: State, msg: string, at: Where): Next {
  return fatalpanic(st, `runtime error: ${msg}`, at);
}

/** The message of a failed index check (Go 1.19's boundsError). */
function boundsError(x: bigint, y: bigint): string {
  return x < 0n ? `index out of range [${x}]` : `index out of range [${x}] with length ${y}`;
}

export const handlers: Handlers = {
  // Named in tracebacks of throws; gasm code never calls it.
  'runtime.throw': ({ st }) => gothrow(st, 'runtime.throw called from gasm'),
  'runtime.gopanic': ({ st }) => fatalpanic(st, printpanicval(st, arg(st, 0), arg(st, 1)), callerOfHostcall(st)),
  'runtime.panicdivide': ({ st }) => panicstring(st, 'integer divide by zero', callerOfHostcall(st)),
  'runtime.panicIndex': ({ st }) => panicstring(st, boundsError(argBig(st, 0), argBig(st, 1)), callerOfHostcall(st)),
};
