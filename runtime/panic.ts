// Go's panic.go, in the design of September 2014 (seeds 001 and 004):
// defer, panic, recover and Goexit.
//
// `DEFER f(args)` calls deferproc(siz, fn, args…): it takes a _defer record
// from the P's pool by size class (or the heap), copies the arguments right
// after its header, and pushes it on g._defer; it returns 0. At its exit
// (every RET, and where a recovered panic resumes) the deferring function
// calls deferreturn, which runs the top defer if it belongs to this frame:
// it copies the arguments back into the frame and jumps to the deferred
// function with the return address backed up onto the CALL deferreturn
// (jmpdefer), so deferreturn runs again when it returns.
//
// gopanic runs the defers from its own frame, which holds the _panic record:
// a running defer stays on g._defer, marked started and pointing at the
// panic that runs it. A panic inside the deferred call finds the started
// defer, marks the earlier panic aborted and drops the defer. recover()
// (gorecover) succeeds only in the deferred call the panic itself runs:
// its argument pointer is the one the panic recorded. After a recovering
// call, recovery resumes the deferring function where its deferproc
// returned, now returning 1, which sends it to its exit path. Goexit runs
// the defers the same way, ignoring recovers, and ends the goroutine.
//
// Everything is in VM memory: defer records and their arguments in the
// heap, panic records on the stack, so copystack finds and fixes them
// (adjustdefers, adjustpanics in stack.ts).
import { Defer, DEFER_PTRS, G, Gobuf, M, NumDeferClasses, P, Panic } from '../abi/runtime2.js';
import type { RuntimeCString } from '../abi/type.js';
import { Next } from '../vm/machine.js';
import { arg, argBig, argp, callerOfHostcall, gogo, reflectcall, setg, setResult, stubFrame } from './asm.js';
import { gothrow, type Where } from './crash.js';
import { boundsError, errorCString, type Eface } from './error.js';
import { hex } from './format.js';
import { mallocgc, structPtrs } from './malloc.js';
import { printpanicval } from './print.js';
import { goexit0 } from './proc.js';
import type { Handlers, Runtime } from './runtime.js';
import { copystack } from './stack.js';
import { setStackguard } from './stackguard.js';
import type { State } from './state.js';
import { printTraceback } from './traceback.js';

// ---- defer records: the per-P pools by size class (seed 004)

const headerSize = (st: State) => Defer.words * st.W;
/** Malloc's small size classes are the multiples of 16: defer records are rounded to them. */
const minDeferAlloc = (st: State) => Math.ceil(headerSize(st) / 16) * 16;
const minDeferArgs = (st: State) => minDeferAlloc(st) - headerSize(st);

/** deferclass: the pool of a defer with siz bytes of arguments. */
export function deferclass(st: State, siz: number): number {
  return siz <= minDeferArgs(st) ? 0 : Math.ceil((siz - minDeferArgs(st)) / 16);
}

/** totaldefersize: header and arguments, rounded to the size class (all records of a class have one size). */
export function totaldefersize(st: State, siz: number): number {
  return minDeferAlloc(st) + 16 * deferclass(st, siz);
}

/** The arguments of a deferred call come right after its header. */
export const deferArgs = (st: State, d: number) => d + headerSize(st);

const dget = (st: State, d: number, f: number) => st.ldw(d + f * st.W);
const dset = (st: State, d: number, f: number, v: number) => st.stw(d + f * st.W, v);
const poolSlot = (st: State, sc: number) => st.mField(M.p) + (P.deferpool + sc) * st.W;

const DEFER_HEADER_PTRS = structPtrs(Defer.words, DEFER_PTRS);

/** newdefer: a record for siz bytes of arguments, pushed on g._defer. */
function newdefer(rt: Runtime, siz: number): number {
  const st = rt.st, g = st.curg;
  const sc = deferclass(st, siz);
  let d = 0;
  if (sc < NumDeferClasses) {
    d = st.ldw(poolSlot(st, sc));
    if (d !== 0) st.stw(poolSlot(st, sc), dget(st, d, Defer.link));
  }
  const reused = d !== 0;
  // The heap bitmap covers the header only (seed 004's deferType): the argument block is scanned as a frame.
  if (!reused) d = mallocgc(rt, totaldefersize(st, siz), DEFER_HEADER_PTRS);
  dset(st, d, Defer.siz, siz);
  dset(st, d, Defer.link, st.gField(g, G.defer));
  st.setGField(g, G.defer, d);
  if (st.observing) st.emit({ k: 'newdefer', addr: d, siz, sizeClass: sc, reused });
  return d;
}

