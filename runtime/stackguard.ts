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
// the stack. Wherever a huge-frame check may run before the next check of
// another shape fails, the real guard is armed instead: when the function
// about to start has a huge frame, or some frame on the stack may call one
// (directly, or through a func value, a deferred call or a callback while
// the image has a huge-frame function).
import { runtimeFunc } from '../abi/funcs.js';
import { G } from '../abi/runtime2.js';
import { StackForceMove, StackGuard } from '../abi/stack.js';
import type { FuncInfo, Image } from '../compiler/image.js';
import { Op, OPS } from '../isa/ops.js';
import type { State } from './state.js';
import { gentraceback } from './traceback.js';

/** Set g's stackguard0 for running from g.sched on. */
export function setStackguard(st: State, g: number): void {
  const lo = st.gField(g, G.stackLo);
  const forced = st.cfg.stackForceMove && !hugeCheckAhead(st, g);
  st.setGField(g, G.stackguard0, forced ? StackForceMove : lo + StackGuard);
}

function hugeCheckAhead(st: State, g: number): boolean {
  const callers = hugeCallers(st);
  if (callers.size === 0) return false;
  const at = st.schedWhere(g);
  const top = st.findFunc(at.pc);
  if (top && top.split === 'huge' && top.entry === at.pc) return true;
  let ahead = false;
  gentraceback(st, at.pc, at.sp, at.lr, (f) => {
    ahead = callers.has(f.fn);
    return !ahead;
  });
  return ahead;
}

const cache = new WeakMap<Image, Set<FuncInfo>>();

/** The functions whose calls may reach a huge-frame check (none when no function has a huge frame). */
function hugeCallers(st: State): Set<FuncInfo> {
  let set = cache.get(st.img);
  if (set) return set;
  set = new Set();
  cache.set(st.img, set);
  if (!st.img.funcs.some((f) => f.split === 'huge')) return set;
  const code = st.m.code;
  for (let i = 0; i < code.n; i++) {
    const row = OPS[code.op[i]!];
    if (row?.op !== Op.CALL) continue;
    let reaches = row.form !== 'b'; // through a func value: anything
    if (!reaches) {
      const callee = st.findFunc(code.d1[i]!);
      reaches = !callee || callee.split === 'huge' || (runtimeFunc(callee.name)?.callsGasm ?? false);
    }
    if (reaches) {
      const caller = st.findFunc(code.pc[i]!);
      if (caller) set.add(caller);
    }
  }
  return set;
}
