// Stack growth, as Go 1.4 does it (asm_*.s morestack, stack.c newstack and
// copystack; Go 1.5's stack1.go names the steps as here).
//
// A function whose split check fails (compiler/prologue.ts) calls
// runtime.morestack. morestack records where the function f was (g.sched:
// the pc of the `jmp start` after the call, SP, the context register, on
// ARM f's LR) and who called f (m.morebuf), and switches to g0. newstack
// decodes the `jmp start` (rewindmorestack), so that g.sched describes f at
// its entry; checks that SP is still inside the stack; yields if the guard
// held StackPreempt; otherwise doubles the stack and copystack moves it. It
// resumes f at its first instruction, which runs the split check again, now
// on the new stack.
//
// copystack allocates the new stack and, before copying, adjusts every
// pointer into the old one, frame by frame, in place: one gentraceback walk
// with the compiler's stack maps (adjustframe → adjustpointers →
// adjustpointer), then the saved context (adjustctxt). Then it copies the
// used part, swaps the stacks in g and frees the old one. --stackpoison
// fills the new stack with 0xfd before adjusting and 0xfb before copying,
// and the old one with 0xfc after.
//
//   x86 frame when the check fails        ARM
//     caller's args | retaddr into caller   caller's args | (LR in R3)
//     retaddr of CALL morestack (the jmp)   LR = the B.LS after BL.LS
import { Defer, Gobuf, G, Gstatus, M, Sudog } from '../abi/runtime2.js';
import { StackForceMove, StackGuard, StackPreempt, StackSmall } from '../abi/stack.js';
import { rewindPC } from '../isa/rewind.js';
import { Next } from '../vm/machine.js';
import { gogo, setg } from './asm.js';
import { gothrow, NEWSTACK_FRAMES } from './crash.js';
import { COPY_FRAMES, type AdjustWhere, type FrameInfo } from './events.js';
import { hex } from './format.js';
import type { Handlers, Runtime } from './runtime.js';
import { gosched_m } from './sched.js';
import type { Stack } from './stackalloc.js';
import { setStackguard } from './stackguard.js';
import { Unwind, type State } from './state.js';
import { gentraceback, tracebackdefers, type Frame } from './traceback.js';

export const handlers: Handlers = {
  'runtime.morestack': (rt) => morestack(rt, true),
  'runtime.morestack_noctxt': (rt) => morestack(rt, false),
  'runtime.newstack': ({ st }) => gothrow(st, 'runtime.newstack called from gasm'),
};

/** runtime·morestack: entered by CALL/BL from f's prologue. */
function morestack(rt: Runtime, needctxt: boolean): Next {
  const st = rt.st, m = st.m, t = st.t, W = st.W;
  const g = st.curg;
  if (m.g === st.g0) {
    st.beginReport();
    st.print('fatal: morestack on g0\n');
    st.exit(2);
    return Next.Stop;
  }
  if (t.family === 'x86') {
    // 0(SP): f's pc (the jmp start); W(SP): f's caller's pc.
    st.setMorebuf(Gobuf.pc, st.ldw(m.sp + W));
    st.setMorebuf(Gobuf.sp, m.sp + 2 * W);
    st.setSched(g, Gobuf.pc, st.ldw(m.sp));
    st.setSched(g, Gobuf.sp, m.sp + W);
    st.setSched(g, Gobuf.lr, 0);
  } else {
    // LR: f's pc (the B.LS start); R3: f's LR (its caller's pc).
    st.setMorebuf(Gobuf.pc, m.reg(3));
    st.setMorebuf(Gobuf.sp, m.sp);
    st.setMorebuf(Gobuf.lr, 0);
    st.setSched(g, Gobuf.pc, m.reg(t.lr));
    st.setSched(g, Gobuf.sp, m.sp);
    st.setSched(g, Gobuf.lr, m.reg(3));
  }
  st.setSched(g, Gobuf.ctxt, needctxt ? m.reg(t.ctxt) : 0);
  st.setMorebuf(Gobuf.g, g);
  st.setSched(g, Gobuf.g, g);
  if (st.observing) emitMorestack(st, g);
  setg(st, st.g0);
  newstack(rt);
  checkDeadline(st);
  return Next.Continue;
}

