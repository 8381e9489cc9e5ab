// Layouts of the runtime structures that live in VM memory, in words.
// Go 1.4's G begins with its stack bounds so that the prologue finds
// stackguard0 at 2 words (16(CX) on amd64, 8(CX) on 386, 8(R10) on ARM).

/** g: a goroutine. */
export const G = {
  stackLo: 0, stackHi: 1, stackguard0: 2, stackguard1: 3,
  panic: 4, defer: 5, m: 6,
  // g.sched, a gobuf
  schedSP: 7, schedPC: 8, schedG: 9, schedCtxt: 10, schedLR: 11, schedRet: 12,
  syscallsp: 13, status: 14, goid: 15, waitreason: 16,
  sig: 17, sigcode0: 18, sigcode1: 19, sigpc: 20, throwsplit: 21,
  words: 22,
} as const;

/** m: the (single) machine thread. */
export const M = {
  g0: 0, curg: 1,
  // m.morebuf: the caller of the function that needed more stack
  morebufPC: 2, morebufSP: 3, morebufLR: 4, morebufG: 5,
  locks: 6, mallocing: 7, gcing: 8, throwing: 9, dying: 10,
  words: 11,
} as const;

/** Goroutine status values (Go 1.4 runtime.h). */
export const Gstatus = { idle: 0, runnable: 1, running: 2, syscall: 3, waiting: 4, dead: 6, copystack: 8 } as const;

export const STATUS_NAMES: Record<number, string> = {
  0: 'idle', 1: 'runnable', 2: 'running', 3: 'syscall', 4: 'waiting', 6: 'dead', 8: 'copystack',
};

/** Wait reasons shown in the goroutine header while status is waiting. */
export const WAIT_REASONS = ['', 'stack growth'] as const;
export const WaitStackGrowth = 1;
