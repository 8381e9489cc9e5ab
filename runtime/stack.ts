// Stack growth, as Go 1.4 does it (asm_*.s morestack, stack.c newstack and
// copystack). A function whose split check fails calls runtime.morestack;
// morestack records where f was (g.sched) and who called f (m.morebuf) and
// "switches to g0"; newstack decodes the `jmp start` after the call
// (rewindmorestack) so that g.sched describes f at its entry, doubles the
// stack, copies it — adjusting every pointer into the old stack found
// through the stack maps of every frame — and resumes f at its first
// instruction, which runs the split check again.
import { rewindPC } from '../isa/rewind.js';
import { StackGuard, StackSmall } from '../isa/target.js';
import { Next, type Machine } from '../vm/machine.js';
import { G, M } from './abi.js';
import { throwFatal } from './panic.js';
import { forceMoveGuard, type Runtime } from './runtime.js';
import type { Stack } from './stackalloc.js';
import { gentraceback, type Frame } from './traceback.js';
import { hex } from './format.js';


// Go's PoisonGC and PoisonStack: values a live pointer can never hold.
const POISON = [0xf969696969696969n, 0x6868686868686868n, 0xf9696969n, 0x68686868n];

/** runtime·morestack: entered by CALL/BL from f's prologue. */
export function morestack(rt: Runtime, m: Machine, needctxt: boolean): Next {
  const W = rt.W, t = rt.t;
  const g = rt.curg;
  if (m.g === rt.g0) {
    rt.beginReport();
    rt.print('fatal: morestack on g0\n');
    rt.exitCode = 2;
    return Next.Stop;
  }
  if (t.family === 'x86') {
    // 0(SP): f's pc (the jmp start); 8(SP): f's caller's pc.
    rt.setMField(M.morebufPC, rt.ldw(m.sp + W));
    rt.setMField(M.morebufSP, m.sp + 2 * W);
    rt.setGField(g, G.schedPC, rt.ldw(m.sp));
    rt.setGField(g, G.schedSP, m.sp + W);
    rt.setGField(g, G.schedLR, 0);
    rt.setGField(g, G.schedCtxt, needctxt ? m.reg(t.ctxt) : 0);
  } else {
    // LR: f's pc (the B.LS start); R3: f's LR (its caller's pc).
    rt.setMField(M.morebufPC, m.reg(3));
    rt.setMField(M.morebufSP, m.sp);
    rt.setMField(M.morebufLR, 0);
    rt.setGField(g, G.schedPC, m.reg(t.lr));
    rt.setGField(g, G.schedSP, m.sp);
    rt.setGField(g, G.schedLR, m.reg(3));
    rt.setGField(g, G.schedCtxt, needctxt ? m.reg(t.ctxt) : 0);
  }
  rt.setMField(M.morebufG, g);
  rt.setGField(g, G.schedG, g);
  const obs = rt.opts.observer;
  if (obs) {
    const schedPC = rt.gField(g, G.schedPC);
    obs({
      k: 'morestack', fn: rt.findFunc(schedPC)?.name ?? '?', sp: rt.gField(g, G.schedSP), guard: rt.gField(g, G.stackguard0),
      schedPC, schedSP: rt.gField(g, G.schedSP), ctxt: rt.gField(g, G.schedCtxt),
      morebufPC: rt.mField(M.morebufPC), morebufSP: rt.mField(M.morebufSP), caller: rt.findFunc(rt.mField(M.morebufPC) - 1)?.name ?? '?',
    });
  }
  rt.setG(rt.g0);
  newstack(rt);
  gogo(rt, g);
  if (obs) {
    const pc = rt.gField(g, G.schedPC), fn = rt.findFunc(pc);
    obs({ k: 'resume', fn: fn?.name ?? '?', pc, sp: rt.gField(g, G.schedSP), atStart: fn?.entry === pc });
  }
  return Next.Continue;
}

/** runtime·gogo: resume g from g.sched. */
function gogo(rt: Runtime, g: number): void {
  const m = rt.machine, t = rt.t;
  rt.setG(g);
  m.sp = rt.gField(g, G.schedSP);
  m.pc = rt.gField(g, G.schedPC);
  m.setReg(t.ctxt, rt.gField(g, G.schedCtxt));
  if (t.family === 'arm') m.setReg(t.lr, rt.gField(g, G.schedLR));
}

/** Where the goroutine is, for tracebacks taken inside newstack: f at its entry. */
function schedWhere(rt: Runtime, g: number) {
  return { pc: rt.gField(g, G.schedPC), sp: rt.gField(g, G.schedSP), lr: rt.gField(g, G.schedLR) };
}

