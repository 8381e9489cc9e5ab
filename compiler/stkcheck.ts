// The linker's nosplit check, as Go 1.4's cmd/ld/lib.c does it
// (dostkcheck/stkcheck/stkprint): walk every NOSPLIT function, then every
// splitting one, through its pc→SP-delta spans and direct calls, and make
// sure no chain can run more than StackLimit bytes below the stack guard.
// The report is Go's, line for line.
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

  const check = (up: Chain, depth: number): number => {
    let limit = up.limit;
    const s = up.sym!;
    // Don't duplicate work: only consider each function at the top of the safe zone once.
    if (limit === StackLimit - callSize) {
      if (checked.has(s)) return 0;
      checked.add(s);
    }
    if (depth > 100) {
      diag('nosplit stack check too deep');
      broke(up, 0);
      return -1;
    }
    const f = funcs.get(s);
    if (!f) return -1;
    if (limit < 0) { broke(up, limit); return -1; }
    // morestack looks like it calls functions, but it switches the stack pointer first.
    if (s === MORESTACK) return 0;
    const ch: Chain = { sym: null, limit: 0, up };
    let sp = spanCache.get(s);
    if (!sp) { sp = spans(f.progs); spanCache.set(s, sp); }
    for (const span of sp) {
      if (limit - span.value < 0) { broke(up, limit - span.value); return -1; }
      for (const callee of span.calls) {
        ch.limit = limit - span.value - callSize;
        if (callee !== null) {
          ch.sym = callee;
          if (check(ch, depth + 1) < 0) return -1;
          // After the call to morestack the limit is back to StackLimit beyond the frame.
          if (callee.startsWith(MORESTACK)) limit = StackLimit + f.locals + (hasLR ? regSize : 0);
        } else {
          // Indirect call: assume a splitting callee, which must be able to call morestack.
          ch.sym = null;
          const ch1: Chain = { sym: MORESTACK, limit: ch.limit - callSize, up: ch };
          if (check(ch1, depth + 2) < 0) return -1;
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
