// Frame layout, and the prologue and epilogue each target's linker adds
// (Go 1.4 liblink: obj6.c for amd64/386, obj5.c for arm; go-runtime-facts §2.4).
//
// x86 frame (SP after the prologue; `frame` = Go's autoffset):
//     argBase = frame+W ->  args and results (the caller's outgoing area)
//     frame             ->  return address pushed by CALL
//     [frame-locals, frame) locals, hidden slots first (saved context, temporaries)
//     [0, out)              outgoing arguments of this function's calls
// ARM frame (autosize = frame+4; MOVW.W R14, -autosize(R13) saves LR at 0(SP)):
//     argBase = autosize+4 -> args (the caller's outgoing area starts at its 4(SP))
//     [4+frame-locals, 4+frame) locals
//     [4, 4+out)            outgoing arguments
//     0                     saved LR
import { Cond, Op, OPS } from '../isa/ops.js';
import { AX, CX, SI, StackBig, StackGuard, StackPreempt, StackSmall, stackguard0Offset, type Target } from '../isa/target.js';
import type { Diagnostics } from './diag.js';
import type { LoweredFunc } from './lower.js';
import { I, L, M, R, SYM, rowFor, type PArg, type Prog } from './prog.js';
import { ConstError, evalConst, wordsOf } from './types.js';

export type SplitKind = 'small' | 'big' | 'huge' | null;

export interface FrameLayout {
  /** Go's frame size: x86 autoffset; on ARM the declared frame (autosize - 4), 0 when frameless. */
  readonly frame: number;
  /** Bytes SP moves in the prologue: x86 frame, ARM autosize (0 for a frameless leaf). */
  readonly spDelta: number;
  readonly argBase: number;
  readonly localsBase: number;
  readonly outBase: number;
  readonly nosplit: boolean;
  /** NOSPLIT given by the linker's leaf rule, not the source. */
  readonly autoNosplit: boolean;
  readonly split: SplitKind;
  readonly needsCtxt: boolean;
  readonly leaf: boolean;
}

export function layoutFrame(t: Target, f: LoweredFunc, diags: Diagnostics): FrameLayout {
  const W = t.ptrSize;
  const d = f.decl;
  const need = f.outSize + f.localsSize;
  let frame = Math.ceil(need / W) * W;
  if (d.frame) {
    try {
      const v = evalConst(d.frame, W);
      if (v < 0n || v > 1n << 30n) diags.error(d.frame.pos, `invalid frame size ${v}`);
      else {
        frame = Number(v);
        if (need > frame) {
          diags.error(d.frame.pos, `locals (${f.localsSize} bytes) and outgoing arguments (${f.outSize} bytes) do not fit in frame $${frame} of ${d.name}`);
        }
        if (frame % (t.family === 'x86' ? t.ptrSize : 4) !== 0) diags.error(d.frame.pos, `unaligned stack size ${frame}`);
      }
    } catch (e) {
      if (!(e instanceof ConstError)) throw e;
      diags.error(e.pos, e.message);
    }
  }
  const leaf = !f.hasCall;
  if (d.noframe && (!leaf || f.localsSize > 0 || frame > 0)) {
    diags.error(d.pos, `NOFRAME function ${d.name} must be a leaf with no locals and frame $0`);
  }
  const needsCtxt = f.sig.captures.length > 0;
  if (t.family === 'x86') {
    // 6l/8l: a leaf with a frame below StackSmall cannot overflow; it is marked NOSPLIT.
    const autoNosplit = !d.nosplit && frame < StackSmall && leaf;
    const nosplit = d.nosplit || autoNosplit;
    return {
      frame, spDelta: frame, argBase: frame + W, localsBase: frame - f.localsSize, outBase: 0,
      nosplit, autoNosplit, split: nosplit ? null : splitKind(frame), needsCtxt, leaf,
    };
  }
  // 5l: a leaf with autosize ≤ 4 saves no LR (autosize 0) and gets no split check.
  let autosize = frame + 4;
  if ((autosize <= 4 && leaf) || d.noframe) autosize = 0;
  const frameless = autosize === 0;
  const nosplit = d.nosplit || frameless;
  return {
    frame: frameless ? 0 : frame, spDelta: autosize, argBase: frameless ? 4 : autosize + 4,
    localsBase: 4 + frame - f.localsSize, outBase: 4,
    nosplit, autoNosplit: frameless && !d.nosplit, split: nosplit ? null : splitKind(autosize), needsCtxt, leaf,
  };
}