/** Work of copystack's walk between two looks at the clock: a unit per frame and per word of its maps. */
const WORK_PER_CLOCK_CHECK = 1 << 16;

/**
 * --timeout also bounds long runtime work, not only instructions: it is
 * checked after every stack copy and, within one, every 65536 frames or
 * words of their maps in the adjusting walk (a 512 MiB stack of 4-byte
 * frames takes seconds to walk, and so does printing every word of a 4 MB
 * one at --stackdebug 4). Past the deadline the run ends there (exit 3); a
 * half-adjusted stack does not matter to a run that is over.
 */
function checkDeadline(st: State): void {
  if (Date.now() > st.cfg.deadline) throw new Unwind({ code: 3, bound: `the program ran for more than ${st.cfg.timeoutMs} ms (--timeout)` });
}

/** Called on g0 by morestack; resumes a goroutine (gogo) before it returns. */
export function newstack(rt: Runtime): void {
  const st = rt.st;
  const g = st.curg;
  const dbg = st.cfg.stackDebug;
  if (st.morebuf(Gobuf.g) !== g) {
    st.beginReport();
    st.print(`runtime: newstack called from g=${hex(st.morebuf(Gobuf.g))}\n\tm=${hex(st.mAddr)} m->curg=${hex(g)} m->g0=${hex(st.g0)} m->gsignal=0x0\n`);
    gothrow(st, 'runtime: wrong goroutine in newstack', st.schedWhere(g));
  }
  // Read stackguard0 once: it holds lo+StackGuard or a sentinel.
  const guard = st.lds(g + G.stackguard0 * st.W);
  const jmpPC = rewindmorestack(st, g);
  let sp = st.sched(g, Gobuf.sp);
  if (st.t.family === 'x86') sp -= st.W; // the call to morestack cost a word
  const lo = st.gField(g, G.stackLo), hi = st.gField(g, G.stackHi);
  if (dbg >= 1 || sp < lo) {
    if (sp < lo) st.beginReport();
    st.print(`runtime: newstack sp=${hex(sp)} stack=[${hex(lo)}, ${hex(hi)}]\n`
      + `\tmorebuf={pc:${hex(st.morebuf(Gobuf.pc))} sp:${hex(st.morebuf(Gobuf.sp))} lr:${hex(st.morebuf(Gobuf.lr))}}\n`
      + `\tsched={pc:${hex(st.sched(g, Gobuf.pc))} sp:${hex(st.sched(g, Gobuf.sp))} lr:${hex(st.sched(g, Gobuf.lr))} ctxt:${hex(st.sched(g, Gobuf.ctxt))}}\n`);
  }
  if (sp < lo) {
    st.print(`runtime: gp=${hex(g)}, gp->status=${st.gField(g, G.status)}\n `);
    st.print(`runtime: split stack overflow: ${hex(sp)} < ${hex(lo)}\n`);
    gothrow(st, 'runtime: split stack overflow', { ...st.schedWhere(g), runtimeStack: NEWSTACK_FRAMES });
  }
  if (guard === StackPreempt) {
    preempt(rt, g);
    return;
  }
  const oldsize = hi - lo;
  let newsize = oldsize * 2;
  let resume = st.sched(g, Gobuf.pc);
  const forced = guard === StackForceMove && !needsGrowth(st, g, lo);
  if (forced) {
    // A forced move, not a growth: the same size, and f resumes past its split
    // check (after the jmp start), which would only fail again.
    newsize = oldsize;
    resume = jmpPC + jmpLength(st, jmpPC);
  }
  if (newsize > st.cfg.maxStack) {
    st.beginReport();
    st.print(`runtime: goroutine stack exceeds ${st.cfg.maxStack}-byte limit\n`);
    st.print(`runtime: sp=${hex(sp)} stack=[${hex(lo)}, ${hex(hi)}]\n`);
    gothrow(st, 'stack overflow', { ...st.schedWhere(g), runtimeStack: NEWSTACK_FRAMES });
  }
  if (st.observing) emitGrow(st, lo, hi, newsize, forced);
  copystack(rt, g, newsize);
  st.setSched(g, Gobuf.pc, resume);
  setStackguard(st, g);
  if (dbg >= 1) st.print('stack grow done\n');
  gogo(st, g);
  if (st.observing) emitResume(st, g);
}

