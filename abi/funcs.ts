// The one table of runtime functions: every runtime.* symbol a gasm image
// contains, in id order. The compiler makes each a TEXT symbol whose body is
// `HOSTCALL id` (compiler/runtimestubs.ts); the runtime keeps its handlers
// in an array indexed by the same id and checks, when it loads, that every
// function here that is not `absent` has one and no other does
// (runtime/host.ts). Nothing else lists runtime functions.
//
// Signatures use gasm type names (and unsafe.Pointer, a word the garbage
// collector and copystack follow). Every argument is passed on the stack
// (Go 1.4's ABI), word-aligned in the caller's outgoing area; results follow.

export type SigEntry = readonly [name: string, type: string];

export interface RuntimeFunc {
  /** Index in RUNTIME_FUNCS: the HOSTCALL immediate of its stub. */
  readonly id: number;
  readonly name: string;
  readonly params: readonly SigEntry[];
  readonly results: readonly SigEntry[];
  /** May a gasm program name it (CALL, $runtime.f)? Otherwise only the compiler's lowering calls it. */
  readonly user: boolean;
  /** Does a call to it return? (Goexit, gopanic and the panic helpers do not.) */
  readonly returns: boolean;
  /** Reachable only when the program is compiled for the runtime's own tests. */
  readonly test: boolean;
  /** Not implemented yet: a program that needs it is refused, naming it (docs/status.md). */
  /** Does it run gasm code before it returns (a deferred call, a callback)? */
  readonly callsGasm: boolean;
  /**
   * May it start a panic? It then tail-calls gopanic with the panic value in
   * its caller's outgoing area, so its callers keep two words there.
   */
  readonly panics: boolean;
  /**
   * A function that calls back into gasm (runtime/asm.ts reflectcall): its
   * stub has a frame with these locals, where the handler keeps its state in
   * VM memory, and an outgoing area of outWords words for the calls it makes.
   */
  readonly frame: {
    readonly locals: readonly SigEntry[];
    readonly outWords: number;
    /** The outgoing area also holds the program's largest deferred argument block (gopanic, Goexit). */
    readonly deferArgs?: boolean;
  } | null;
}

interface Opts { user?: boolean; returns?: boolean; test?: boolean; callsGasm?: boolean; panics?: boolean; frame?: RuntimeFunc['frame'] }

const table: Omit<RuntimeFunc, 'id'>[] = [];
function f(name: string, params: SigEntry[], results: SigEntry[], o: Opts = {}): void {
  table.push({
    name, params, results, user: o.user ?? false, returns: o.returns ?? true,
    test: o.test ?? false, callsGasm: o.callsGasm ?? o.frame !== undefined, panics: o.panics ?? false, frame: o.frame ?? null,
  });
}

