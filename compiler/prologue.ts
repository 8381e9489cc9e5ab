// The stack-split prologue: the centrepiece of gorun. Each target's linker
// puts it before the frame allocation of every function that is not NOSPLIT
// (Go 1.4 liblink's `stacksplit`: obj6.c for amd64 and 386, obj5.c for arm).
// It compares SP with g.stackguard0 and, when the frame would not fit above
// the guard, calls runtime.morestack, whose return address is the `jmp
// start` after the call: rewindmorestack decodes that jump (isa/rewind.ts),
// so that after the stack has grown the function starts over and checks
// again, on the new stack.
//
//   x86 (g from TLS into CX; 16(CX) on amd64, 8(CX) on 386):
//     small frame (≤ StackSmall)   CMPQ SP, 16(CX)
//     big frame (≤ StackBig)       LEAQ -(frame-StackSmall)(SP), AX; CMPQ AX, 16(CX)
//     huge frame                   MOVQ 16(CX), SI; CMPQ SI, $StackPreempt; JEQ call
//                                  LEAQ StackGuard(SP), AX; SUBQ SI, AX
//                                  CMPQ AX, $(frame+StackGuard-StackSmall)
//     then                         JHI ok; call: CALL runtime.morestack[_noctxt]; JMP start
//   arm (g in R10; autosize = frame + 4, the saved LR):
//     MOVW 8(R10), R1
//     small                        CMP R1, R13
//     big                          MOVW $-autosize(R13), R2; CMP R1, R2
//     huge                         CMP $StackPreempt, R1; MOVW.NE $StackGuard(R13), R2
//                                  SUB.NE R1, R2; MOVW.NE $(autosize+StackGuard-StackSmall), R3
//                                  CMP.NE R3, R2
//     then                         MOVW.LS R14, R3; BL.LS runtime.morestack[_noctxt]; B.LS start
//
// The huge form never subtracts the frame from SP, which could wrap below
// zero; it tests for StackPreempt first because the subtraction would not
// fail for it. `runtime.morestack` is called by functions that use a closure
// context (it saves the context register); `morestack_noctxt` by the others.
//
// Also here: Go's RET expansion (pop the frame, return) and the exit path
// the compiler adds to a function that defers (deferreturn, then return).
import { ARM_MORESTACK_LR, StackBig, StackGuard, StackPreempt, StackSmall } from '../abi/stack.js';
import { G } from '../abi/runtime2.js';
import { Cond, Op } from '../isa/ops.js';
import { AX, CX, SI, type Target } from '../isa/target.js';
import type { SplitKind } from './image.js';
import { I, L, M, R, SYM, rowFor, type PArg, type Prog } from './proglist.js';

/** Which compare sequence a frame needs (x86: the frame; arm: autosize). */
export function splitKind(size: number): SplitKind {
  return size <= StackSmall ? 'small' : size <= StackBig ? 'big' : 'huge';
}

/** What the prologue needs to know of the function's frame. */
export interface SplitFrame {
  readonly split: SplitKind | null;
  /** x86: the frame (autoffset); arm: autosize. */
  readonly spDelta: number;
  readonly needsCtxt: boolean;
}

/** Appends progs at one source line; labels are indexes into the output. */
export interface Emitter {
  emit(op: Op, args: PArg[], cond?: Cond, spadj?: number, virtual?: boolean): void;
  /** Index the next prog will have. */
  readonly here: number;
}

/**
 * Emit the split check for fr. `start` and `ok` are label numbers: start is
 * bound to the function's first instruction by the caller, ok must be bound
 * (by the caller) to the frame allocation that follows; `call` is bound here.
 */