/**
 * The preemption branch: stackguard0 held StackPreempt. Where stopping the
 * goroutine is not safe (the m holds locks, allocates, collects) it keeps
 * running and is asked again at its next check; otherwise it yields, as if
 * it had called runtime.Gosched.
 */
function preempt(rt: Runtime, g: number): void {
  const st = rt.st;
  if (g === st.g0) gothrow(st, 'runtime: preempt g0', st.schedWhere(g));
  if (st.observing) emitPreempt(st, g);
  if (st.mField(M.locks) > 0 || st.mField(M.mallocing) !== 0 || st.mField(M.gcing) !== 0) {
    setStackguard(st, g);
    gogo(st, g);
    return;
  }
  gosched_m(st, g);
}

/**
 * rewindmorestack(&g.sched): g.sched.pc is the `jmp start` after the call
 * to morestack; decode it (isa/rewind.ts, as sys_x86.c and sys_arm.c do)
 * and point g.sched at f's start. Returns the jump's own pc.
 */
function rewindmorestack(st: State, g: number): number {
  const jmpPC = st.sched(g, Gobuf.pc);
  const rw = rewindPC(st.t, (a) => readCode(st, a), jmpPC);
  if (!rw.ok) {
    st.beginReport();
    st.print(rw.message);
    gothrow(st, 'runtime: misuse of rewindmorestack', { ...st.schedWhere(g), runtimeStack: NEWSTACK_FRAMES });
  }
  st.setSched(g, Gobuf.pc, rw.pc);
  if (st.observing) emitRewind(st, jmpPC, rw.pc);
  return jmpPC;
}

const readCode = (st: State, a: number) => (st.mem.isMapped(a) ? st.mem.ld8(a) : -1);

/** Bytes of the `jmp start` at pc: ARM's B.LS is a word; x86 JMP rel8 or rel32. */
function jmpLength(st: State, pc: number): number {
  return st.t.family === 'arm' ? 4 : readCode(st, pc) === 0xeb ? 2 : 5;
}

/**
 * Under a forced move the check failed because of the sentinel; grow only if
 * the real check would have failed too: f's frame does not fit above
 * lo+StackGuard (the prologue's test).
 */
function needsGrowth(st: State, g: number, lo: number): boolean {
  const f = st.findFunc(st.sched(g, Gobuf.pc));
  const guard = lo + StackGuard;
  const entrySP = st.sched(g, Gobuf.sp);
  const frame = f ? f.spDelta : 0;
  if (frame <= StackSmall) return entrySP <= guard;
  return entrySP - (frame - StackSmall) <= guard;
}

// ---- copystack

interface AdjustInfo {
  readonly old: Stack;
  readonly delta: number;
}

