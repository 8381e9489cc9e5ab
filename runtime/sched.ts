// The scheduler's core (Go's proc.go: schedule, execute, gosched_m). gorun
// runs one goroutine so far (docs/status.md), so scheduling picks it again;
// what stays true when there are more is that a goroutine starts running
// only through execute, which sets its stackguard0 (clearing a preemption
// request) and resumes it from g.sched.
import { G, Gstatus, M } from '../abi/runtime2.js';
import { StackPreempt } from '../abi/stack.js';
import { gogo } from './asm.js';
import { setStackguard } from './stackguard.js';
import type { State } from './state.js';

/** execute: run g on the m, from g.sched. */
export function execute(st: State, g: number): void {
  st.setMField(M.curg, g);
  st.setGField(g, G.status, Gstatus.running);
  st.setGField(g, G.preempt, 0);
  setStackguard(st, g);
  gogo(st, g);
}

/** gosched_m: g yields; the scheduler runs the next runnable goroutine (g itself, the only one). */
export function gosched_m(st: State, g: number): void {
  st.setGField(g, G.status, Gstatus.runnable);
  execute(st, g);
}

/** preemptone: ask g to stop at its next split check (stackguard0 = StackPreempt). */
export function preemptone(st: State, g: number): void {
  st.setGField(g, G.preempt, 1);
  st.setGField(g, G.stackguard0, StackPreempt);
}
