// The linker's nosplit check, as Go 1.4's cmd/ld/lib.c does it
// (dostkcheck/stkcheck/stkprint): walk every NOSPLIT function, then every
// splitting one, through its pc→SP-delta spans and direct calls, and make
// sure no chain can run more than StackLimit bytes below the stack guard.
// The report is Go's, line for line, with one refinement: a splitting
// callee is not walked, only checked for room to call morestack, because its
// split check guarantees its frame and its own walk checks what it calls.
// So only NOSPLIT chains are followed (to depth 100). Go 1.4 walked every
// callee; Go 1.5 (cmd/internal/ld/lib.go) stopped at a splitting one unless
// it was reached exactly at the top of the safe zone (`if !top { return 0 }`),
// where walking it checks what its own walk checks. Either way a chain of
// more than 100 splitting calls could be "too deep"; here it cannot, and
// which programs are accepted is otherwise the same.
import { StackLimit } from '../abi/stack.js';
import { Op, OPS } from '../isa/ops.js';
import type { Target } from '../isa/target.js';
import type { Prog } from './proglist.js';

export interface CheckFunc {
  readonly name: string;
  readonly nosplit: boolean;
  /** Go's s->locals: the frame size (x86 autoffset; ARM the declared frame). */
  readonly locals: number;
  readonly progs: readonly Prog[];
}

interface Chain {
  sym: string | null;
  limit: number;
  up: Chain | null;
}

interface Span {
  readonly value: number;
  readonly calls: readonly (string | null)[]; // null: an indirect call
}

const MORESTACK = 'runtime.morestack';

/** pcsp spans of a function: runs of instructions with the same SP delta, and the calls in each. */
function spans(progs: readonly Prog[]): Span[] {
  const out: { value: number; calls: (string | null)[] }[] = [];
  let sp = 0;
  for (const p of progs) {
    if (!p.virtual) {
      if (out.length === 0 || out[out.length - 1]!.value !== sp) out.push({ value: sp, calls: [] });
      if (OPS[p.id]!.op === Op.CALL) {
        const a = p.args[0]!;
        out[out.length - 1]!.calls.push(a.k === 'sym' ? a.sym : null);
      }
    }
    sp += p.spadj;
  }
  return out;
}

/** Returns each failure: the function checked and Go's report (diag line and chain). */
export function stackCheck(t: Target, funcs: ReadonlyMap<string, CheckFunc>, order: readonly string[]): { func: string; report: string }[] {
  const callSize = t.callSize;
  const hasLR = t.family === 'arm';
  const regSize = t.ptrSize;
  const checked = new Set<string>();
  const spanCache = new Map<string, Span[]>();
  const failures: { func: string; report: string }[] = [];
  let cur = '';
  let buf = '';

  const diag = (msg: string) => { buf += `${cur}: ${msg}\n`; };
  const broke = (ch: Chain, limit: number) => {
    diag('nosplit stack overflow');
    print(ch, limit);
  };
  const print = (ch: Chain, limit: number) => {
    const name = ch.sym ?? 'function pointer';
    if (ch.up === null) {
      const f = funcs.get(ch.sym!);
      buf += f?.nosplit ? `\t${ch.limit}\tassumed on entry to ${name}\n` : `\t${ch.limit}\tguaranteed after split check in ${name}\n`;
    } else {
      print(ch.up, ch.limit + (hasLR ? 0 : regSize));
      if (!hasLR) buf += `\t${ch.limit}\ton entry to ${name}\n`;
    }
    if (ch.limit !== limit) buf += `\t${limit}\tafter ${name} uses ${ch.limit - limit}\n`;
  };

  const frameLimit = (f: CheckFunc) => StackLimit + f.locals + (hasLR ? regSize : 0);

  const check = (up: Chain, depth: number): number => {
    const s = up.sym!;
    const f = funcs.get(s);
    const root = up.up === null;
    // Don't duplicate work: consider each function at the top of the safe zone
    // once (a splitting one only at the root of a walk, the only place it is walked).
    if (up.limit === StackLimit - callSize && (root || f?.nosplit)) {
      if (checked.has(s)) return 0;
      checked.add(s);
    }
    if (depth > 100) {
      diag('nosplit stack check too deep');
      broke(up, 0);
      return -1;
    }
    if (!f) return -1;
    if (up.limit < 0) { broke(up, up.limit); return -1; }
    // morestack looks like it calls functions, but it switches the stack pointer first.
    if (s === MORESTACK) return 0;
    if (f.nosplit) return walk(f, up, up.limit, depth);
    // A split check calls morestack before the frame exists: that call must fit.
    if (check({ sym: MORESTACK, limit: up.limit - callSize, up }, depth + 1) < 0) return -1;
    // Below the root of a walk that is all (see the header); at the root the frame gets its limit.
    return root ? walk(f, up, frameLimit(f), depth) : 0;
  };

  /** Every pc→SP span of f must fit under the limit, and so must every call made in it. */
  const walk = (f: CheckFunc, up: Chain, start: number, depth: number): number => {
    let limit = start;
    const ch: Chain = { sym: null, limit: 0, up };
    let sp = spanCache.get(f.name);
    if (!sp) { sp = spans(f.progs); spanCache.set(f.name, sp); }
    for (const span of sp) {
      if (limit - span.value < 0) { broke(up, limit - span.value); return -1; }
      for (const callee of span.calls) {
        ch.limit = limit - span.value - callSize;
        ch.sym = callee;
        if (callee !== null) {
          if (check(ch, depth + 1) < 0) return -1;
          // After the call to morestack the limit is back to StackLimit beyond the frame.
          if (callee.startsWith(MORESTACK)) limit = frameLimit(f);
        } else {
          // Indirect call: assume a splitting callee, which must be able to call morestack.
          if (check({ sym: MORESTACK, limit: ch.limit - callSize, up: ch }, depth + 2) < 0) return -1;
        }
      }
    }
    return 0;
  };

  const run = (nosplitPass: boolean) => {
    for (const name of order) {
      const f = funcs.get(name)!;
      if (f.nosplit !== nosplitPass) continue;
      cur = name;
      buf = '';
      if (check({ sym: name, limit: StackLimit - callSize, up: null }, 0) < 0) failures.push({ func: name, report: buf });
    }
  };
  run(true);
  run(false);
  return failures;
}