/** freedefer: back to the pool of its class, its header zeroed. */
function freedefer(st: State, d: number): void {
  const sc = deferclass(st, dget(st, d, Defer.siz));
  if (sc < NumDeferClasses) {
    st.mem.fill(d, headerSize(st), 0);
    dset(st, d, Defer.link, st.ldw(poolSlot(st, sc)));
    st.stw(poolSlot(st, sc), d);
  }
  if (st.observing) st.emit({ k: 'freedefer', addr: d, sizeClass: sc });
}

/**
 * Stage a deferred call in the outgoing area `out` of the runtime function
 * running it (gopanic, Goexit) and ask for it (asm.ts reflectcall).
 */
function calldefer(st: State, d: number, out: number): Next {
  const siz = dget(st, d, Defer.siz), fn = dget(st, d, Defer.fn);
  checkDeferFrame(st, fn, siz);
  st.mem.move(out, deferArgs(st, d), siz);
  return reflectcall(st, fn);
}

/** A deferred call through a func value must stage the callee's argument frame (as CALL Rn does). */
function checkDeferFrame(st: State, fn: number, siz: number): void {
  const callee = st.findFunc(st.ldw(fn));
  if (callee && callee.argsSize === siz) return;
  st.beginReport();
  st.print(`runtime: deferred call of ${callee?.name ?? hex(st.ldw(fn))} through a func value: ${siz} bytes of arguments and results were deferred, ${callee?.name ?? 'the callee'} takes ${callee?.argsSize ?? '?'}\n`);
  gothrow(st, 'func value called with the wrong arguments');
}

// ---- panic records and their report

const pget = (st: State, p: number, f: number) => st.ldw(p + f * st.W);
const pset = (st: State, p: number, f: number, v: number) => st.stw(p + f * st.W, v);

/** printpanics: the panics of g, oldest first, each newer one after a tab. */
function printpanics(st: State, p: number, depth = 0): void {
  const link = pget(st, p, Panic.link);
  if (link !== 0 && depth < 1000) {
    printpanics(st, link, depth + 1);
    st.print('\t');
  }
  st.print(`panic: ${printpanicval(st, pget(st, p, Panic.arg), pget(st, p, Panic.arg + 1))}`);
  if (pget(st, p, Panic.recovered)) st.print(' [recovered]');
  st.print('\n');
}

/** fatalpanic: nothing recovered the panics of g: report them, then the goroutine (from `at`); exit 2. */
function fatalpanic(st: State, at: Where): Next {
  const g = st.curg;
  st.beginReport();
  printpanics(st, st.gField(g, G.panic));
  if (st.gField(g, G.sig) !== 0) {
    const code = st.gField(g, G.sigcode0), addr = st.gField(g, G.sigcode1), pc = st.gField(g, G.sigpc);
    st.print(`[signal SIGSEGV: segmentation violation code=${hex(code)} addr=${hex(addr)} pc=${hex(pc)}]\n`);
  }
  st.print('\n');
  printTraceback(st, g, at.pc, at.sp, at.lr, { withRegs: false, topIsFault: false });
  st.exit(2);
  return Next.Stop;
}

/** Where the runtime function with a frame running at its HOSTCALL is: the start of a traceback. */
function here(st: State): Where {
  const m = st.m;
  return { pc: m.pc, sp: m.sp, lr: st.t.family === 'arm' ? m.reg(st.t.lr) : 0 };
}

/** gopanic refuses to panic where the runtime cannot run deferred code (Go 1.4's checks). */
function refuse(st: State, what: string, where: Where): void {
  const msg = st.mField(M.mallocing) !== 0 ? 'panic during malloc'
    : st.mField(M.gcing) !== 0 ? 'panic during gc'
    : st.mField(M.locks) > 0 ? 'panic holding locks' : null;
  if (!msg) return;
  st.beginReport();
  st.print(`panic: ${what}\n`);
  gothrow(st, msg, where);
}

// ---- gopanic

/**
 * runtime.gopanic(e): a runtime function with a frame (its stub loops over
 * this handler and the calls it asks for). Its locals are the panic record
 * p and the defer d it is running; d is 0 when it is not running one.
 */
