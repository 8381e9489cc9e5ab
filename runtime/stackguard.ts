// What stackguard0 holds while a goroutine runs: lo + StackGuard, so that a
// prologue's check fails only when the frame would not fit; or, under
// --stackforcemove, the StackForceMove sentinel, so that every check fails
// and moves the stack (Go's gcTestMoveStackOnNextCall, armed again after
// every move: Lua's HARDSTACKTESTS habit).
//
// One exception keeps the stress mode safe. Go 1.4's huge-frame check
// (compiler/prologue.ts) special-cases only StackPreempt: with any other
// value above every SP its subtraction wraps and the check PASSES without
// comparing the real guard, so the function would allocate its frame below
// the stack. So wherever a huge-frame check may be the next check to run
// (before any small or big one, which the sentinel makes fail and which
// decides again) the real guard is armed instead. That is decided from the
// code (hugeAhead below) at each resume point: the function about to run and
// the return address of every frame on the stack.
import { runtimeFunc } from '../abi/funcs.js';
import { G } from '../abi/runtime2.js';
import { StackForceMove, StackGuard } from '../abi/stack.js';
import type { FuncInfo, Image } from '../compiler/image.js';
import { Cond, Op, OPS } from '../isa/ops.js';
import type { Code } from '../vm/predecode.js';
import type { State } from './state.js';
import { gentraceback } from './traceback.js';

/** Set g's stackguard0 for running from g.sched on. */
export function setStackguard(st: State, g: number): void {
  const lo = st.gField(g, G.stackLo);
  const forced = st.cfg.stackForceMove && !hugeCheckNext(st, g);
  st.setGField(g, G.stackguard0, forced ? StackForceMove : lo + StackGuard);
}

/** May a huge-frame check be the next split check g runs, from g.sched? */
function hugeCheckNext(st: State, g: number): boolean {
  const ahead = hugeAhead(st);
  if (!ahead) return false;
  const code = st.m.code;
  const at = st.schedWhere(g);
  let found = false;
  // The resume pc of the top frame, then the return address of every caller.
  gentraceback(st, at.pc, at.sp, at.lr, (f) => {
    const slot = code.slotOf[f.pc - code.base] ?? -1;
    found = slot < 0 || ahead[slot] === 1;
    return !found;
  });
  return found;
}

const cache = new WeakMap<Image, Uint8Array | null>();

/**
 * Per instruction slot, 1 if from there a huge-frame check may run before a
 * small or big one. A backward dataflow over the code, iterated to its fixed
 * point: a call of a small- or big-frame function (or its entry) ends a path
 * (its check fails and decides again), a call of a huge-frame one is a
 * hazard, a call of a NOSPLIT function takes the callee's value. A call
 * through a func value (and the runtime running deferred calls or
 * callbacks) may reach any function whose address the program takes.
 * null when no function has a huge frame.
 */
function hugeAhead(st: State): Uint8Array | null {
  if (cache.has(st.img)) return cache.get(st.img)!;
  let result: Uint8Array | null = null;
  if (st.img.funcs.some((f) => f.split === 'huge')) {
    const code = st.m.code;
    const taken = addressTaken(st);
    const v = new Uint8Array(code.n + 1);
    for (let changed = true; changed;) {
      changed = false;
      const ind = indirect(st, code, v, taken);
      for (let i = code.n - 1; i >= 0; i--) {
        const x = transfer(st, code, v, i, ind);
        if (x !== v[i]) { v[i] = x; changed = true; }
      }
    }
    result = v;
  }
  cache.set(st.img, result);
  return result;
}

/** Functions whose entry appears as a word in read-only data (funcvals) or as an immediate in code (closures). */
function addressTaken(st: State): FuncInfo[] {
  const entries = new Map(st.img.funcs.map((f) => [f.entry, f]));
  const found = new Set<FuncInfo>();
  const ro = new DataView(st.img.rodata.buffer, st.img.rodata.byteOffset, st.img.rodata.byteLength);
  for (let o = 0; o + st.W <= ro.byteLength; o += st.W) {
    const f = entries.get(st.W === 8 ? Number(ro.getBigUint64(o, true)) : ro.getUint32(o, true));
    if (f) found.add(f);
  }
  const code = st.m.code;
  for (let i = 0; i < code.n; i++) {
    const f = entries.get((code.ilo[i]! >>> 0) + code.ihi[i]! * 2 ** 32);
    if (f) found.add(f);
  }
  return [...found];
}

/** What a call through a func value may meet first: [a hazard for sure, a NOSPLIT callee that returns to the caller]. */
function indirect(st: State, code: Code, v: Uint8Array, taken: readonly FuncInfo[]): [number, number] {
  let hazard = 0, through = 0;
  for (const f of taken) {
    if (f.split === 'huge') hazard = 1;
    else if (!f.split) { through = 1; hazard |= v[code.slotOf[f.entry - code.base]!] ?? 1; }
  }
  return [hazard, through];
}

function transfer(st: State, code: Code, v: Uint8Array, i: number, ind: [number, number]): number {
  const f = st.findFunc(code.pc[i]!);
  if (f && f.entry === code.pc[i] && f.split) return f.split === 'huge' ? 1 : 0;
  const row = OPS[code.op[i]!];
  if (!row) return 0;
  const next = v[i + 1]!;
  const target = code.tgt[i]! >= 0 ? v[code.tgt[i]!]! : 1;
  const viaFuncval = ind[0] | (ind[1] & next);
  // A conditional ARM instruction may also not execute and fall through.
  const orNext = (x: number) => (code.cond[i] !== Cond.AL && row.op !== Op.JCC ? x | next : x);
  switch (row.op) {
    case Op.RET: case Op.POPRET: return orNext(0);
    case Op.JMP: return orNext(row.form === 'b' ? target : 0);
    case Op.JCC: return target | next;
    case Op.CALL: {
      if (row.form !== 'b') return orNext(viaFuncval);
      const callee = st.findFunc(code.d1[i]!);
      if (!callee || callee.split === 'huge') return 1;
      if (callee.split) return orNext(0);
      // A frameless runtime function returns; deferreturn may first jump to a deferred call.
      if (callee.hostId >= 0) return orNext(runtimeFunc(callee.name)?.callsGasm ? viaFuncval | next : next);
      return target | next;
    }
    default: return next;
  }
}
