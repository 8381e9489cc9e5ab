// Go's garbage collector of 2014 (mgc0.c), stop-the-world mark and sweep.
//
// stoptheworld first (seed 003: never while the m holds a lock, never on
// g0). The roots are the globals (their pointer map comes from the
// compiler), every goroutine — its g, and its stack walked with the same
// gentraceback and stack maps copystack uses, then its deferred calls'
// argument blocks (tracebackdefers) — and nothing else: the P's defer and
// sudog caches are emptied first (clearpools), as Go does. Marking follows
// each object's pointer map; sweeping frees what was not marked (filled
// with garbage under --stackpoison, so that a missed root shows up as a
// wrong value) and gives empty spans back to the page heap. Each goroutine
// (but the running one) whose stack is less than a quarter used has it
// halved on the way (shrinkstack), the old stacks freed when the collection
// is over. The next
// collection is due when the heap has doubled (GOGC=100), 4 MB at least.
// Then the scavenger reports, from the heap's own counters, without
// stopping the world (seed 003's fix).
import { G, Gobuf, Gstatus, M, NumDeferClasses, P, Sched } from '../abi/runtime2.js';
import { Next } from '../vm/machine.js';
import { gothrow } from './crash.js';
import type { Runtime } from './runtime.js';
import type { Handlers } from './runtime.js';
import { shrinkstack } from './stack.js';
import type { State } from './state.js';
import { gentraceback, tracebackdefers, type Frame } from './traceback.js';

/** The heap a first collection waits for (Go's heapminimum). */
export const HeapMinimum = 4 << 20;

/**
 * stoptheworld's refusals (seed 003). With one m, the rest of the world is
 * stopped already. runtimeStack: the g0 frames above it, should it be on g0.
 */
export function stoptheworld(st: State, runtimeStack: readonly string[] = ['runtime.throw']): void {
  // A lock holder could not stop an m that is waiting for that lock.
  if (st.mField(M.locks) > 0) gothrow(st, 'stoptheworld: holding locks');
  if (st.m.g === st.g0) gothrow(st, 'stoptheworld: on g0', { ...st.schedWhere(st.curg), runtimeStack });
}

/**
 * The collector's clock is virtual, so that --gctrace prints the same every
 * run: one nanosecond per unit of work — a goroutine stopped or a pool
 * emptied, a word examined while marking, an object swept, a word of stack
 * freed.
 */
interface Work { stop: number; mark: number; sweep: number; finish: number }

/** A collection (runtime.GC, or the heap reached its goal). */
export function gc(rt: Runtime): void {
  const st = rt.st, m = st.m;
  stoptheworld(st);
  st.setMField(M.gcing, 1);
  const heap0 = rt.mcache.heapAlloc;
  const work: Work = { stop: st.schedField(Sched.gcount) + NumDeferClasses + 1, mark: 0, sweep: 0, finish: 0 };
  clearpools(st);
  // The running goroutine is walked from where it is, like the others from g.sched.
  const cur = st.curg;
  if (cur !== 0) {
    st.setSched(cur, Gobuf.pc, m.pc);
    st.setSched(cur, Gobuf.sp, m.sp);
    st.setSched(cur, Gobuf.lr, st.t.family === 'arm' ? m.reg(st.t.lr) : 0);
  }
  const mk = new Marker(rt);
  const shrunk = markroots(mk, cur);
  mk.drain();
  work.mark = mk.examined;
  const { freed, visited } = rt.mcache.sweep(st.cfg.stackPoison);
  work.sweep = visited;
  // shrinkfinish: the old stacks of shrunk goroutines, now that nothing can point into them.
  for (const stk of rt.gc.freeQueue.splice(0)) {
    rt.stacks.free(stk);
    work.finish += (stk.hi - stk.lo) / st.W;
  }
  rt.gc.next = Math.max(HeapMinimum, rt.mcache.heapAlloc * 2);
  rt.gc.numgc++;
  st.setMField(M.gcing, 0);
  if (st.cfg.gctrace) printgc(rt, work, heap0);
  if (st.observing) st.emit({ k: 'gc', n: rt.gc.numgc, heapBefore: heap0, heapAfter: rt.mcache.heapAlloc, freed, shrunk });
  scavenge(rt);
}

/**
 * gogc: a collection, unless it is not the time — on g0, or while the m
 * holds locks (stoptheworld could deadlock; the next allocation without a
 * lock collects instead) — as Go 1.4's gogc skips it then, runtime.GC's
 * too. Returns whether it ran.
 */
export function gogc(rt: Runtime): boolean {
  const st = rt.st;
  if (st.m.g === st.g0 || st.mField(M.locks) > 0 || st.curg === 0) return false;
  rt.gc.due = false;
  gc(rt);
  return true;
}

/** clearpools: the P's free defer records and sudogs are not roots; they go with the sweep. */
function clearpools(st: State): void {
  const p = st.mField(M.p);
  for (let i = 0; i < NumDeferClasses; i++) st.stw(p + (P.deferpool + i) * st.W, 0);
  st.stw(p + P.sudogcache * st.W, 0);
}

