// Go's chan.go, as of 2014: channels in the heap (hchan), their buffer a
// heap object of dataqsiz elements, and the goroutines waiting on them as
// sudogs on the channel's recvq and sendq. A sudog's elem points at the
// value to send or the place to receive into — often a slot in the blocked
// goroutine's own stack, which copystack fixes (adjustsudogs).
//
// A send to a waiting receiver copies straight into its elem and wakes it;
// otherwise into the buffer if there is room; otherwise the sender parks. A
// receive takes from a waiting sender (through the buffer when there is
// one), or from the buffer, or parks. close wakes everyone: receivers get
// the zero value and ok = false, senders panic. A nil channel blocks
// forever. A parked goroutine calls its channel function again when it
// runs: the function finds its finished sudog in g.waiting (g.param says
// how it ended) and returns.
import { G, Hchan, HCHAN_PTRS, M, P, Sudog, SUDOG_PTRS, WaitReason } from '../abi/runtime2.js';
import { TypeDesc } from '../abi/type.js';
import { Next } from '../vm/machine.js';
import { arg, argp, setResult } from './asm.js';
import { CHECKPTR_THROW, gothrow } from './crash.js';
import { plainError } from './error.js';
import { hex } from './format.js';
import { mallocgc, structPtrs, typePtrs } from './malloc.js';
import { startpanic } from './panic.js';
import type { Handlers, Runtime } from './runtime.js';
import { gopark, goready } from './sched.js';
import type { State } from './state.js';

const cget = (st: State, c: number, f: number) => st.ldw(c + f * st.W);
const cset = (st: State, c: number, f: number, v: number) => st.stw(c + f * st.W, v);
const sget = (st: State, s: number, f: number) => st.ldw(s + f * st.W);
const sset = (st: State, s: number, f: number, v: number) => st.stw(s + f * st.W, v);

// ---- sudogs: per-P cache, in the heap

function acquireSudog(rt: Runtime): number {
  const st = rt.st, slot = st.mField(M.p) + P.sudogcache * st.W;
  const s = st.ldw(slot);
  if (s === 0) return mallocgc(rt, Sudog.words * st.W, structPtrs(Sudog.words, SUDOG_PTRS));
  st.stw(slot, sget(st, s, Sudog.next));
  st.mem.fill(s, Sudog.words * st.W, 0);
  return s;
}

function releaseSudog(st: State, s: number): void {
  const slot = st.mField(M.p) + P.sudogcache * st.W;
  st.mem.fill(s, Sudog.words * st.W, 0);
  sset(st, s, Sudog.next, st.ldw(slot));
  st.stw(slot, s);
}

// ---- wait queues (first, last at word q of the hchan)

function enqueue(st: State, c: number, q: number, s: number): void {
  const last = cget(st, c, q + 1);
  sset(st, s, Sudog.next, 0);
  sset(st, s, Sudog.prev, last);
  if (last === 0) cset(st, c, q, s);
  else sset(st, last, Sudog.next, s);
  cset(st, c, q + 1, s);
}

function dequeue(st: State, c: number, q: number): number {
  const s = cget(st, c, q);
  if (s === 0) return 0;
  const next = sget(st, s, Sudog.next);
  cset(st, c, q, next);
  if (next === 0) cset(st, c, q + 1, 0);
  else sset(st, next, Sudog.prev, 0);
  sset(st, s, Sudog.next, 0);
  return s;
}

/** Copy one element (elemsize bytes) from src to dst; either may be 0 (no value wanted or given: zero). */
function elemmove(rt: Runtime, c: number, dst: number, src: number): void {
  const st = rt.st, n = cget(st, c, Hchan.elemsize);
  if (dst === 0 || n === 0) return;
  if (src === 0) st.mem.zero(dst, n);
  else st.mem.copy(dst, src, n);
  if (st.cfg.checkptr) checkStackPointerStore(rt, dst, n);
}

/** --checkptr: a channel's buffer is no place for a pointer into a stack. */
function checkStackPointerStore(rt: Runtime, dst: number, n: number): void {
  const st = rt.st;
  if (rt.heap.isStack(dst) || n < st.W) return;
  const v = st.ldw(dst);
  if (!rt.heap.isStack(v)) return;
  st.beginReport();
  st.print(`runtime: pointer ${hex(v)} into a goroutine stack stored at ${hex(dst)}, in a channel's buffer\n`);
  gothrow(st, CHECKPTR_THROW);
}

const bufSlot = (st: State, c: number, i: number) => cget(st, c, Hchan.buf) + i * cget(st, c, Hchan.elemsize);

/**
 * The running goroutine was woken from a channel wait: its sudog, and
 * whether the operation happened (false: the channel was closed).
 */
function woken(st: State): { done: boolean } | null {
  const g = st.curg, s = st.gField(g, G.waiting);
  if (s === 0) return null;
  const done = st.gField(g, G.param) !== 0;
  st.setGField(g, G.waiting, 0);
  st.setGField(g, G.param, 0);
  releaseSudog(st, s);
  return { done };
}

/** Park the running goroutine on c's queue q with sudog elem; it calls its channel function again when woken. */
function block(rt: Runtime, c: number, q: number, elem: number, reason: number): Next {
  const st = rt.st, g = st.curg;
  const s = acquireSudog(rt);
  sset(st, s, Sudog.g, g);
  sset(st, s, Sudog.elem, elem);
  sset(st, s, Sudog.c, c);
  enqueue(st, c, q, s);
  st.setGField(g, G.waiting, s);
  gopark(st, reason, st.m.pc);
  return Next.Continue;
}

