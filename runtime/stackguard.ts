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
import type { Image } from '../compiler/image.js';
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
 * small or big one: a call of a huge-frame function, an indirect or deferred
 * call, or a callback from the runtime, reachable without passing a call of
 * (or the entry of) a small- or big-frame function. null when no function
 * has a huge frame. A backward dataflow over each function's code, iterated
 * to its fixed point (calls of NOSPLIT functions take the callee's value).
 */
function hugeAhead(st: State): Uint8Array | null {
  if (cache.has(st.img)) return cache.get(st.img)!;
  const funcs = st.img.funcs;
  let result: Uint8Array | null = null;
  if (funcs.some((f) => f.split === 'huge')) {
    const code = st.m.code;
    const v = new Uint8Array(code.n + 1);
    for (let changed = true; changed;) {
      changed = false;
      for (let i = code.n - 1; i >= 0; i--) {
        const x = transfer(st, code, v, i);
        if (x !== v[i]) { v[i] = x; changed = true; }
      }
    }
    result = v;
  }
  cache.set(st.img, result);
  return result;
}

function transfer(st: State, code: Code, v: Uint8Array, i: number): number {
  const f = st.findFunc(code.pc[i]!);
  if (f && f.entry === code.pc[i] && f.split) return f.split === 'huge' ? 1 : 0;
  const row = OPS[code.op[i]!];
  if (!row) return 0;
  const next = v[i + 1]!;
  const target = code.tgt[i]! >= 0 ? v[code.tgt[i]!]! : 1;
  // A conditional ARM instruction may also not execute and fall through.
  const orNext = (x: number) => (code.cond[i] !== Cond.AL && row.op !== Op.JCC ? x | next : x);
  switch (row.op) {
    case Op.RET: case Op.POPRET: return orNext(0);
    case Op.JMP: return orNext(row.form === 'b' ? target : 0);
    case Op.JCC: return target | next;
    case Op.CALL: {
      if (row.form !== 'b') return 1;
      const callee = st.findFunc(code.d1[i]!);
      if (!callee) return 1;
      if (callee.split === 'huge') return 1;
      if (callee.split) return orNext(0);
      const rf = runtimeFunc(callee.name);
      if (rf) return orNext(rf.callsGasm ? 1 : next);
      return target | next;
    }
    default: return next;
  }
}