function splitKind(size: number): SplitKind {
  return size <= StackSmall ? 'small' : size <= StackBig ? 'big' : 'huge';
}

/** Build the final prog list: prologue, body (frame slots resolved), epilogues. */
export function finishFunc(t: Target, f: LoweredFunc, fr: FrameLayout, line: number): { progs: Prog[]; labels: number[] } {
  const out: Prog[] = [];
  const labels = [...f.pl.labels];
  const emit = (op: Op, args: PArg[], cond: Cond = Cond.AL, spadj = 0, virtual = false) => {
    out.push({ id: rowFor(op, args), cond, args, line, spadj, virtual });
    return out.length - 1;
  };
  const startLabel = labels.length; labels.push(0);
  const okLabel = labels.length; labels.push(-1);
  const callLabel = labels.length; labels.push(-1);
  const morestack = fr.needsCtxt ? 'runtime.morestack' : 'runtime.morestack_noctxt';

  if (t.family === 'x86') {
    if (!fr.nosplit) {
      emit(Op.MOVTLS, [R(CX)]);
      const sg = M(CX, stackguard0Offset(t));
      if (fr.split === 'small') {
        emit(Op.CMP, [R(t.sp), sg]);
      } else if (fr.split === 'big') {
        emit(Op.LEA, [M(t.sp, -(fr.frame - StackSmall)), R(AX)]);
        emit(Op.CMP, [R(AX), sg]);
      } else {
        emit(Op.MOV, [sg, R(SI)]);
        emit(Op.CMP, [R(SI), I(StackPreempt)]);
        emit(Op.JCC, [L(callLabel)], Cond.EQ);
        emit(Op.LEA, [M(t.sp, StackGuard), R(AX)]);
        emit(Op.SUB, [R(SI), R(AX)]);
        emit(Op.CMP, [R(AX), I(fr.frame + (StackGuard - StackSmall))]);
      }
      emit(Op.JCC, [L(okLabel)], Cond.HI);
      labels[callLabel] = out.length;
      emit(Op.CALL, [SYM(morestack)]);
      emit(Op.JMP, [L(startLabel)]);
    }
    labels[okLabel] = out.length;
    if (fr.frame > 0) emit(Op.SUB, [I(fr.frame), R(t.sp)], Cond.AL, fr.frame);
    else {
      // liblink: a fake zero-byte adjustment pair so the nosplit check sees the end of the prologue.
      emit(Op.NOP, [], Cond.AL, -t.ptrSize, true);
      emit(Op.NOP, [], Cond.AL, t.ptrSize, true);
    }
  } else {
    if (!fr.nosplit) {
      const autosize = fr.spDelta;
      emit(Op.MOV, [M(t.g, stackguard0Offset(t)), R(1)]);
      if (fr.split === 'small') {
        emit(Op.CMP, [R(t.sp), R(1)]);
      } else if (fr.split === 'big') {
        emit(Op.LEA, [M(t.sp, -autosize), R(2)]);
        emit(Op.CMP, [R(2), R(1)]);
      } else {
        emit(Op.CMP, [R(1), I(StackPreempt)]);
        emit(Op.LEA, [M(t.sp, StackGuard), R(2)], Cond.NE);
        emit(Op.SUB, [R(1), R(2)], Cond.NE);
        emit(Op.MOV, [I(autosize + (StackGuard - StackSmall)), R(3)], Cond.NE);
        emit(Op.CMP, [R(2), R(3)], Cond.NE);
      }
      emit(Op.MOV, [R(t.lr), R(3)], Cond.LS);
      labels[callLabel] = out.length;
      emit(Op.CALL, [SYM(morestack)], Cond.LS);
      emit(Op.JCC, [L(startLabel)], Cond.LS);
    }
    labels[okLabel] = out.length;
    if (fr.spDelta > 0) emit(Op.PUSHFRAME, [R(t.lr), M(t.sp, -fr.spDelta)], Cond.AL, fr.spDelta);
  }
  const W = t.ptrSize;
  const spMem = (region: 'arg' | 'local' | 'out', off: number): PArg =>
    M(t.sp, (region === 'arg' ? fr.argBase : region === 'local' ? fr.localsBase : fr.outBase) + off);
  // Save the closure context, then zero results and locals (GASM: zeroed on entry).
  if (fr.needsCtxt) emit(Op.MOV, [R(t.ctxt), spMem('local', f.ctxtOff)]);
  const zeroRange = (region: 'arg' | 'local', from: number, to: number) => {
    if (to <= from) return;
    const size = to - from;
    if (size > 4 * W) { emit(Op.BLKZERO, [spMem(region, from), I(size)]); return; }
    if (t.family === 'arm') emit(Op.MOV, [I(0), R(t.tmp)]);
    for (let o = from; o < to; o += W) emit(Op.MOV, [t.family === 'arm' ? R(t.tmp) : I(0), spMem(region, o)]);
  };
  zeroRange('arg', f.sig.paramsSize, f.sig.argsSize);
  zeroRange('local', f.ctxtOff >= 0 ? f.ctxtOff + W : 0, wordsOf(f.localsSize, W) * W);
  // Body labels were bound to indexes of f.pl.progs; map them to indexes of out.
  const newIndex: number[] = [];
  const retSet = new Set(f.rets);
  f.pl.progs.forEach((p, i) => {
    newIndex[i] = out.length;
    if (retSet.has(i)) { epilogue(t, fr, out, p.line); return; }
    const args = p.args.map((a) => (a.k === 'fm' ? spMem(a.region, a.off) : a));
    out.push({ ...p, id: rowFor(OPS[p.id]!.op, args), args });
  });
  newIndex[f.pl.progs.length] = out.length;
  f.pl.labels.forEach((old, l) => { labels[l] = old >= 0 ? newIndex[old]! : -1; });
  // As Go's compilers do, never end a function with a CALL: its return address
  // must still lie inside the function for traceback to find the caller.
  const last = out[out.length - 1];
  if (last && OPS[last.id]!.op === Op.CALL) out.push({ id: rowFor(Op.BREAK, []), cond: Cond.AL, args: [], line: last.line, spadj: 0 });
  if (f.exitLabel >= 0) {
    labels[f.exitLabel] = out.length;
    const ln = f.decl.endLine;
    out.push({ id: rowFor(Op.CALL, [SYM('runtime.deferreturn')]), cond: Cond.AL, args: [SYM('runtime.deferreturn')], line: ln, spadj: 0 });
    epilogue(t, fr, out, ln);
  }
  return { progs: out, labels };
}

/** Go's RET expansion: pop the frame and return (spadj undone for code after it). */
function epilogue(t: Target, fr: FrameLayout, out: Prog[], line: number) {
  const push = (op: Op, args: PArg[], spadj: number) => out.push({ id: rowFor(op, args), cond: Cond.AL, args, line, spadj });
  if (t.family === 'x86') {
    if (fr.frame > 0) push(Op.ADD, [I(fr.frame), R(t.sp)], -fr.frame);
    push(Op.RET, [], fr.frame);
    return;
  }
  if (fr.spDelta === 0) { push(Op.JMP, [R(t.lr)], 0); return; }
  // MOVW.P autosize(R13), R15: pops the frame and returns; code after it keeps the frame.
  push(Op.POPRET, [M(t.sp, fr.spDelta)], 0);
}

