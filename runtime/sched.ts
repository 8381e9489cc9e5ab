// The scheduler (Go's proc.go: schedule, execute, gopark, goready,
// gosched_m, checkdead). One M and one P run the goroutines one at a time,
// taking them from a run queue in VM memory (runnable gs linked through
// g.schedlink, the head and tail in the sched structure). A goroutine
// starts running only through execute, which sets its stackguard0
// (clearing a preemption request) and resumes it from g.sched. A goroutine
// stops running only at a runtime call (it parks, yields or ends) or at a
// split check that finds StackPreempt (newstack's preemption). When nothing
// is runnable and some goroutine is left, all are asleep: Go's checkdead.
import { G, Gobuf, Gstatus, M, P, Sched } from '../abi/runtime2.js';
import { StackPreempt } from '../abi/stack.js';
import { gogo } from './asm.js';
import { gothrow, gothrowNoStacks } from './crash.js';
import { setStackguard } from './stackguard.js';
import type { State } from './state.js';

const sget = (st: State, f: number) => st.ldw(st.schedAddr + f * st.W);
const sset = (st: State, f: number, v: number) => st.stw(st.schedAddr + f * st.W, v);

/** runqput: g at the tail of the run queue. */
export function runqput(st: State, g: number): void {
  st.setGField(g, G.schedlink, 0);
  const tail = sget(st, Sched.runqtail);
  if (tail === 0) sset(st, Sched.runqhead, g);
  else st.setGField(tail, G.schedlink, g);
  sset(st, Sched.runqtail, g);
  sset(st, Sched.runqsize, sget(st, Sched.runqsize) + 1);
}

/** runqget: the goroutine at the head of the run queue, or 0. */
function runqget(st: State): number {
  const g = sget(st, Sched.runqhead);
  if (g === 0) return 0;
  const next = st.gField(g, G.schedlink);
  sset(st, Sched.runqhead, next);
  if (next === 0) sset(st, Sched.runqtail, 0);
  sset(st, Sched.runqsize, sget(st, Sched.runqsize) - 1);
  st.setGField(g, G.schedlink, 0);
  return g;
}

/** Goroutines waiting to run. */
export const runqsize = (st: State) => sget(st, Sched.runqsize);

/** execute: run g on the m, from g.sched. */
export function execute(st: State, g: number): void {
  const prev = st.mField(M.curg);
  st.setMField(M.curg, g);
  st.setGField(g, G.status, Gstatus.running);
  st.setGField(g, G.preempt, 0);
  const p = st.mField(M.p);
  st.stw(p + P.schedtick * st.W, st.ldw(p + P.schedtick * st.W) + 1);
  setStackguard(st, g);
  gogo(st, g);
  if (st.observing && prev !== g) {
    st.emit({ k: 'switch', from: prev === 0 ? 0 : st.gField(prev, G.goid), to: st.gField(g, G.goid), fn: st.funcName(st.sched(g, Gobuf.pc)) });
  }
}

/** schedule: run the next runnable goroutine; with none, every goroutine left is asleep. */
export function schedule(st: State): void {
  const g = runqget(st);
  if (g !== 0) {
    execute(st, g);
    return;
  }
  checkdead(st);
}

/** checkdead: nothing can run. */
function checkdead(st: State): never {
  if (sget(st, Sched.gcount) === 0) gothrowNoStacks(st, 'no goroutines (main called runtime.Goexit) - deadlock!');
  st.setMField(M.curg, 0);
  return gothrow(st, 'all goroutines are asleep - deadlock!');
}

/** Save where the running goroutine goes on (its gobuf) from the machine. */
export function gosave(st: State, g: number, pc: number): void {
  const m = st.m;
  st.setSched(g, Gobuf.pc, pc);
  st.setSched(g, Gobuf.sp, m.sp);
  st.setSched(g, Gobuf.lr, st.t.family === 'arm' ? m.reg(st.t.lr) : 0);
  st.setSched(g, Gobuf.ctxt, 0);
  st.setSched(g, Gobuf.g, g);
}

/**
 * gopark: the running goroutine waits (reason: abi WaitReason); it goes on
 * at pc when goready makes it runnable again. Another goroutine runs.
 */
export function gopark(st: State, reason: number, pc: number): void {
  const g = st.curg;
  gosave(st, g, pc);
  st.setGField(g, G.status, Gstatus.waiting);
  st.setGField(g, G.waitreason, reason);
  schedule(st);
}

/** goready: g may run again. */
export function goready(st: State, g: number): void {
  st.setGField(g, G.status, Gstatus.runnable);
  st.setGField(g, G.waitreason, 0);
  runqput(st, g);
}

/** gosched_m: g yields (its g.sched is saved); the next runnable goroutine runs, maybe g itself. */
export function gosched_m(st: State, g: number): void {
  st.setGField(g, G.status, Gstatus.runnable);
  runqput(st, g);
  schedule(st);
}

/** The P's schedtick: how many times a goroutine was started running. */
export const schedtick = (st: State) => st.ldw(st.mField(M.p) + P.schedtick * st.W);

/**
 * sysmon's retake, called every time slice (run.ts): the goroutine that
 * has been running for the whole slice (schedtick did not move) is asked to
 * stop, if another one is waiting to run. Returns the tick to compare with next.
 */
export function retake(st: State, lastTick: number): number {
  const tick = schedtick(st), g = st.curg;
  if (tick === lastTick && g !== 0 && runqsize(st) > 0 && st.gField(g, G.preempt) === 0) preemptone(st, g);
  return tick;
}

/** preemptone: ask g to stop at its next split check (stackguard0 = StackPreempt). */
export function preemptone(st: State, g: number): void {
  st.setGField(g, G.preempt, 1);
  st.setGField(g, G.stackguard0, StackPreempt);
}

