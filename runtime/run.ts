// The run API, used by the command line, the matrix, the tests and (later)
// the playground: start a run, resume it for a budget of instructions or
// milliseconds until it reports its final status; runImage is that loop.
// The bounds of a run (--max-steps, --timeout) are checked between the
// engine's slices.
import type { Image } from '../compiler/image.js';
import { Jit } from '../vm/jit.js';
import { Next, type Engine } from '../vm/machine.js';
import type { Memory } from '../vm/memory.js';
import { HostAdapter } from './host.js';
import { MCache } from './mcache.js';
import { MHeap } from './mheap.js';
import { rt0_go } from './proc.js';
import type { Runtime } from './runtime.js';
import { HeapMinimum } from './mgc.js';
import { preemptone, retake } from './sched.js';
import { StackAllocator } from './stackalloc.js';
import { State, type RunOptions, type RunStats } from './state.js';

export type { RunOptions, RunStats };

export interface RunResult {
  readonly exitCode: number;
  /** Bytes of standard error the program printed before the runtime's report (all of it if none). */
  readonly outputBytes: number;
  /** Set when a --max-steps, --timeout or --max-memory bound ended the run. */
  readonly bound: string | null;
  readonly stats: RunStats;
}

/** What resume answers until the run has ended. */
export const RUNNING = 'running';

export interface Budget {
  /** Run at most this many more instructions. */
  readonly steps?: number;
  /** Stop after the engine slice that passes this many milliseconds. */
  readonly ms?: number;
}

/** Instructions per engine slice: the bounds are checked between slices. */
const SLICE = 1 << 20;

/**
 * The scheduler's time slice, in instructions (Go's sysmon uses 10 ms): a
 * goroutine still running after a whole slice is preempted when another
 * waits. Counted in instructions, so every run of a program is the same.
 */
export const TIME_SLICE = 20_000;

export class Run {
  private readonly rt: Runtime;
  private readonly host = new HostAdapter();
  private readonly engine: Engine;
  private result: RunResult | null = null;
  /** schedtick at the last time-slice boundary (retake). */
  private lastTick = -1;

  /** Set up the runtime and the main goroutine. */
  constructor(img: Image, opts: RunOptions) {
    const st = new State(img, opts, this.host);
    const heap = new MHeap(st.arenaBase, st.cfg.arenaSize);
    const gc = { next: HeapMinimum, due: false, numgc: 0, nscvg: 0, shrinks: 0, freeQueue: [] };
    this.rt = { st, heap, stacks: new StackAllocator(st, heap), mcache: new MCache(st, heap), gc };
    this.host.attach(this.rt);
    if (st.cfg.checkptr) st.m.stackPages = heap.stackPages;
    this.engine = st.cfg.engine === 'interp' ? st.m : new Jit(st.m, st.cfg.jitMargin);
    this.host.guard(this.rt, () => { rt0_go(this.rt); return Next.Continue; });
  }

  /** Run on for the budget (both limits when both are given); the result once the run has ended. */
  resume(budget: Budget = {}): RunResult | typeof RUNNING {
    if (this.result) return this.result;
    const st = this.rt.st, m = st.m, cfg = st.cfg;
    const stepEnd = budget.steps !== undefined ? m.steps + budget.steps : Infinity;
    const msEnd = budget.ms !== undefined ? Date.now() + budget.ms : Infinity;
    while (!st.status) {
      if (m.steps >= cfg.maxSteps) st.bound(`the program ran for more than ${cfg.maxSteps} instructions (--max-steps)`);
      else if (Date.now() > cfg.deadline) st.bound(`the program ran for more than ${cfg.timeoutMs} ms (--timeout)`);
      else {
        const n = Math.min(SLICE, cfg.maxSteps - m.steps, stepEnd - m.steps, TIME_SLICE - (m.steps % TIME_SLICE));
        if (n <= 0) return RUNNING;
        const next = this.engine.run(n);
        if (!st.status && m.steps % TIME_SLICE === 0) this.lastTick = retake(st, this.lastTick);
        if (!st.status && (next === Next.Yield || Date.now() >= msEnd)) return RUNNING;
      }
    }
    return this.finish();
  }

  /** The run's VM memory, for observers that look at it (the playground's stack picture, tests). */
  get memory(): Memory { return this.rt.st.mem; }

  /** Instructions executed so far (exact also from inside an observer). */
  get steps(): number { return this.rt.st.m.clock; }

  /**
   * Pause the run as soon as the runtime work under way is done: resume then
   * answers RUNNING at once. An observer may call it on an event (the
   * playground's "step to the next copystack").
   */
  pause(): void {
    this.rt.st.pauseRequested = true;
  }

  /** Ask the running goroutine to stop at its next split check (Go's preemptone). */
  preempt(): void {
    if (!this.result) preemptone(this.rt.st, this.rt.st.curg);
  }

  private finish(): RunResult {
    const st = this.rt.st;
    st.stats.steps = st.m.steps;
    st.flush();
    const status = st.status!;
    this.result = { exitCode: status.code, bound: status.bound, stats: st.stats, outputBytes: st.outputBytes };
    return this.result;
  }
}

/** Start a run. */
export function start(img: Image, opts: RunOptions): Run {
  return new Run(img, opts);
}

/** Run main.main of img to its end (or a bound); output goes to opts.stderr. */
export function runImage(img: Image, opts: RunOptions): RunResult {
  const run = start(img, opts);
  for (;;) {
    const r = run.resume();
    if (r !== RUNNING) return r;
  }
}