/** Copy g's stack to a new one of newsize bytes, fixing every pointer into it. */
export function copystack(rt: Runtime, g: number, newsize: number): void {
  const t0 = performance.now();
  const st = rt.st, mem = st.mem;
  const old: Stack = { lo: st.gField(g, G.stackLo), hi: st.gField(g, G.stackHi) };
  const used = old.hi - st.sched(g, Gobuf.sp);
  const poison = st.cfg.stackPoison;

  const nw = rt.stacks.alloc(newsize);
  if (poison) mem.fill(nw.lo, newsize, 0xfd);
  if (st.cfg.stackDebug >= 1) {
    st.print(`copystack gp=${hex(g)} [${hex(old.lo)} ${hex(old.hi - used)} ${hex(old.hi)}]/${old.hi - old.lo} -> [${hex(nw.lo)} ${hex(nw.hi - used)} ${hex(nw.hi)}]/${newsize}\n`);
  }
  if (st.observing) emitCopy(st, g, old, nw, used);

  // Adjust pointers in the to-be-copied frames, in place in the old stack.
  const adj: AdjustInfo = { old, delta: nw.hi - old.hi };
  const at = st.schedWhere(g);
  let work = 0;
  gentraceback(st, at.pc, at.sp, at.lr, (f) => {
    work += 1 + f.fn.localPtrs.length + f.fn.argPtrs.length;
    if (work >= WORK_PER_CLOCK_CHECK) { work = 0; checkDeadline(st); }
    return adjustframe(st, f, adj);
  });
  adjustctxt(st, g, adj);
  adjustdefers(st, g, adj);
  adjustpanics(st, g, adj);
  adjustsudogs(st, g, adj);

  if (poison) mem.fill(nw.lo, newsize, 0xfb);
  mem.move(nw.hi - used, old.hi - used, used);

  // Swap in the new stack (this clobbers a preemption request, as in Go).
  st.setGField(g, G.stackLo, nw.lo);
  st.setGField(g, G.stackHi, nw.hi);
  st.setGField(g, G.stackguard0, nw.lo + StackGuard);
  st.setSched(g, Gobuf.sp, nw.hi - used);

  if (poison) mem.fill(old.lo, old.hi - old.lo, 0xfc);
  if (newsize < old.hi - old.lo) {
    // Shrinking (during a GC): the old stack is freed when the collection is over (shrinkfinish).
    rt.gc.freeQueue.push(old);
    rt.gc.shrinks++;
  } else {
    rt.stacks.free(old);
    st.stats.stackGrowths++;
  }
  st.stats.bytesCopied += used;
  st.stats.maxStackSize = Math.max(st.stats.maxStackSize, newsize);
  st.stats.copyMs += performance.now() - t0;
}

/**
 * shrinkstack, called by the GC for every goroutine: a dead one gives its
 * stack back (gfget gives it a new one); a live one whose stack is less
 * than a quarter used gets one half the size, never below StackMin.
 * g.sched must say where g is. Returns whether the stack was halved.
 */
export function shrinkstack(rt: Runtime, g: number): boolean {
  const st = rt.st;
  const lo = st.gField(g, G.stackLo), hi = st.gField(g, G.stackHi);
  if (st.gField(g, G.status) === Gstatus.dead) {
    if (lo !== 0) {
      rt.stacks.free({ lo, hi });
      st.setGField(g, G.stackLo, 0);
      st.setGField(g, G.stackHi, 0);
    }
    return false;
  }
  if (lo === 0) gothrow(st, 'missing stack in shrinkstack');
  const oldsize = hi - lo, newsize = oldsize / 2;
  if (newsize < st.cfg.stackMin) return false;
  if (hi - st.sched(g, Gobuf.sp) >= oldsize / 4) return false;
  if (st.cfg.stackDebug >= 1) st.print(`shrinking stack ${oldsize}->${newsize}\n`);
  if (st.observing) st.emit({ k: 'shrink', goid: st.gField(g, G.goid), oldSize: oldsize, newSize: newsize });
  copystack(rt, g, newsize);
  return true;
}