export function newstack(rt: Runtime): void {
  const g = rt.mField(M.curg);
  const dbg = rt.opts.stackDebug ?? 0;
  if (rt.mField(M.morebufG) !== g) {
    rt.beginReport();
    rt.print(`runtime: newstack called from g=${hex(rt.mField(M.morebufG))}\n\tm=${hex(rt.mAddr)} m->curg=${hex(g)} m->g0=${hex(rt.g0)} m->gsignal=0x0\n`);
    throwFatal(rt, 'runtime: wrong goroutine in newstack', schedWhere(rt, g));
  }
  const jmpPC = rt.gField(g, G.schedPC);
  const read = (a: number) => (rt.mem.isMapped(a) ? rt.mem.ld8(a) : -1);
  const rw = rewindPC(rt.t, read, jmpPC);
  if (!rw.ok) {
    rt.beginReport();
    rt.print(rw.message);
    throwFatal(rt, 'runtime: misuse of rewindmorestack', { ...schedWhere(rt, g), runtimeStack: ['runtime.throw', 'runtime.newstack', 'runtime.morestack'] });
  }
  rt.setGField(g, G.schedPC, rw.pc);
  rt.opts.observer?.({ k: 'rewind', jmpPC, bytes: [0, 1, 2, 3, 4].slice(0, rt.t.family === 'arm' ? 4 : read(jmpPC) === 0xeb ? 2 : 5).map((i) => read(jmpPC + i)), resumePC: rw.pc, fn: rt.findFunc(rw.pc)?.name ?? '?' });
  let sp = rt.gField(g, G.schedSP);
  if (rt.t.family === 'x86') sp -= rt.W; // the call to morestack cost a word
  const lo = rt.gField(g, G.stackLo), hi = rt.gField(g, G.stackHi);
  if (dbg >= 1 || sp < lo) {
    if (sp < lo) rt.beginReport();
    rt.print(`runtime: newstack sp=${hex(sp)} stack=[${hex(lo)}, ${hex(hi)}]\n`
      + `\tmorebuf={pc:${hex(rt.mField(M.morebufPC))} sp:${hex(rt.mField(M.morebufSP))} lr:${hex(rt.mField(M.morebufLR))}}\n`
      + `\tsched={pc:${hex(rt.gField(g, G.schedPC))} sp:${hex(rt.gField(g, G.schedSP))} lr:${hex(rt.gField(g, G.schedLR))} ctxt:${hex(rt.gField(g, G.schedCtxt))}}\n`);
  }
  if (sp < lo) {
    rt.beginReport();
    rt.print(`runtime: gp=${hex(g)}, gp->status=${rt.gField(g, G.status)}\n `);
    rt.print(`runtime: split stack overflow: ${hex(sp)} < ${hex(lo)}\n`);
    throwFatal(rt, 'runtime: split stack overflow', { ...schedWhere(rt, g), runtimeStack: ['runtime.throw', 'runtime.newstack', 'runtime.morestack'] });
  }
  const oldsize = hi - lo;
  let newsize = oldsize * 2;
  let resume = rw.pc;
  if (rt.opts.stackForceMove && !needsGrowth(rt, g, lo)) {
    // A forced move, not a growth: same size, and f resumes past its split
    // check (after the jmp start), which would otherwise fail again forever.
    newsize = oldsize;
    resume = jmpPC + (rt.t.family === 'arm' ? 4 : read(jmpPC) === 0xeb ? 2 : 5);
  }
  if (newsize > rt.maxStack) {
    rt.beginReport();
    rt.print(`runtime: goroutine stack exceeds ${rt.maxStack}-byte limit\n`);
    rt.print(`runtime: sp=${hex(sp)} stack=[${hex(lo)}, ${hex(hi)}]\n`);
    throwFatal(rt, 'stack overflow', { ...schedWhere(rt, g), runtimeStack: ['runtime.throw', 'runtime.newstack', 'runtime.morestack'] });
  }
  rt.opts.observer?.({ k: 'grow', oldLo: lo, oldHi: hi, oldSize: oldsize, newSize: newsize, forced: newsize === oldsize });
  copystack(rt, g, newsize);
  rt.checkDeadline();
  rt.setGField(g, G.schedPC, resume);
  if (dbg >= 1) rt.print('stack grow done\n');
}

/**
 * Under --stackforcemove every check fails; grow only if the real check would
 * have: f's frame does not fit above lo+StackGuard (the prologue's test).
 */
function needsGrowth(rt: Runtime, g: number, lo: number): boolean {
  const f = rt.findFunc(rt.gField(g, G.schedPC));
  const guard = lo + StackGuard;
  const entrySP = rt.gField(g, G.schedSP);
  const frame = f ? f.spDelta : 0;
  if (frame <= StackSmall) return entrySP <= guard;
  return entrySP - (frame - StackSmall) <= guard;
}