/** Wake the goroutine of sudog s; done says whether its operation happened. */
function wake(st: State, s: number, done: boolean): void {
  const g = sget(st, s, Sudog.g);
  st.setGField(g, G.param, done ? s : 0);
  goready(st, g);
}

// ---- the operations

function makechan(rt: Runtime): Next {
  const st = rt.st, W = st.W;
  const t = arg(st, 0), size = st.ldBig(argp(st) + W);
  const elemtype = st.ldw(t + TypeDesc.elem * W), elemsize = st.ldw(elemtype + TypeDesc.size * W);
  if (size < 0n || size * BigInt(Math.max(elemsize, 1)) > 1n << 30n) return startpanic(st, plainError(st, 'makechanSize'));
  const c = mallocgc(rt, Hchan.words * W, structPtrs(Hchan.words, HCHAN_PTRS));
  const n = Number(size);
  cset(st, c, Hchan.dataqsiz, n);
  cset(st, c, Hchan.elemsize, elemsize);
  cset(st, c, Hchan.elemtype, elemtype);
  if (n > 0 && elemsize > 0) cset(st, c, Hchan.buf, mallocgc(rt, n * elemsize, typePtrs(st, elemtype, n)));
  setResult(st, 2, 0, c);
  return Next.Continue;
}

function chansend(rt: Runtime): Next {
  const st = rt.st, c = arg(st, 0), ep = arg(st, 1);
  const w = woken(st);
  if (w) return w.done ? Next.Continue : startpanic(st, plainError(st, 'sendClosed'));
  if (c === 0) {
    gopark(st, WaitReason.chanSendNil, st.m.pc);
    return Next.Continue;
  }
  if (cget(st, c, Hchan.closed)) return startpanic(st, plainError(st, 'sendClosed'));
  const r = dequeue(st, c, Hchan.recvq);
  if (r !== 0) {
    elemmove(rt, c, sget(st, r, Sudog.elem), ep);
    wake(st, r, true);
    return Next.Continue;
  }
  const qcount = cget(st, c, Hchan.qcount), dataqsiz = cget(st, c, Hchan.dataqsiz);
  if (qcount < dataqsiz) {
    const sendx = cget(st, c, Hchan.sendx);
    elemmove(rt, c, bufSlot(st, c, sendx), ep);
    cset(st, c, Hchan.sendx, (sendx + 1) % dataqsiz);
    cset(st, c, Hchan.qcount, qcount + 1);
    return Next.Continue;
  }
  return block(rt, c, Hchan.sendq, ep, WaitReason.chanSend);
}

/** chanrecv: withOk stores whether a value was received (chanrecv2's result). */
function chanrecv(rt: Runtime, withOk: boolean): Next {
  const st = rt.st, c = arg(st, 0), ep = arg(st, 1);
  const ok = (v: boolean) => { if (withOk) st.mem.st8(argp(st) + 2 * st.W, v ? 1 : 0); return Next.Continue; };
  const w = woken(st);
  if (w) {
    if (!w.done) elemmove(rt, c, ep, 0);
    return ok(w.done);
  }
  if (c === 0) {
    gopark(st, WaitReason.chanReceiveNil, st.m.pc);
    return Next.Continue;
  }
  const qcount = cget(st, c, Hchan.qcount), dataqsiz = cget(st, c, Hchan.dataqsiz);
  if (cget(st, c, Hchan.closed) && qcount === 0) {
    elemmove(rt, c, ep, 0);
    return ok(false);
  }
  const s = dequeue(st, c, Hchan.sendq);
  if (s !== 0) {
    if (dataqsiz === 0) {
      elemmove(rt, c, ep, sget(st, s, Sudog.elem));
    } else {
      // The buffer is full: take its head, and the sender's value goes to its tail.
      const recvx = cget(st, c, Hchan.recvx);
      elemmove(rt, c, ep, bufSlot(st, c, recvx));
      elemmove(rt, c, bufSlot(st, c, recvx), sget(st, s, Sudog.elem));
      cset(st, c, Hchan.recvx, (recvx + 1) % dataqsiz);
      cset(st, c, Hchan.sendx, cget(st, c, Hchan.recvx));
    }
    wake(st, s, true);
    return ok(true);
  }
  if (qcount > 0) {
    const recvx = cget(st, c, Hchan.recvx);
    elemmove(rt, c, ep, bufSlot(st, c, recvx));
    elemmove(rt, c, bufSlot(st, c, recvx), 0);
    cset(st, c, Hchan.recvx, (recvx + 1) % dataqsiz);
    cset(st, c, Hchan.qcount, qcount - 1);
    return ok(true);
  }
  return block(rt, c, Hchan.recvq, ep, WaitReason.chanReceive);
}

function closechan(rt: Runtime): Next {
  const st = rt.st, c = arg(st, 0);
  if (c === 0) return startpanic(st, plainError(st, 'closeNil'));
  if (cget(st, c, Hchan.closed)) return startpanic(st, plainError(st, 'closeClosed'));
  cset(st, c, Hchan.closed, 1);
  // Receivers get the zero value and ok = false; senders will panic.
  for (let s = dequeue(st, c, Hchan.recvq); s !== 0; s = dequeue(st, c, Hchan.recvq)) {
    elemmove(rt, c, sget(st, s, Sudog.elem), 0);
    wake(st, s, false);
  }
  for (let s = dequeue(st, c, Hchan.sendq); s !== 0; s = dequeue(st, c, Hchan.sendq)) wake(st, s, false);
  return Next.Continue;
}

export const handlers: Handlers = {
  'runtime.makechan': makechan,
  'runtime.chansend1': chansend,
  'runtime.chanrecv1': (rt) => chanrecv(rt, false),
  'runtime.chanrecv2': (rt) => chanrecv(rt, true),
  'runtime.closechan': closechan,
};