/** Adjust one frame's locals and arguments using its stack maps. */
function adjustframe(st: State, f: Frame, adj: AdjustInfo): boolean {
  const dbg = st.cfg.stackDebug;
  if (f.fn.name === 'runtime.goexit') return false;
  if (dbg >= 2) st.print(`    adjusting ${f.fn.name} frame=[${hex(f.sp)},${hex(f.fp)}] pc=${hex(f.pc)} continpc=${hex(f.pc)}\n`);
  // Locals, once the prologue has allocated the frame (minsize: 0 on x86, the saved LR on ARM).
  const minsize = st.t.family === 'arm' ? st.W : 0;
  if (f.varp - f.sp > minsize && f.fn.localsSize > 0) {
    if (dbg >= 3) st.print(`      locals ${f.fn.localPtrs.length} words ${hex(f.varp)}\n`);
    adjustpointers(st, f.varp - f.fn.localsSize, f.fn.localPtrs, adj, f.fn.name, 'locals');
  }
  if (f.arglen > 0) {
    if (dbg >= 3) st.print('      args\n');
    const bits = f.arglen < f.fn.argsSize ? f.fn.argPtrs.slice(0, Math.ceil(f.arglen / st.W)) : f.fn.argPtrs;
    adjustpointers(st, f.argp, bits, adj, f.fn.name, f.deferred ? 'deferargs' : 'args');
  }
  return true;
}

// Go's PoisonGC and PoisonStack: values a live pointer can never hold.
const POISON = [0xf969696969696969n, 0x6868686868686868n, 0xf9696969n, 0x68686868n];

function isPoison(st: State, a: number): boolean {
  return POISON.includes(st.W === 8 ? BigInt.asUintN(64, st.mem.ld64(a)) : BigInt(st.mem.ld32(a) >>> 0));
}

/** The pointer-holding words of [base, base+W*bits.length), by the stack map `bits`. */
function adjustpointers(st: State, base: number, bits: readonly boolean[], adj: AdjustInfo, fn: string, where: AdjustWhere): void {
  const W = st.W, dbg = st.cfg.stackDebug;
  for (let i = 0; i < bits.length; i++) {
    const a = base + i * W;
    if (dbg >= 4) st.print(`        ${hex(a)}:${bits[i] ? 'ptr' : 'scalar'}:${hex(st.ldw(a))}\n`);
    if (!bits[i]) continue;
    const p = st.ldw(a);
    if ((p > 0 && p < 4096) || (p >= 0x68686868 && isPoison(st, a))) {
      st.beginReport();
      st.print(`runtime: bad pointer in frame ${fn} at ${hex(a)}: ${hex(p)}\n`);
      gothrow(st, 'invalid stack pointer');
    }
    adjustpointer(st, adj, a, fn, where);
  }
}

/** If the word at addr points into the old stack, point it into the new one. */
function adjustpointer(st: State, adj: AdjustInfo, addr: number, fn: string, where: AdjustWhere): void {
  const p = st.ldw(addr);
  if (p < adj.old.lo || p >= adj.old.hi) return;
  if (st.cfg.stackDebug >= 3) st.print(`adjust ptr ${hex(p)} ${fn}\n`);
  st.stw(addr, p + adj.delta);
  if (st.observing) emitAdjust(st, fn, where, addr, p, p + adj.delta);
}

/** g.sched.ctxt: a closure context may be a stack-allocated funcval. */
function adjustctxt(st: State, g: number, adj: AdjustInfo): void {
  adjustpointer(st, adj, g + (G.sched + Gobuf.ctxt) * st.W, 'g.sched.ctxt', 'ctxt');
}

/**
 * The deferred calls' argument blocks, walked as frames (tracebackdefers,
 * seed 001: the same stack maps as the frames' arguments), then the pointers
 * in each defer record: its funcval (which may be a closure on the stack),
 * the frame it belongs to (argp), the panic running it.
 */
