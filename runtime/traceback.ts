// gentraceback: walk a goroutine's frames from (pc, sp, lr) with the
// compiler's pc→SP-delta tables; the same walk prints tracebacks and drives
// copystack's adjustframe. tracebackdefers presents each deferred call's
// argument block as a frame (seed 001), so copystack (and the GC) treat it
// as they treat a frame's arguments. Printing follows Go 1.19's format.
import { Defer, G, Gstatus, gStatusStrings, Sched, waitReasonStrings } from '../abi/runtime2.js';
import type { FuncInfo } from '../compiler/image.js';
import { pcValue } from '../compiler/image.js';
import { hex } from './format.js';
import type { State } from './state.js';

export interface Frame {
  fn: FuncInfo;
  pc: number;
  sp: number;
  /** The caller's SP: the frame's top (x86: above the return address). */
  fp: number;
  /** Top of the locals (Go's varp) and start of the arguments (argp). */
  varp: number;
  argp: number;
  /** The pc this frame returns to. */
  lr: number;
  /** Bytes of arguments (and results) the frame's argument map covers. */
  arglen: number;
  /** pc is where the frame was interrupted (a fault), not a return address. */
  fault: boolean;
  /** A deferred call's argument block (tracebackdefers), not a frame on the stack. */
  deferred: boolean;
}

/** Call cb for each frame, innermost first, until runtime.goexit or cb returns false. */
export function gentraceback(st: State, pc: number, sp: number, lr: number, cb: (f: Frame) => boolean): void {
  const W = st.W;
  const x86 = st.t.family === 'x86';
  let fault = false;
  for (let n = 0; ; n++) {
    const fn = st.findFunc(pc);
    if (!fn) return;
    const spdelta = pcValue(fn.pcsp, pc - fn.entry);
    let fp: number, ret: number;
    if (x86) {
      fp = sp + spdelta + W;
      ret = st.ldw(fp - W);
    } else {
      fp = sp + spdelta;
      // Before the frame is pushed (or in a frameless leaf) the return address is still in LR.
      ret = spdelta === 0 ? lr : st.ldw(sp);
    }
    const frame: Frame = { fn, pc, sp, fp, varp: x86 ? fp - W : fp, argp: x86 ? fp : fp + 4, lr: ret, arglen: fn.argsSize, fault, deferred: false };
    if (!cb(frame)) return;
    if (fn.name === 'runtime.goexit' || n > 1e8) return;
    pc = ret;
    sp = fp;
    lr = 0;
    // A call of sigpanic was injected at a faulting instruction (signal.ts): the
    // caller's pc is that instruction; on ARM the caller's LR was pushed below its SP.
    fault = fn.name === 'runtime.sigpanic';
    if (fault && !x86) {
      const saved = st.ldw(sp);
      sp += 4;
      const caller = st.findFunc(pc);
      if (caller && pcValue(caller.pcsp, pc - caller.entry) === 0) lr = saved;
    }
  }
}

/**
 * Each deferred call of g, newest first, as a frame: its function and its
 * argument block in the defer record (frames that are "called but not
 * started"). `unknown` is called for a defer whose function is not code.
 */
export function tracebackdefers(st: State, g: number, cb: (f: Frame) => boolean, unknown: (pc: number) => never): void {
  const W = st.W;
  for (let d = st.gField(g, G.defer), n = 0; d !== 0 && n < 1e7; d = st.ldw(d + Defer.link * W), n++) {
    const fv = st.ldw(d + Defer.fn * W);
    if (fv === 0) continue; // a defer of a nil func: its arguments do not matter
    const pc = st.ldw(fv);
    const fn = st.findFunc(pc);
    if (!fn) unknown(pc);
    const argp = d + Defer.words * W;
    const frame: Frame = { fn, pc, sp: argp, fp: argp, varp: argp, argp, lr: 0, arglen: st.ldw(d + Defer.siz * W), fault: false, deferred: true };
    if (!cb(frame)) return;
  }
}


/** Go 1.19 prints a function's arguments from its argument map: words in hex, aggregates in braces. */
function argList(st: State, f: Frame): string {
  const parts: string[] = [];
  let words = 0;
  for (const p of f.fn.params) {
    if (words >= 10) { parts.push('...'); break; }
    const at = f.argp + p.off;
    if (p.size === 1) { parts.push(hex(st.mem.ld8(at))); words++; continue; }
    const n = Math.ceil(p.size / st.W);
    const ws: string[] = [];
    for (let i = 0; i < n; i++) ws.push(hex(st.W === 8 ? BigInt.asUintN(64, st.mem.ld64(at + i * st.W)) : st.ldw(at + i * st.W)));
    parts.push(n === 1 ? ws[0]! : `{${ws.join(', ')}}`);
    words += n;
  }
  return parts.join(', ');
}

/**
 * Go 1.19's showframe at GOTRACEBACK=single: the program's functions, the
 * runtime's exported ones (runtime.Goexit), and runtime.gopanic — printed as
 * `panic` — unless nothing has been printed yet; other runtime frames hidden.
 */
function showFrame(fn: FuncInfo, nothingPrinted: boolean): boolean {
  if (fn.hostId < 0) return true;
  if (fn.name === 'runtime.gopanic') return !nothingPrinted;
  return /^runtime\.[A-Z]/.test(fn.name);
}