function gopanic(rt: Runtime): Next {
  const st = rt.st, W = st.W, g = st.curg;
  let f = stubFrame(st, 'runtime.gopanic');
  const d = st.ldw(f.locals + Panic.words * W);
  if (d === 0) {
    // The first time here: p becomes the newest panic of g.
    const p = f.locals, typ = st.ldw(f.args), data = st.ldw(f.args + W);
    refuse(st, printpanicval(st, typ, data), here(st));
    pset(st, p, Panic.arg, typ);
    pset(st, p, Panic.arg + 1, data);
    pset(st, p, Panic.link, st.gField(g, G.panic));
    st.setGField(g, G.panic, p);
    if (st.observing) st.emit({ k: 'panic', goid: st.gField(g, G.goid), value: printpanicval(st, typ, data) });
    return runDefers(rt, 'panic');
  }
  // The deferred call d returned.
  pset(st, f.locals, Panic.argp, 0);
  if (st.gField(g, G.defer) !== d) gothrow(st, 'bad defer entry in panic', here(st));
  if (st.testMoveStackInPanic) {
    movestack(rt);
    f = stubFrame(st, 'runtime.gopanic');
  }
  st.setGField(g, G.defer, dget(st, d, Defer.link));
  const pc = dget(st, d, Defer.pc), dargp = dget(st, d, Defer.argp);
  freedefer(st, d);
  st.stw(f.locals + Panic.words * W, 0);
  if (pget(st, f.locals, Panic.recovered)) return recovery(st, g, f.locals, dargp, pc);
  return runDefers(rt, 'panic');
}

/**
 * The loop of gopanic and Goexit: drop defers an earlier panic or Goexit
 * started (marking that panic aborted), run the next one, or — when none
 * is left — end: the panic's report, or the goroutine's exit.
 */
function runDefers(rt: Runtime, who: 'panic' | 'Goexit'): Next {
  const st = rt.st, W = st.W, g = st.curg;
  const name = who === 'panic' ? 'runtime.gopanic' : 'runtime.Goexit';
  const f = stubFrame(st, name);
  const dAddr = who === 'panic' ? f.locals + Panic.words * W : f.locals;
  for (;;) {
    const d = st.gField(g, G.defer);
    if (d === 0) return who === 'panic' ? fatalpanic(st, here(st)) : goexit1(rt);
    if (dget(st, d, Defer.started)) {
      const earlier = dget(st, d, Defer.panic);
      if (earlier !== 0) pset(st, earlier, Panic.aborted, 1);
      st.setGField(g, G.defer, dget(st, d, Defer.link));
      freedefer(st, d);
      continue;
    }
    // Started, but kept on the list: copystack and the GC find its arguments through it.
    dset(st, d, Defer.started, 1);
    if (who === 'panic') {
      dset(st, d, Defer.panic, f.locals);
      pset(st, f.locals, Panic.argp, f.out);
    }
    st.stw(dAddr, d);
    return calldefer(st, d, f.out);
  }
}

/**
 * recovery: the deferred call recovered p. Drop p and any panics it
 * aborted, then resume the deferring frame where its deferproc returned,
 * with deferproc returning 1.
 */
function recovery(st: State, g: number, p: number, dargp: number, pc: number): Next {
  let q = pget(st, p, Panic.link);
  while (q !== 0 && pget(st, q, Panic.aborted)) q = pget(st, q, Panic.link);
  st.setGField(g, G.panic, q);
  if (q === 0) st.setGField(g, G.sig, 0);
  const lo = st.gField(g, G.stackLo), hi = st.gField(g, G.stackHi);
  if (dargp < lo || dargp >= hi) {
    st.beginReport();
    st.print(`recover: ${hex(dargp)} not in [${hex(lo)}, ${hex(hi)}]\n`);
    gothrow(st, 'bad recovery', here(st));
  }
  // The deferring frame's SP: its outgoing area (where deferproc's arguments were) is at its 0(SP), 4(SP) on ARM.
  const sp = dargp - (st.t.family === 'arm' ? 4 : 0);
  st.setSched(g, Gobuf.sp, sp);
  st.setSched(g, Gobuf.pc, pc);
  st.setSched(g, Gobuf.lr, 0);
  st.setSched(g, Gobuf.ctxt, 0);
  if (st.observing) st.emit({ k: 'recovered', goid: st.gField(g, G.goid), pc, sp });
  gogo(st, g);
  st.m.setReg(st.t.portable[0]!, 1);
  return Next.Continue;
}

/**
 * TestStackPanic's forced move: the stack moves while gopanic's frame holds
 * the panic record, and the defer that just ran is still on the list (so
 * its argp is adjusted too).
 */
function movestack(rt: Runtime): void {
  const st = rt.st, g = st.curg, m = st.m;
  st.setSched(g, Gobuf.pc, m.pc);
  st.setSched(g, Gobuf.sp, m.sp);
  st.setSched(g, Gobuf.lr, st.t.family === 'arm' ? m.reg(st.t.lr) : 0);
  copystack(rt, g, st.gField(g, G.stackHi) - st.gField(g, G.stackLo));
  setStackguard(st, g);
  setg(st, g);
  m.sp = st.sched(g, Gobuf.sp);
}

// ---- Goexit and the end of a goroutine

