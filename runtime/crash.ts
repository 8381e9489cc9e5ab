// How a run crashes: Go's throw (here gothrow, its Go 1.4 name in Go code),
// fatalthrow and dopanic. A throw is unrecoverable: its details are printed
// first with a `runtime:` prefix by the caller, then `fatal error: msg`, the
// stacks, and the run ends with exit status 2 by unwinding to the host
// adapter: the runtime's only non-local exit. An unrecovered panic ends the
// run too, but by the ordinary way: its handler returns Next.Stop.
import { M } from '../abi/runtime2.js';
import { Fault } from '../vm/memory.js';
import { callerOfHostcall } from './asm.js';
import { hex } from './format.js';
import { printRuntimeStack, printTraceback, tracebackothers } from './traceback.js';
import { Unwind, type State } from './state.js';

/** Where the goroutine's traceback starts; `runtimeStack` names g0's frames when the throw happened there. */
export interface Where {
  readonly pc: number;
  readonly sp: number;
  readonly lr: number;
  readonly runtimeStack?: readonly string[];
  /** The innermost frame faulted (its pc is not a return address). */
  readonly topIsFault?: boolean;
}

/** The g0 frames of a throw from newstack. */
export const NEWSTACK_FRAMES = ['runtime.throw', 'runtime.newstack', 'runtime.morestack'] as const;

/**
 * throw: "fatal error: msg", then the goroutine's traceback (with fp/sp/pc,
 * as Go prints when crashing), exit 2. `where` defaults to the caller of the
 * frameless runtime function being run.
 */
export function gothrow(st: State, msg: string, where?: Where): never {
  st.beginReport();
  st.setMField(M.throwing, 1);
  st.print(`fatal error: ${msg}\n`);
  if (where?.runtimeStack) {
    st.print('\n');
    printRuntimeStack(st, where.runtimeStack);
  }
  const g = st.curg;
  if (g !== 0) {
    if (!where?.runtimeStack) st.print('\n');
    const at = where ?? callerOfHostcall(st);
    printTraceback(st, g, at.pc, at.sp, at.lr, { withRegs: true, topIsFault: where?.topIsFault ?? false });
  }
  // A throw shows every goroutine (Go's gotraceback: all when throwing).
  tracebackothers(st, g);
  throw new Unwind({ code: 2, bound: null });
}

/**
 * A throw that prints no stacks (Go sets m.throwing = -1 for checkdead's
 * deadlocks): `fatal error: msg`, exit 2.
 */
export function gothrowNoStacks(st: State, msg: string): never {
  st.beginReport();
  st.print(`fatal error: ${msg}\n`);
  throw new Unwind({ code: 2, bound: null });
}

/** dopanic: the goroutine's traceback (no registers: a panic, not a throw); the run ends with exit 2. */
export function dopanic(st: State, at: Where): void {
  st.print('\n');
  printTraceback(st, st.curg, at.pc, at.sp, at.lr, { withRegs: false, topIsFault: at.topIsFault ?? false });
  st.exit(2);
}

/**
 * A fault inside runtime work: the runtime read or wrote its own structures
 * (g, m, a string, a type) at an address the program had corrupted. Go
 * throws `unexpected signal during runtime execution`; the traceback is
 * attempted, and replaced by `stack trace unavailable` if it faults too.
 * Ends the run with exit 2.
 */
export function fatalRuntimeFault(st: State, f: Fault): void {
  st.beginReport();
  st.setMField(M.throwing, 1);
  st.print('fatal error: unexpected signal during runtime execution\n');
  st.print(`[signal SIGSEGV: segmentation violation code=${hex(f.why === 'unmapped' ? 1 : 2)} addr=${hex(f.addr)} pc=${hex(st.m.pc)}]\n\n`);
  try {
    const at = st.m.g === st.g0 ? st.schedWhere(st.curg) : callerOfHostcall(st);
    printTraceback(st, st.curg, at.pc, at.sp, at.lr, { withRegs: true, topIsFault: false });
  } catch (e) {
    if (!(e instanceof Fault)) throw e;
    st.print('stack trace unavailable\n');
  }
  st.exit(2);
}

/** --checkptr's throw: a stack can move (copystack fixes only pointers in stacks), so a pointer into one kept elsewhere goes stale. */
export const CHECKPTR_THROW = 'checkptr: pointer to stack stored outside a stack';

/** Where an address is, for --checkptr's report. */
export function checkptrWhere(st: State, a: number): string {
  if (a >= st.img.dataBase && a < st.img.dataBase + st.img.data.length) {
    const g = [...st.img.symbols].find(([, s]) => s.kind === 'data' && a >= s.addr && a < s.addr + Math.max(s.size, 1));
    return g ? `in global ${g[0]}` : 'in the globals';
  }
  return 'in the heap';
}