/** The file that implements a runtime function, printed where Go prints the runtime's source line. */
const RUNTIME_FILES: Readonly<Record<string, string>> = {
  'runtime.gopanic': 'runtime/panic.ts', 'runtime.Goexit': 'runtime/panic.ts', 'runtime.throw': 'runtime/crash.ts',
  'runtime.morestack': 'runtime/stack.ts', 'runtime.newstack': 'runtime/stack.ts',
  'runtime.GC': 'runtime/mgc.ts', 'runtime.Gosched': 'runtime/proc.ts', 'runtime.NumGoroutine': 'runtime/proc.ts',
  'runtime.ReadMemStats': 'runtime/mstats.ts', 'runtime.Stack': 'runtime/mprof.ts', 'runtime.Breakpoint': 'runtime/signal.ts',
};

/** A runtime frame as tracebacks print it: gopanic is `panic`; the file is the TypeScript that implements it. */
function runtimeFrame(name: string): { name: string; file: string } {
  const file = RUNTIME_FILES[name] ?? (/^runtime\.test|^runtime\.callbackTest$/.test(name) ? 'runtime/testfuncs.ts' : 'runtime');
  return { name: name === 'runtime.gopanic' ? 'panic' : name, file };
}

export interface TracebackOpts {
  /** Print fp/sp/pc on each frame (throws, as Go does when crashing). */
  readonly withRegs: boolean;
  /** The innermost frame faulted (its pc is not a return address). */
  readonly topIsFault: boolean;
}

/** Print g's header and frames starting at (pc, sp, lr). */
export function printTraceback(st: State, g: number, pc: number, sp: number, lr: number, o: TracebackOpts): void {
  goroutineheader(st, g);
  let printed = 0, first = true;
  gentraceback(st, pc, sp, lr, (f) => {
    const top = first;
    first = false;
    if (!showFrame(f.fn, printed === 0)) return true;
    if (printed === 100) {
      st.print('...additional frames elided...\n');
      return false;
    }
    printed++;
    let s: string;
    if (f.fn.hostId >= 0) {
      const rf = runtimeFrame(f.fn.name);
      s = `${rf.name}(${argList(st, f)})\n\t${rf.file}`;
    } else {
      // A return address points after the call: its line is the call's (pc-1).
      const linePC = f.fault || (top && o.topIsFault) ? f.pc : f.pc - 1;
      const line = pcValue(f.fn.pcln, Math.max(linePC - f.fn.entry, 0));
      s = `${f.fn.name}(${argList(st, f)})\n\t${st.img.file}:${line}`;
    }
    if (f.pc > f.fn.entry) s += ` +${hex(f.pc - f.fn.entry)}`;
    if (o.withRegs) s += ` fp=${hex(f.fp)} sp=${hex(f.sp)} pc=${hex(f.pc)}`;
    st.print(s + '\n');
    return true;
  });
  printcreatedby(st, g);
}

/** `goroutine N [status]:` — a waiting goroutine's reason, as Go 1.19 prints it. */
function goroutineheader(st: State, g: number): void {
  const status = st.gField(g, G.status), reason = st.gField(g, G.waitreason);
  const what = status === Gstatus.waiting && reason > 0 ? waitReasonStrings[reason] : gStatusStrings[status];
  st.print(`goroutine ${st.gField(g, G.goid)} [${what ?? '???'}]:\n`);
}

/** `created by F` and the GO statement's place, for every goroutine but the main one. */
function printcreatedby(st: State, g: number): void {
  const pc = st.gField(g, G.gopc);
  const f = pc ? st.findFunc(pc) : null;
  if (!f || st.gField(g, G.goid) === 1) return;
  const line = pcValue(f.pcln, Math.max(pc - 1 - f.entry, 0));
  st.print(`created by ${f.name}\n\t${st.img.file}:${line} +${hex(pc - f.entry)}\n`);
}

/** Every goroutine but `me` (and g0) that is not dead, each after a blank line, from where it waits or runs. */
export function tracebackothers(st: State, me: number): void {
  for (let g = st.schedField(Sched.allg), n = 0; g !== 0 && n < 1e7; g = st.gField(g, G.alllink), n++) {
    if (g === me || g === st.g0 || st.gField(g, G.status) === Gstatus.dead) continue;
    st.print('\n');
    const at = st.schedWhere(g);
    printTraceback(st, g, at.pc, at.sp, at.lr, { withRegs: false, topIsFault: false });
  }
}

/** Go prints g0's frames under "runtime stack:" when a throw happens there. */
export function printRuntimeStack(st: State, names: readonly string[]): void {
  st.print('runtime stack:\n');
  const g0 = st.g0;
  let sp = st.gField(g0, G.stackHi) - 0x200;
  for (const name of names) {
    const fn = st.func(name);
    const fp = sp + 0x40;
    st.print(`${name}(${name === 'runtime.throw' ? '...' : ''})\n\t${runtimeFrame(name).file} fp=${hex(fp)} sp=${hex(sp)} pc=${hex(fn.entry)}\n`);
    sp = fp;
  }
  st.print('\n');
}