function adjustdefers(st: State, g: number, adj: AdjustInfo): void {
  tracebackdefers(st, g, (f) => adjustframe(st, f, adj), (pc) => {
    st.beginReport();
    st.print(`runtime: unknown pc in defer ${hex(pc)}\n`);
    return gothrow(st, 'unknown pc');
  });
  const W = st.W;
  for (let d = st.gField(g, G.defer), n = 0; d !== 0 && n < 1e7; d = st.ldw(d + Defer.link * W), n++) {
    const fv = st.ldw(d + Defer.fn * W);
    const name = fv === 0 ? 'nil' : st.funcName(st.ldw(fv));
    adjustpointer(st, adj, d + Defer.fn * W, `${name}: fn`, 'defer');
    adjustpointer(st, adj, d + Defer.argp * W, `${name}: argp`, 'defer');
    adjustpointer(st, adj, d + Defer.panic * W, `${name}: panic`, 'defer');
  }
}

/** Panic records are on the stack and adjusted with their frames: only g._panic, the list's head, is left. */
function adjustpanics(st: State, g: number, adj: AdjustInfo): void {
  adjustpointer(st, adj, g + G.panic * st.W, 'g._panic', 'panic');
}

/** A goroutine blocked on a channel: its sudog's elem may point into its own stack. */
function adjustsudogs(st: State, g: number, adj: AdjustInfo): void {
  const s = st.gField(g, G.waiting);
  if (s !== 0) adjustpointer(st, adj, s + Sudog.elem * st.W, 'sudog.elem', 'sudog');
}

// ---- observer events

function emitMorestack(st: State, g: number): void {
  const schedPC = st.sched(g, Gobuf.pc), schedSP = st.sched(g, Gobuf.sp);
  st.emit({
    k: 'morestack', fn: st.funcName(schedPC), sp: schedSP, guard: st.lds(g + G.stackguard0 * st.W),
    lo: st.gField(g, G.stackLo), hi: st.gField(g, G.stackHi),
    schedPC, schedSP, ctxt: st.sched(g, Gobuf.ctxt),
    morebufPC: st.morebuf(Gobuf.pc), morebufSP: st.morebuf(Gobuf.sp), caller: st.funcName(st.morebuf(Gobuf.pc) - 1),
  });
}

function emitPreempt(st: State, g: number): void {
  st.emit({ k: 'preempt', fn: st.funcName(st.sched(g, Gobuf.pc)), goid: st.gField(g, G.goid) });
}

function emitGrow(st: State, lo: number, hi: number, newSize: number, forced: boolean): void {
  st.emit({ k: 'grow', oldLo: lo, oldHi: hi, oldSize: hi - lo, newSize, forced });
}

function emitCopy(st: State, g: number, old: Stack, nw: Stack, used: number): void {
  const frames: FrameInfo[] = [];
  let framesTruncated = false;
  const at = st.schedWhere(g);
  gentraceback(st, at.pc, at.sp, at.lr, (f) => {
    if (frames.length === COPY_FRAMES) { framesTruncated = true; return false; }
    frames.push({ fn: f.fn.name, pc: f.pc, sp: f.sp, fp: f.fp });
    return true;
  });
  st.emit({ k: 'copy', goid: st.gField(g, G.goid), oldLo: old.lo, oldHi: old.hi, newLo: nw.lo, newHi: nw.hi, used, delta: nw.hi - old.hi, frames, framesTruncated });
}

function emitAdjust(st: State, fn: string, where: AdjustWhere, addr: number, from: number, to: number): void {
  st.emit({ k: 'adjust', fn, where, addr, from, to });
}

function emitRewind(st: State, jmpPC: number, resumePC: number): void {
  const bytes = Array.from({ length: jmpLength(st, jmpPC) }, (_, i) => readCode(st, jmpPC + i));
  st.emit({ k: 'rewind', jmpPC, bytes, resumePC, fn: st.funcName(resumePC) });
}

function emitResume(st: State, g: number): void {
  const pc = st.sched(g, Gobuf.pc), fn = st.findFunc(pc);
  st.emit({ k: 'resume', fn: fn?.name ?? '?', pc, sp: st.sched(g, Gobuf.sp), atStart: fn?.entry === pc, guard: st.lds(g + G.stackguard0 * st.W) });
}
