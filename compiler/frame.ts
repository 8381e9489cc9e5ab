// Frame layout, and the final instruction list of a function: prologue
// (prologue.ts), body and epilogues.
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
import { StackSmall } from '../abi/stack.js';
import { Cond, Op, OPS } from '../isa/ops.js';
import type { Target } from '../isa/target.js';
import type { Diagnostics } from './diag.js';
import type { LoweredFunc } from './lowerctx.js';
import type { SplitKind } from './image.js';
import { allocFrame, deferreturnExit, epilogue, splitKind, stacksplit, type Emitter } from './prologue.js';
import { I, M, R, rowFor, type PArg, type Prog } from './proglist.js';
import { MAX_SIZE, SIZE_LIMIT_NOTE } from './limits.js';
import { ConstError, evalConst, wordsOf } from './types.js';

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
  readonly split: SplitKind | null;
  readonly needsCtxt: boolean;
  readonly leaf: boolean;
}

export function layoutFrame(t: Target, f: LoweredFunc, diags: Diagnostics): FrameLayout {
  const W = t.ptrSize;
  const d = f.decl;
  const need = f.outSize + f.localsSize;
  let frame = Math.ceil(need / W) * W;
  // Locals alone were checked as they were declared; together with the outgoing area they are checked here.
  if (f.localsSize <= MAX_SIZE && need > MAX_SIZE) {
    diags.error(d.pos, `frame of ${d.name} is too large: ${f.localsSize} bytes of locals and ${f.outSize} of outgoing arguments ${SIZE_LIMIT_NOTE}`);
  }
  if (d.frame) {
    try {
      const v = evalConst(d.frame, W);
      if (v < 0n) diags.error(d.frame.pos, `invalid frame size ${v}`);
      else if (v > BigInt(MAX_SIZE)) diags.error(d.frame.pos, `frame size ${v} of ${d.name} is too large ${SIZE_LIMIT_NOTE}`);
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

/**
 * Build the final prog list: the split check and frame allocation
 * (prologue.ts), the closure context saved and results and locals zeroed,
 * the body with its frame slots resolved and each RET expanded, and the
 * exit path of a function that defers.
 */
export function finishFunc(t: Target, f: LoweredFunc, fr: FrameLayout, line: number): { progs: Prog[]; labels: number[] } {
  const out: Prog[] = [];
  const labels = [...f.pl.labels];
  const e: Emitter = {
    emit: (op, args, cond = Cond.AL, spadj = 0, virtual = false) => { out.push({ id: rowFor(op, args), cond, args, line, spadj, virtual }); },
    get here() { return out.length; },
  };
  const start = labels.length; labels.push(0);
  const ok = labels.length; labels.push(-1);
  if (fr.split) stacksplit(t, fr, e, labels, start, ok);
  labels[ok] = out.length;
  allocFrame(t, fr.spDelta, e);
  const spMem = (region: 'arg' | 'local' | 'out', off: number): PArg =>
    M(t.sp, (region === 'arg' ? fr.argBase : region === 'local' ? fr.localsBase : fr.outBase) + off);
  if (fr.needsCtxt) e.emit(Op.MOV, [R(t.ctxt), spMem('local', f.ctxtOff)]);
  zeroSlots(t, f, spMem, e);
  // Body labels were bound to indexes of f.pl.progs; map them to indexes of out.
  const newIndex: number[] = [];
  const retSet = new Set(f.rets);
  f.pl.progs.forEach((p, i) => {
    newIndex[i] = out.length;
    if (retSet.has(i)) { epilogue(t, fr.spDelta, out, p.line); return; }
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
    deferreturnExit(t, fr.spDelta, out, f.decl.endLine);
  }
  return { progs: out, labels };
}

/** Results and locals are zeroed on entry (the saved context slot excepted). */
function zeroSlots(t: Target, f: LoweredFunc, spMem: (region: 'arg' | 'local', off: number) => PArg, e: Emitter): void {
  const W = t.ptrSize;
  const zeroRange = (region: 'arg' | 'local', from: number, to: number) => {
    if (to <= from) return;
    const size = to - from;
    if (size > 4 * W) { e.emit(Op.BLKZERO, [spMem(region, from), I(size)]); return; }
    if (t.family === 'arm') e.emit(Op.MOV, [I(0), R(t.tmp)]);
    for (let o = from; o < to; o += W) e.emit(Op.MOV, [t.family === 'arm' ? R(t.tmp) : I(0), spMem(region, o)]);
  };
  zeroRange('arg', f.sig.paramsSize, f.sig.argsSize);
  zeroRange('local', f.ctxtOff >= 0 ? f.ctxtOff + W : 0, wordsOf(f.localsSize, W) * W);
}
