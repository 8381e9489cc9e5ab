// The stack picture's model, made from the observer events of one stack
// growth and nothing else (no DOM): the old stack as morestack and copystack
// saw it, the new one as execution resumed on it — bounds, SP, stackguard0,
// the frames, and every adjusted pointer as an arrow. web/stackview.ts draws
// it; the browser tests hold the drawing against the same events.
import { StackForceMove, StackPreempt } from '../abi/stack.js';
import type { FrameInfo, RuntimeEvent } from '../runtime/events.js';

type Ev<K extends RuntimeEvent['k']> = Extract<RuntimeEvent, { k: K }>;

export interface FrameBox { fn: string; pc: number; sp: number; fp: number; size: number }
export interface Arrow { fn: string; where: string; addr: number; target: number }
export interface Guard { value: number; addr: number | null; label: string }

export interface Band {
  title: string;
  lo: number; hi: number; sp: number;
  guard: Guard;
  frames: FrameBox[];
  arrows: Arrow[];
}

export interface Picture {
  fn: string;
  caller: string;
  old: Band;
  /** Null when the growth did not copy (a preemption, or the run ended first). */
  new: Band | null;
  adjusts: Ev<'adjust'>[];
  adjusted: number;
  grow: Ev<'grow'> | null;
  copy: Ev<'copy'> | null;
  resume: Ev<'resume'> | null;
  morestack: Ev<'morestack'>;
}

export function guardOf(value: number): Guard {
  if (value === StackForceMove) return { value, addr: null, label: 'StackForceMove' };
  if (value === StackPreempt) return { value, addr: null, label: 'StackPreempt' };
  return { value, addr: value, label: 'stackguard0' };
}

/** The frames inside the stack: runtime.goexit's frame on x86 lies above hi (it is where main.main returns to), so it is not drawn. */
const inStack = (fs: readonly FrameInfo[], lo: number, hi: number) => fs.filter((f) => f.sp >= lo && f.sp < hi);

const box = (f: FrameInfo, delta = 0): FrameBox => ({ fn: f.fn, pc: f.pc, sp: f.sp + delta, fp: f.fp + delta, size: f.fp - f.sp });

/** The picture of one growth's events (morestack first), or null if there is no morestack among them. */
export function pictureOf(events: readonly RuntimeEvent[], adjusted?: number): Picture | null {
  const find = <K extends RuntimeEvent['k']>(k: K) => events.find((e): e is Ev<K> => e.k === k) ?? null;
  const ms = find('morestack');
  if (!ms) return null;
  const grow = find('grow'), copy = find('copy'), resume = find('resume');
  const adjusts = events.filter((e): e is Ev<'adjust'> => e.k === 'adjust');
  const lo = copy?.oldLo ?? grow?.oldLo ?? 0, hi = copy?.oldHi ?? grow?.oldHi ?? 0;
  const old: Band = {
    title: `old stack, ${hi - lo} bytes`, lo, hi, sp: ms.sp, guard: guardOf(ms.guard),
    frames: inStack(copy?.frames ?? [], lo, hi).map((f) => box(f)),
    arrows: adjusts.filter((a) => a.where !== 'ctxt').map((a) => ({ fn: a.fn, where: a.where, addr: a.addr, target: a.from })),
  };
  const nw: Band | null = copy && resume ? {
    title: `new stack, ${copy.newHi - copy.newLo} bytes`, lo: copy.newLo, hi: copy.newHi, sp: resume.sp, guard: guardOf(resume.guard),
    frames: inStack(copy.frames, copy.oldLo, copy.oldHi).map((f) => box(f, copy.delta)),
    arrows: adjusts.filter((a) => a.where !== 'ctxt').map((a) => ({ fn: a.fn, where: a.where, addr: a.addr + copy.delta, target: a.to })),
  } : null;
  return { fn: ms.fn, caller: ms.caller, old, new: nw, adjusts, adjusted: adjusted ?? adjusts.length, grow, copy, resume, morestack: ms };
}