function goexit(rt: Runtime): Next {
  const st = rt.st, g = st.curg;
  const dAddr = stubFrame(st, 'runtime.Goexit').locals;
  const d = st.ldw(dAddr);
  if (d !== 0) {
    // The deferred call d returned; recovers are ignored: Goexit is not a panic.
    if (st.gField(g, G.defer) !== d) gothrow(st, 'bad defer entry in Goexit', here(st));
    st.setGField(g, G.defer, dget(st, d, Defer.link));
    freedefer(st, d);
    st.stw(dAddr, 0);
  }
  return runDefers(rt, 'Goexit');
}

/** goexit1: the goroutine's deferred calls are done; it ends (main's too: the others run on). */
function goexit1(rt: Runtime): Next {
  goexit0(rt);
  return Next.Continue;
}

// ---- panics the runtime raises

/**
 * Start a panic with value e from a frameless runtime function: e goes into
 * its caller's outgoing area (the compiler keeps two words there) and the
 * function becomes a call of gopanic from the same call site.
 */
export function startpanic(st: State, e: Eface): Next {
  const a = argp(st);
  st.stw(a, e.typ);
  st.stw(a + st.W, e.data);
  st.m.jump(st.func('runtime.gopanic').entry);
  return Next.Continue;
}

/**
 * panicstring: a runtime error with a static message (seed 000). Refused
 * while the m allocates, collects or holds a lock: `panic: msg`, then a throw.
 */
export function panicstring(st: State, key: RuntimeCString, text: string, where: Where, start: (e: Eface) => Next): Next {
  refuse(st, text, where);
  return start(errorCString(st, key));
}

export const handlers: Handlers = {
  // Named in tracebacks of throws; gasm code never calls it.
  'runtime.throw': ({ st }) => gothrow(st, 'runtime.throw called from gasm'),
  'runtime.gopanic': gopanic,
  'runtime.Goexit': goexit,
  'runtime.panicdivide': ({ st }) => panicstring(st, 'divide', 'integer divide by zero', callerOfHostcall(st), (e) => startpanic(st, e)),
  'runtime.panicIndex': (rt) => startpanic(rt.st, boundsError(rt, argBig(rt.st, 0), argBig(rt.st, 1))),

  // deferproc(siz, fn, args…): arguments of fn follow fn in the caller's outgoing area.
  'runtime.deferproc': (rt) => {
    const st = rt.st, W = st.W;
    const siz = arg(st, 0), fn = arg(st, 1);
    const d = newdefer(rt, siz);
    dset(st, d, Defer.fn, fn);
    dset(st, d, Defer.pc, callerOfHostcall(st).pc);
    // The deferring frame's outgoing area: where deferreturn's arg0 will be.
    dset(st, d, Defer.argp, argp(st));
    st.mem.move(deferArgs(st, d), argp(st) + 2 * W, siz);
    st.m.setReg(st.t.portable[0]!, 0); // deferproc returns 0
    return Next.Continue;
  },

  // deferreturn(arg0): run the top defer if it belongs to the calling frame.
  'runtime.deferreturn': ({ st }) => {
    const g = st.curg, d = st.gField(g, G.defer);
    const a = argp(st);
    if (d === 0 || dget(st, d, Defer.argp) !== a) return Next.Continue;
    const siz = dget(st, d, Defer.siz), fn = dget(st, d, Defer.fn);
    checkDeferFrame(st, fn, siz);
    st.mem.move(a, deferArgs(st, d), siz);
    st.setGField(g, G.defer, dget(st, d, Defer.link));
    freedefer(st, d);
    return jmpdefer(st, fn, a);
  },

  // gorecover(argp): the panic's value, if called by the deferred call the panic runs.
  'runtime.gorecover': ({ st }) => {
    const p = st.gField(st.curg, G.panic);
    let typ = 0, data = 0;
    if (p !== 0 && !pget(st, p, Panic.recovered) && arg(st, 0) === pget(st, p, Panic.argp)) {
      pset(st, p, Panic.recovered, 1);
      typ = pget(st, p, Panic.arg);
      data = pget(st, p, Panic.arg + 1);
    }
    setResult(st, 1, 0, typ);
    setResult(st, 1, 1, data);
    return Next.Continue;
  },
};

/**
 * jmpdefer(fn, argp): jump to the deferred function with deferreturn's
 * caller's frame, its return address backed up onto the CALL deferreturn
 * (5 bytes on x86, 4 on ARM), so that deferreturn runs again when it returns.
 */
function jmpdefer(st: State, fn: number, a: number): Next {
  const m = st.m, t = st.t;
  if (t.family === 'x86') {
    m.sp = a - st.W;
    st.stw(m.sp, st.ldw(m.sp) - 5);
  } else {
    m.setReg(t.lr, m.reg(t.lr) - 4);
    m.sp = a - 4;
  }
  m.setReg(t.ctxt, fn);
  m.jump(st.ldw(fn));
  return Next.Continue;
}

