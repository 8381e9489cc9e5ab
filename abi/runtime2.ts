// Layouts of the runtime's structures in VM memory, in words (Go's
// runtime2.go). The compiler reads them where it emits code that touches
// them (the prologue's stackguard0); the runtime, traceback and copystack
// read and write the structures through them. No offset is written anywhere
// else.

/** g: a goroutine. It begins with its stack bounds, as in Go 1.4, so stackguard0 is word 2. */
export const G = {
  stackLo: 0, stackHi: 1,
  /** Compared by every Go prologue: lo + StackGuard, or a sentinel (abi/stack.ts). */
  stackguard0: 2,
  /** For C prologues in Go (never checked by gasm code). */
  stackguard1: 3,
  panic: 4, defer: 5, m: 6,
  /** g.sched, a gobuf: where the goroutine resumes. */
  sched: 7,
  syscallsp: 13, status: 14, goid: 15, waitreason: 16,
  sig: 17, sigcode0: 18, sigcode1: 19, sigpc: 20, throwsplit: 21,
  /** A preemption was requested (Go 1.4's g.preempt: duplicates stackguard0 = StackPreempt). */
  preempt: 22,
  /** The next goroutine on the run queue or the free list. */
  schedlink: 23,
  /** The next goroutine of allg, every goroutine ever made. */
  alllink: 24,
  /** What the goroutine that woke this one passes it (a channel operation: its sudog, or 0 when the channel closed). */
  param: 25,
  /** The sudog this goroutine is blocked on, or 0. */
  waiting: 26,
  /** The pc of the GO statement that made it (`created by`). */
  gopc: 27,
  words: 28,
} as const;

/** Which words of a g the garbage collector follows: the ones that may point into the heap. */
export const G_PTRS: readonly number[] = [G.defer, G.sched + 3 /* ctxt */, G.schedlink, G.alllink, G.param, G.waiting];

/** gobuf: saved registers of a goroutine that is not running (g.sched). */
export const Gobuf = { sp: 0, pc: 1, g: 2, ctxt: 3, lr: 4, ret: 5, words: 6 } as const;

/** m: the machine thread (gorun has one). */
export const M = {
  g0: 0, curg: 1,
  /** m.morebuf, a gobuf: the caller of the function that needed more stack. */
  morebuf: 2,
  locks: 8, mallocing: 9, gcing: 10, throwing: 11, dying: 12,
  /** The P this m runs goroutines for. */
  p: 13,
  words: 14,
} as const;

/** Defer pools per P, by size class (Go 1.4's len(p{}.deferpool)). */
export const NumDeferClasses = 5;

/** p: a processor, the resources goroutines run with (gorun has one). */
export const P = {
  /** deferpool[NumDeferClasses]: free _defer records by size class, linked through _defer.link. */
  deferpool: 0,
  /** Free sudogs, linked through sudog.next. */
  sudogcache: NumDeferClasses,
  /** Incremented by every execute: sysmon's retake sees whether the same goroutine is still running. */
  schedtick: NumDeferClasses + 1,
  words: NumDeferClasses + 2,
} as const;

/** The scheduler's state (Go's sched): the run queue, every goroutine, the free gs. */
export const Sched = {
  /** The run queue: runnable goroutines, linked through g.schedlink. */
  runqhead: 0, runqtail: 1, runqsize: 2,
  /** allg: every goroutine in the order they were made, linked through g.alllink (dead ones too, reused from gfree). */
  allg: 3, allgtail: 4,
  /** Goroutines that are not dead. */
  gcount: 5,
  goidgen: 6,
  /** Dead goroutines kept for reuse with their stacks (gfput/gfget), linked through g.schedlink. */
  gfree: 7,
  words: 8,
} as const;

/** sudog: a goroutine waiting on a channel; elem may point into its own stack (adjustsudogs). */
export const Sudog = { g: 0, next: 1, prev: 2, elem: 3, c: 4, words: 5 } as const;
export const SUDOG_PTRS: readonly number[] = [Sudog.g, Sudog.next, Sudog.prev, Sudog.elem, Sudog.c];

/** hchan: a channel, in the heap; its buffer of dataqsiz elements is another heap object. */
export const Hchan = {
  qcount: 0, dataqsiz: 1, buf: 2, elemsize: 3, closed: 4, elemtype: 5, sendx: 6, recvx: 7,
  /** The waiting receivers and senders: sudog lists (first, last). */
  recvq: 8, sendq: 10,
  words: 12,
} as const;
export const HCHAN_PTRS: readonly number[] = [Hchan.buf, Hchan.recvq, Hchan.recvq + 1, Hchan.sendq, Hchan.sendq + 1];

/**
 * _defer: a deferred call, in the heap, its argument block right after the
 * header (seed 004). It stays on g._defer while it runs, marked started and
 * pointing at the panic running it.
 */
export const Defer = {
  siz: 0,
  started: 1,
  /** The deferring frame's outgoing area (where deferreturn's arg0 is): a pointer into the stack. */
  argp: 2,
  /** Where deferproc returns to: a recovered panic resumes there with deferproc returning 1. */
  pc: 3,
  fn: 4,
  /** The panic that is running this defer, on the stack. */
  panic: 5,
  link: 6,
  words: 7,
} as const;

/**
 * _panic: a panic, on the goroutine's stack (a local of runtime.gopanic's
 * frame, so copystack adjusts it with that frame).
 */
export const Panic = {
  /** The argument block of the deferred call the panic is running: gorecover compares its caller's. */
  argp: 0,
  /** The panic value, an eface (type, data). */
  arg: 1,
  link: 3,
  recovered: 4,
  aborted: 5,
  words: 6,
} as const;

/** Which words of a _defer the garbage collector follows (seed 004: the header only; the arguments are scanned as a frame). */
export const DEFER_PTRS: readonly number[] = [Defer.fn, Defer.link];

/** Which words of a _panic hold pointers (its stack map inside gopanic's frame). */
export const PANIC_PTRS: readonly boolean[] = [true, false, true, true, false, false];

/** Goroutine statuses (Go 1.4 runtime.h), and the names tracebacks print. */
export const Gstatus = { idle: 0, runnable: 1, running: 2, syscall: 3, waiting: 4, dead: 6, copystack: 8 } as const;

export const gStatusStrings: Readonly<Record<number, string>> = {
  [Gstatus.idle]: 'idle', [Gstatus.runnable]: 'runnable', [Gstatus.running]: 'running',
  [Gstatus.syscall]: 'syscall', [Gstatus.waiting]: 'waiting', [Gstatus.dead]: 'dead', [Gstatus.copystack]: 'copystack',
};

/** Why a goroutine waits (g.waitreason), as Go 1.19's goroutine header prints it. */
export const waitReasonStrings = ['', 'stack growth', 'chan receive', 'chan send', 'chan receive (nil chan)', 'chan send (nil chan)'] as const;
export const WaitReason = { stackGrowth: 1, chanReceive: 2, chanSend: 3, chanReceiveNil: 4, chanSendNil: 5 } as const;