/** The mark phase's state: the objects marked but not yet scanned, and the words examined. */
class Marker {
  private readonly grey: number[] = [];
  examined = 0;

  constructor(readonly rt: Runtime) {}

  /** The word at a may point into a heap object: mark it. */
  word(a: number): void {
    this.examined++;
    this.object(this.rt.st.ldw(a));
  }

  object(p: number): void {
    const base = this.rt.mcache.markObject(p);
    if (base >= 0) this.grey.push(base);
  }

  /** Follow the pointers of every marked object until none is left unscanned. */
  drain(): void {
    const W = this.rt.st.W;
    while (this.grey.length > 0) {
      const base = this.grey.pop()!;
      const { ptrs } = this.rt.mcache.objectAt(base);
      if (!ptrs) continue;
      for (let w = 0; w < ptrs.length; w++) if (ptrs[w]) this.word(base + w * W);
    }
  }
}

/**
 * Mark the roots: globals, every g and every live goroutine's stack and
 * defers. Returns the stacks shrunk: every goroutine's but the running
 * one's, whose registers may hold addresses in its stack in the middle of
 * a runtime call (Go's caller of GC is parked with nothing in registers).
 */
function markroots(mk: Marker, running: number): number {
  const rt = mk.rt, st = rt.st, W = st.W, img = st.img;
  for (let w = 0; w < img.dataPtrs.length; w++) if (img.dataPtrs[w]) mk.word(img.dataBase + w * W);
  let shrunk = 0;
  for (let g = st.schedField(Sched.allg), n = 0; g !== 0 && n < 1e7; g = st.gField(g, G.alllink), n++) {
    mk.object(g);
    if (g === st.g0) continue;
    // A dead goroutine gives its stack back here (gfget gives it a new one).
    if (g !== running && shrinkstack(rt, g)) shrunk++;
    if (st.gField(g, G.status) === Gstatus.dead) continue;
    scanstack(mk, g);
  }
  return shrunk;
}

function scanstack(mk: Marker, g: number): void {
  const st = mk.rt.st, at = st.schedWhere(g);
  gentraceback(st, at.pc, at.sp, at.lr, (f) => scanframe(mk, f));
  tracebackdefers(st, g, (f) => scanframe(mk, f), (pc) => {
    st.beginReport();
    st.print(`runtime: unknown pc in defer 0x${pc.toString(16)}\n`);
    return gothrow(st, 'unknown pc');
  });
}

/** A frame's pointers, by its function's stack maps (as adjustframe reads them). */
function scanframe(mk: Marker, f: Frame): boolean {
  if (f.fn.name === 'runtime.goexit') return false;
  const W = mk.rt.st.W;
  const minsize = mk.rt.st.t.family === 'arm' ? W : 0;
  if (f.varp - f.sp > minsize && f.fn.localsSize > 0) {
    const base = f.varp - f.fn.localsSize;
    f.fn.localPtrs.forEach((p, i) => { if (p) mk.word(base + i * W); });
  }
  const words = Math.min(f.fn.argPtrs.length, Math.ceil(f.arglen / W));
  for (let i = 0; i < words; i++) if (f.fn.argPtrs[i]) mk.word(f.argp + i * W);
  return true;
}

/** GODEBUG=gctrace=1: Go 1.4's line per collection (one m, so no handoffs, steals or yields). */
function printgc(rt: Runtime, w: Work, heap0: number): void {
  const st = rt.st, mc = rt.mcache, us = (ns: number) => Math.floor(ns / 1000);
  const mb = (n: number) => Math.floor(n / (1 << 20));
  st.print(`gc${rt.gc.numgc}(1): ${us(w.stop)}+${us(w.mark)}+${us(w.sweep)}+${us(w.finish)} us, ${mb(heap0)} -> ${mb(mc.heapAlloc)} MB, `
    + `${mc.live} (${mc.mallocs}-${mc.frees}) objects, ${st.schedField(Sched.gcount)} goroutines, ${mc.spans.size}/0/0 sweeps, `
    + '0(0) handoff, 0(0) steal, 0/0/0 yields\n');
}

/**
 * The scavenger: free pages of the page heap count as released to the
 * system; its report reads the heap's counters (no ReadMemStats, no
 * stoptheworld: seed 003).
 */
function scavenge(rt: Runtime): void {
  const st = rt.st, h = rt.heap;
  const k = rt.gc.nscvg++;
  const released = Math.max(0, h.idle - h.released);
  h.released += released;
  if (!st.cfg.gctrace) return;
  const mb = (n: number) => Math.floor(n / (1 << 20));
  if (released > 0) st.print(`scvg${k}: ${mb(released)} MB released\n`);
  st.print(`scvg${k}: inuse: ${mb(h.inuse)}, idle: ${mb(h.idle)}, sys: ${mb(h.sys)}, released: ${mb(h.released)}, consumed: ${mb(h.sys - h.released)} (MB)\n`);
}

export const handlers: Handlers = {
  'runtime.GC': (rt) => { gogc(rt); return Next.Continue; },
};