export function stacksplit(t: Target, fr: SplitFrame, e: Emitter, labels: number[], start: number, ok: number): void {
  const call = labels.length;
  labels.push(-1);
  const morestack = fr.needsCtxt ? 'runtime.morestack' : 'runtime.morestack_noctxt';
  const stackguard0 = G.stackguard0 * t.ptrSize;
  if (t.family === 'x86') {
    const sg = M(CX, stackguard0);
    e.emit(Op.MOVTLS, [R(CX)]);
    if (fr.split === 'small') {
      e.emit(Op.CMP, [R(t.sp), sg]);
    } else if (fr.split === 'big') {
      e.emit(Op.LEA, [M(t.sp, -(fr.spDelta - StackSmall)), R(AX)]);
      e.emit(Op.CMP, [R(AX), sg]);
    } else {
      e.emit(Op.MOV, [sg, R(SI)]);
      e.emit(Op.CMP, [R(SI), I(StackPreempt)]);
      e.emit(Op.JCC, [L(call)], Cond.EQ);
      e.emit(Op.LEA, [M(t.sp, StackGuard), R(AX)]);
      e.emit(Op.SUB, [R(SI), R(AX)]);
      e.emit(Op.CMP, [R(AX), I(fr.spDelta + (StackGuard - StackSmall))]);
    }
    e.emit(Op.JCC, [L(ok)], Cond.HI);
    labels[call] = e.here;
    e.emit(Op.CALL, [SYM(morestack)]);
    e.emit(Op.JMP, [L(start)]);
    return;
  }
  const autosize = fr.spDelta;
  e.emit(Op.MOV, [M(t.g, stackguard0), R(1)]);
  if (fr.split === 'small') {
    e.emit(Op.CMP, [R(t.sp), R(1)]);
  } else if (fr.split === 'big') {
    e.emit(Op.LEA, [M(t.sp, -autosize), R(2)]);
    e.emit(Op.CMP, [R(2), R(1)]);
  } else {
    e.emit(Op.CMP, [R(1), I(StackPreempt)]);
    e.emit(Op.LEA, [M(t.sp, StackGuard), R(2)], Cond.NE);
    e.emit(Op.SUB, [R(1), R(2)], Cond.NE);
    e.emit(Op.MOV, [I(autosize + (StackGuard - StackSmall)), R(3)], Cond.NE);
    e.emit(Op.CMP, [R(2), R(3)], Cond.NE);
  }
  e.emit(Op.MOV, [R(t.lr), R(ARM_MORESTACK_LR)], Cond.LS);
  labels[call] = e.here;
  e.emit(Op.CALL, [SYM(morestack)], Cond.LS);
  e.emit(Op.JCC, [L(start)], Cond.LS);
}

/** The frame allocation after the check (x86 SUBQ; ARM MOVW.W R14, -autosize(R13), which also saves LR). */
export function allocFrame(t: Target, spDelta: number, e: Emitter): void {
  if (t.family === 'x86') {
    if (spDelta > 0) e.emit(Op.SUB, [I(spDelta), R(t.sp)], Cond.AL, spDelta);
    else {
      // liblink: a fake zero-byte adjustment pair so the nosplit check sees the end of the prologue.
      e.emit(Op.NOP, [], Cond.AL, -t.ptrSize, true);
      e.emit(Op.NOP, [], Cond.AL, t.ptrSize, true);
    }
    return;
  }
  if (spDelta > 0) e.emit(Op.PUSHFRAME, [R(t.lr), M(t.sp, -spDelta)], Cond.AL, spDelta);
}

/** Go's RET expansion: pop the frame and return (spadj undone for the code after it). */
export function epilogue(t: Target, spDelta: number, out: Prog[], line: number): void {
  const push = (op: Op, args: PArg[], spadj: number) => out.push({ id: rowFor(op, args), cond: Cond.AL, args, line, spadj });
  if (t.family === 'x86') {
    if (spDelta > 0) push(Op.ADD, [I(spDelta), R(t.sp)], -spDelta);
    push(Op.RET, [], spDelta);
    return;
  }
  if (spDelta === 0) { push(Op.JMP, [R(t.lr)], 0); return; }
  // MOVW.P autosize(R13), R15: pops the frame and returns; code after it keeps the frame.
  push(Op.POPRET, [M(t.sp, spDelta)], 0);
}

/**
 * The exit path of a function that defers: CALL runtime.deferreturn, then
 * return. Every RET of the function jumps here, and a recovered panic
 * resumes here (deferproc returning 1 branches to it).
 */
export function deferreturnExit(t: Target, spDelta: number, out: Prog[], line: number): void {
  out.push({ id: rowFor(Op.CALL, [SYM('runtime.deferreturn')]), cond: Cond.AL, args: [SYM('runtime.deferreturn')], line, spadj: 0 });
  epilogue(t, spDelta, out, line);
}