/** Copy g's stack to a new one of newsize bytes, fixing every pointer into it. */
export function copystack(rt: Runtime, g: number, newsize: number): void {
  const t0 = performance.now();
  const mem = rt.mem;
  const old: Stack = { lo: rt.gField(g, G.stackLo), hi: rt.gField(g, G.stackHi) };
  const used = old.hi - rt.gField(g, G.schedSP);
  const poison = rt.opts.stackPoison ?? false;
  const dbg = rt.opts.stackDebug ?? 0;

  const nw = rt.stacks.alloc(newsize);
  if (poison) mem.fill(nw.lo, newsize, 0xfd);
  if (dbg >= 1) {
    rt.print(`copystack gp=${hex(g)} [${hex(old.lo)} ${hex(old.hi - used)} ${hex(old.hi)}]/${old.hi - old.lo} -> [${hex(nw.lo)} ${hex(nw.hi - used)} ${hex(nw.hi)}]/${newsize}\n`);
  }
  rt.opts.observer?.({ k: 'copy', oldLo: old.lo, oldHi: old.hi, newLo: nw.lo, newHi: nw.hi, used, delta: nw.hi - old.hi });
  // Adjust pointers in the to-be-copied frames, in place in the old stack.
  const adj = { old, delta: nw.hi - old.hi };
  const where = schedWhere(rt, g);
  gentraceback(rt, where.pc, where.sp, where.lr, (f) => adjustframe(rt, f, adj));
  adjustctxt(rt, g, adj);
  // g._defer and g._panic stay nil until DEFER and recover exist (docs/status.md):
  // adjustdefers, adjustpanics and adjustsudogs have nothing to visit yet.
  if (poison) mem.fill(nw.lo, newsize, 0xfb);
  mem.move(nw.hi - used, old.hi - used, used);

  rt.setGField(g, G.stackLo, nw.lo);
  rt.setGField(g, G.stackHi, nw.hi);
  rt.setGField(g, G.stackguard0, rt.opts.stackForceMove ? forceMoveGuard(rt.W) : nw.lo + StackGuard);
  rt.setGField(g, G.schedSP, nw.hi - used);

  if (poison) mem.fill(old.lo, old.hi - old.lo, 0xfc);
  rt.stacks.free(old);
  rt.stats.stackGrowths++;
  rt.stats.bytesCopied += used;
  rt.stats.maxStackSize = Math.max(rt.stats.maxStackSize, newsize);
  rt.stats.copyMs += performance.now() - t0;
}

interface AdjInfo { old: Stack; delta: number }

function isPoison(rt: Runtime, a: number): boolean {
  return POISON.includes(rt.W === 8 ? BigInt.asUintN(64, rt.mem.ld64(a)) : BigInt(rt.mem.ld32(a) >>> 0));
}

/** Rewrite the pointer-holding words in [base, base+W*bits.length) that point into the old stack. */
function adjustpointers(rt: Runtime, base: number, bits: readonly boolean[], adj: AdjInfo, fn: string, where: 'locals' | 'args'): void {
  const W = rt.W, dbg = rt.opts.stackDebug ?? 0;
  for (let i = 0; i < bits.length; i++) {
    const a = base + i * W;
    if (dbg >= 4) rt.print(`        ${hex(a)}:${bits[i] ? 'ptr' : 'scalar'}:${hex(rt.ldw(a))}\n`);
    if (!bits[i]) continue;
    const p = rt.ldw(a);
    if ((p > 0 && p < 4096) || (p >= 0x68686868 && isPoison(rt, a))) {
      rt.beginReport();
      rt.print(`runtime: bad pointer in frame ${fn} at ${hex(a)}: ${hex(p)}\n`);
      rt.throw('invalid stack pointer');
    }
    if (p >= adj.old.lo && p < adj.old.hi) {
      if (dbg >= 3) rt.print(`adjust ptr ${hex(p)} ${fn}\n`);
      rt.stw(a, p + adj.delta);
      rt.opts.observer?.({ k: 'adjust', fn, where, addr: a, from: p, to: p + adj.delta });
    }
  }
}

/** Adjust one frame's locals and arguments using its stack maps. */
function adjustframe(rt: Runtime, f: Frame, adj: AdjInfo): boolean {
  const dbg = rt.opts.stackDebug ?? 0;
  if (f.fn.name === 'runtime.goexit') return false;
  if (dbg >= 2) rt.print(`    adjusting ${f.fn.name} frame=[${hex(f.sp)},${hex(f.fp)}] pc=${hex(f.pc)} continpc=${hex(f.pc)}\n`);
  // Locals, once the prologue has allocated the frame (minsize: 0 on x86, the saved LR on ARM).
  const minsize = rt.t.family === 'arm' ? rt.W : 0;
  const size = f.varp - f.sp;
  if (size > minsize && f.fn.localsSize > 0) {
    if (dbg >= 3) rt.print(`      locals ${f.fn.localPtrs.length} words ${hex(f.varp)}\n`);
    adjustpointers(rt, f.varp - f.fn.localsSize, f.fn.localPtrs, adj, f.fn.name, 'locals');
  }
  if (f.fn.argsSize > 0) {
    if (dbg >= 3) rt.print('      args\n');
    adjustpointers(rt, f.argp, f.fn.argPtrs, adj, f.fn.name, 'args');
  }
  return true;
}

function adjustctxt(rt: Runtime, g: number, adj: AdjInfo): void {
  const ctxt = rt.gField(g, G.schedCtxt);
  if (ctxt >= adj.old.lo && ctxt < adj.old.hi) {
    rt.setGField(g, G.schedCtxt, ctxt + adj.delta);
    rt.opts.observer?.({ k: 'adjust', fn: 'g.sched.ctxt', where: 'ctxt', addr: g + G.schedCtxt * rt.W, from: ctxt, to: ctxt + adj.delta });
  }
}