// Stack growth: reached from prologues only.
f('runtime.morestack', [], []);
f('runtime.morestack_noctxt', [], []);
// Where goroutines start and end, and the runtime functions tracebacks name.
f('runtime.goexit', [], [], { returns: false });
f('runtime.newstack', [], []);
f('runtime.throw', [['s', 'string']], [], { returns: false });
// Callable by programs (docs/gasm.md "Runtime functions").
f('runtime.GC', [], [], { user: true });
f('runtime.Gosched', [], [], { user: true });
f('runtime.Goexit', [], [], { user: true, returns: false, frame: { locals: [['d', 'uintptr']], outWords: 0, deferArgs: true } });
f('runtime.NumGoroutine', [], [['n', 'int']], { user: true });
f('runtime.Stack', [], [], { user: true });
f('runtime.ReadMemStats', [['p', '*runtime.MemStats']], [], { user: true });
f('runtime.Breakpoint', [], [], { user: true });
// print/println, lowered as Go lowers them.
f('runtime.printlock', [], []);
f('runtime.printunlock', [], []);
f('runtime.printint', [['v', 'int']], []);
f('runtime.printuint', [['v', 'uint']], []);
f('runtime.printbool', [['v', 'bool']], []);
f('runtime.printpointer', [['p', 'uintptr']], []);
f('runtime.printstring', [['s', 'string']], []);
f('runtime.printeface', [['e', 'any']], []);
f('runtime.printsp', [], []);
f('runtime.printnl', [], []);
// defer, panic, recover, goroutines.
f('runtime.deferproc', [['siz', 'int'], ['fn', 'func']], []);
f('runtime.deferreturn', [['arg0', 'uintptr']], [], { callsGasm: true });
// gopanic's frame holds the panic record and the defer it is running.
f('runtime.gopanic', [['e', 'any']], [], { returns: false, frame: { locals: [['p', 'runtime._panic'], ['d', 'uintptr']], outWords: 0, deferArgs: true } });
f('runtime.gorecover', [['argp', 'uintptr']], [['r', 'any']]);
f('runtime.newproc', [['siz', 'int'], ['fn', 'func']], []);
f('runtime.panicdivide', [], [], { returns: false, panics: true });
f('runtime.panicIndex', [['x', 'int'], ['y', 'int']], [], { returns: false, panics: true });
// A trap becomes a call of sigpanic at the faulting instruction (signal_unix.go); its frame holds gopanic's argument.
f('runtime.sigpanic', [], [], { returns: false, frame: { locals: [], outWords: 2 } });
// Values.
f('runtime.convT64', [['v', 'int']], [['p', 'unsafe.Pointer']]);
f('runtime.convTstring', [['s', 'string']], [['p', 'unsafe.Pointer']]);
f('runtime.newobject', [['typ', 'uintptr']], [['p', 'unsafe.Pointer']]);
f('runtime.concatstring2', [['a', 'string'], ['b', 'string']], [['s', 'string']]);
f('runtime.assertE2int', [['e', 'any']], [['v', 'int']], { panics: true });
f('runtime.assertE2string', [['e', 'any']], [['s', 'string']], { panics: true });
f('runtime.assertE2error', [['e', 'any']], [['s', 'string']], { panics: true });
// Channels.
// A blocked goroutine calls its channel function again when it is woken; the
// function then finds its finished sudog in g.waiting (runtime/chan.ts).
f('runtime.makechan', [['typ', 'uintptr'], ['size', 'int']], [['c', 'unsafe.Pointer']], { panics: true });
f('runtime.chansend1', [['c', 'unsafe.Pointer'], ['elem', 'unsafe.Pointer']], [], { panics: true });
f('runtime.chanrecv1', [['c', 'unsafe.Pointer'], ['elem', 'unsafe.Pointer']], []);
f('runtime.chanrecv2', [['c', 'unsafe.Pointer'], ['elem', 'unsafe.Pointer']], [['ok', 'bool']]);
f('runtime.closechan', [['c', 'unsafe.Pointer']], [], { panics: true });
// The runtime's own tests: calls fn(i) for i in 0..n-1 from the host, each
// call made on the goroutine's stack (which fn may grow) and returning to
// the host before the next (runtime/asm.ts reflectcall).
f('runtime.callbackTest', [['fn', 'func'], ['n', 'int']], [['sum', 'int']], {
  user: true, test: true, frame: { locals: [['i', 'int'], ['acc', 'int']], outWords: 2 },
});

// The states panicstring refuses to panic in (seed 000), for the runtime's
// own tests: set m.mallocing, m.gcing, or take a lock (m.locks++).
f('runtime.testEnterMalloc', [], [], { user: true, test: true });
f('runtime.testEnterGC', [], [], { user: true, test: true });
f('runtime.testLock', [], [], { user: true, test: true });
// Force a stack move in gopanic after each deferred call, before freedefer
// (the GC() that Go's TestStackPanic asks to uncomment there).
f('runtime.testMoveStackInPanic', [], [], { user: true, test: true });
// stoptheworld on g0 (seed 003's second check): ReadMemStats as the
// scavenger once called it, from the runtime's own stack.
f('runtime.testStopTheWorldOnG0', [], [], { user: true, test: true });

export const RUNTIME_FUNCS: readonly RuntimeFunc[] = table.map((r, id) => ({ ...r, id }));

const byName = new Map(RUNTIME_FUNCS.map((r) => [r.name, r]));

/** The runtime function of that name, or undefined. */
export function runtimeFunc(name: string): RuntimeFunc | undefined {
  return byName.get(name);
}

/** The function's id, for code that names a runtime function it must have. */
export function rtid(name: string): number {
  const r = byName.get(name);
  if (!r) throw new Error(`abi: no runtime function ${name}`);
  return r.id;
}
