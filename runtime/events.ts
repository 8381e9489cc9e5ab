// Events the runtime reports to an observer (gorun explain; later --trace
// and the playground). Addresses are VM addresses; nothing here is runtime
// state.

export type RuntimeEvent =
  /**
   * A split check failed and f called morestack, which recorded where f and
   * its caller were. `guard` is stackguard0 read as a signed word (the
   * sentinels of abi/stack.ts are negative); [lo, hi) is the goroutine's stack.
   */
  | { k: 'morestack'; fn: string; sp: number; guard: number; lo: number; hi: number; schedPC: number; schedSP: number; ctxt: number; morebufPC: number; morebufSP: number; caller: string }
  /** rewindmorestack decoded the branch after the morestack call. */
  | { k: 'rewind'; jmpPC: number; bytes: number[]; resumePC: number; fn: string }
  /** stackguard0 held StackPreempt: newstack yields the goroutine instead of growing its stack. */
  | { k: 'preempt'; fn: string; goid: number }
  /** newstack's decision: the new size (equal to the old one for a forced move). */
  | { k: 'grow'; oldLo: number; oldHi: number; oldSize: number; newSize: number; forced: boolean }
  /**
   * copystack moves the used part of the stack; `frames` are the goroutine's
   * frames in the old stack, innermost first: the innermost COPY_FRAMES of
   * them, `framesTruncated` when there are more (a deep stack has millions).
   */
  | { k: 'copy'; goid: number; oldLo: number; oldHi: number; newLo: number; newHi: number; used: number; delta: number; frames: FrameInfo[]; framesTruncated: boolean }
  /**
   * One pointer into the old stack, rewritten by copystack: in a frame's
   * locals or arguments, the saved context, a deferred call's argument block
   * (`fn` is the deferred function), a defer record's field (`fn` names the
   * function and field: `main.set: argp`), g._panic.
   */
  | { k: 'adjust'; fn: string; where: AdjustWhere; addr: number; from: number; to: number }
  /** deferproc took a defer record: from the P's pool of its size class (reused) or the heap. */
  | { k: 'newdefer'; addr: number; siz: number; sizeClass: number; reused: boolean }
  /** A defer record went back to its pool (size classes beyond the pools are left to the heap). */
  | { k: 'freedefer'; addr: number; sizeClass: number }
  /** A panic began: gopanic's value, printed as Go prints it. */
  | { k: 'panic'; goid: number; value: string }
  /** The scheduler switched goroutines (from 0: the first); `fn` is where the new one goes on. */
  | { k: 'switch'; from: number; to: number; fn: string }
  /** GO made goroutine `goid`, to run fn. */
  | { k: 'newproc'; goid: number; fn: string; parent: number }
  /** Goroutine goid ended. */
  | { k: 'goexit'; goid: number }
  /** A garbage collection: heap bytes before and after, objects freed, stacks shrunk. */
  | { k: 'gc'; n: number; heapBefore: number; heapAfter: number; freed: number; shrunk: number }
  /** shrinkstack halves a goroutine's stack (the copy's own events follow). */
  | { k: 'shrink'; goid: number; oldSize: number; newSize: number }
  /** A deferred call recovered the panic: the deferring function resumes at pc, with SP sp. */
  | { k: 'recovered'; goid: number; pc: number; sp: number }
  /** Execution resumes in f, on the new stack; `guard` is the stackguard0 it runs with (signed, as in morestack). */
  | { k: 'resume'; fn: string; pc: number; sp: number; atStart: boolean; guard: number };

/** At most this many frames are listed in a copy event. */
export const COPY_FRAMES = 100_000;

/** A frame as the runtime's traceback sees it: its function, SP and the caller's SP (its top). */
export interface FrameInfo {
  readonly fn: string;
  readonly pc: number;
  readonly sp: number;
  readonly fp: number;
}

export type AdjustWhere = 'locals' | 'args' | 'ctxt' | 'deferargs' | 'defer' | 'panic' | 'sudog';

export type Observer = (e: RuntimeEvent) => void;
