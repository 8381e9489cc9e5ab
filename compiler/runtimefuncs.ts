// The runtime functions a gasm program can reach: the ones a user may CALL,
// and the ones the compiler's lowering calls (as Go's compiler does). Each
// becomes a NOSPLIT, frameless TEXT symbol whose body is `HOSTCALL n`: the
// TypeScript runtime runs it "on g0", as the C and assembly runtime ran.
//
// Signatures use gasm type names; gorun passes every argument on the stack
// (Go 1.4's ABI), so each is word-aligned in the caller's outgoing area.

export interface RuntimeFunc {
  readonly name: string;
  readonly params: readonly [string, string][];
  readonly results: readonly [string, string][];
  /** May a gasm program name it in CALL (or as $runtime.f)? */
  readonly user: boolean;
  /** Does a call to it return? (Goexit, gopanic and the panic helpers do not.) */
  readonly returns: boolean;
}

const f = (name: string, params: [string, string][], results: [string, string][], user: boolean, returns = true): RuntimeFunc =>
  ({ name, params, results, user, returns });

export const RUNTIME_FUNCS: readonly RuntimeFunc[] = [
  // Stack growth: reached from prologues only.
  f('runtime.morestack', [], [], false),
  f('runtime.morestack_noctxt', [], [], false),
  // Where goroutines start and end; and the runtime functions tracebacks name
  // (implemented on the host: never called from gasm code).
  f('runtime.goexit', [], [], false, false),
  f('runtime.newstack', [], [], false),
  f('runtime.throw', [['s', 'string']], [], false, false),
  // Callable by programs (GASM.md).
  f('runtime.GC', [], [], true),
  f('runtime.Gosched', [], [], true),
  f('runtime.Goexit', [], [], true, false),
  f('runtime.NumGoroutine', [], [['n', 'int']], true),
  f('runtime.Stack', [], [], true),
  f('runtime.ReadMemStats', [['p', '*runtime.MemStats']], [], true),
  f('runtime.Breakpoint', [], [], true),
  // print/println, lowered as Go lowers them.
  f('runtime.printlock', [], [], false),
  f('runtime.printunlock', [], [], false),
  f('runtime.printint', [['v', 'int']], [], false),
  f('runtime.printuint', [['v', 'uint']], [], false),
  f('runtime.printbool', [['v', 'bool']], [], false),
  f('runtime.printpointer', [['p', 'uintptr']], [], false),
  f('runtime.printstring', [['s', 'string']], [], false),
  f('runtime.printeface', [['e', 'any']], [], false),
  f('runtime.printsp', [], [], false),
  f('runtime.printnl', [], [], false),
  // defer, panic, recover, goroutines.
  f('runtime.deferproc', [['siz', 'int'], ['fn', 'func']], [], false),
  f('runtime.deferreturn', [['arg0', 'uintptr']], [], false),
  f('runtime.gopanic', [['e', 'any']], [], false, false),
  f('runtime.gorecover', [['argp', 'uintptr']], [['r', 'any']], false),
  f('runtime.newproc', [['siz', 'int'], ['fn', 'func']], [], false),
  f('runtime.panicdivide', [], [], false, false),
  f('runtime.panicIndex', [['x', 'int'], ['y', 'int']], [], false, false),
  // Values.
  f('runtime.convT64', [['v', 'int']], [['p', 'uintptr']], false),
  f('runtime.convTstring', [['s', 'string']], [['p', 'uintptr']], false),
  f('runtime.newobject', [['typ', 'uintptr']], [['p', 'uintptr']], false),
  f('runtime.concatstring2', [['a', 'string'], ['b', 'string']], [['s', 'string']], false),
  f('runtime.assertE2int', [['e', 'any']], [['v', 'int']], false),
  f('runtime.assertE2string', [['e', 'any']], [['s', 'string']], false),
  f('runtime.assertE2error', [['e', 'any']], [['s', 'string']], false),
  // Channels.
  f('runtime.makechan', [['typ', 'uintptr'], ['size', 'int']], [['c', 'uintptr']], false),
  f('runtime.chansend1', [['c', 'uintptr'], ['elem', 'uintptr']], [], false),
  f('runtime.chanrecv1', [['c', 'uintptr'], ['elem', 'uintptr']], [], false),
  f('runtime.chanrecv2', [['c', 'uintptr'], ['elem', 'uintptr']], [['ok', 'bool']], false),
  f('runtime.closechan', [['c', 'uintptr']], [], false),
];

const byName = new Map(RUNTIME_FUNCS.map((r, i) => [r.name, i]));

/** Host id (the HOSTCALL immediate) of a runtime function, or -1. */
export function runtimeFuncId(name: string): number {
  return byName.get(name) ?? -1;
}
