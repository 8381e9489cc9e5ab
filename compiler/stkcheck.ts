// The linker's nosplit check (Go 1.2 cmd/ld/lib.c dostkcheck/stkcheck/
// stkprint): walk every NOSPLIT function, then every splitting one, and
// make sure no chain of NOSPLIT calls can run past StackLimit bytes below
// the stack guard. Its report is Go's, line for line.
import { Op, OPS } from '../isa/ops.js';
import { StackLimit, type Target } from '../isa/target.js';
import type { Prog } from './prog.js';

export interface CheckFunc {
  readonly name: string;
  readonly nosplit: boolean;
  readonly progs: readonly Prog[];
}

interface Chain {
  sym: string | null;
  limit: number;
  up: Chain | null;
}

const MORESTACK = 'runtime.morestack';

/** Returns the failures, each as `name: message` lines plus the chain report. */
export function stackCheck(t: Target, funcs: ReadonlyMap<string, CheckFunc>, order: readonly string[]): { func: string; report: string }[] {
  const callSize = t.callSize;
  const checked = new Set<string>();
  const failures: { func: string; report: string }[] = [];
  let cur = '';
  let buf = '';

  const broke = (ch: Chain, limit: number) => {
    buf += `${cur}: nosplit stack overflow\n`;
    print(ch, limit);
  };
  const print = (ch: Chain, limit: number) => {
    const name = ch.sym ?? 'function pointer';
    if (ch.up === null) {
      const f = funcs.get(ch.sym!);
      buf += f?.nosplit ? `\t${ch.limit}\tassumed on entry to ${name}\n` : `\t${ch.limit}\tguaranteed after split check in ${name}\n`;
    } else {
      print(ch.up, ch.limit + callSize);
      if (t.family !== 'arm') buf += `\t${ch.limit}\ton entry to ${name}\n`;
    }
    if (ch.limit !== limit) buf += `\t${limit}\tafter ${name} uses ${ch.limit - limit}\n`;
  };

  const check = (up: Chain, depth: number): number => {
    let limit = up.limit;
    const s = up.sym!;
    if (checked.has(s) && limit === StackLimit - callSize) return 0;
    if (depth > 100) {
      buf += `${cur}: nosplit stack check too deep\n`;
      broke(up, 0);
      return -1;
    }
    const f = funcs.get(s);
    if (!f) return 0;
    if (limit < 0) { broke(up, limit); return -1; }
    // morestack looks like it calls functions, but it switches the stack pointer first.
    if (s === MORESTACK) return 0;
    const ch: Chain = { sym: null, limit: 0, up };
    let prolog = !f.nosplit;
    for (const p of f.progs) {
      limit -= p.spadj;
      if (prolog && p.spadj !== 0) {
        // The first SP adjustment ends a splitting prologue: after it, the split
        // check guarantees StackLimit bytes. Below the top of a chain, stop here.
        if (depth > 0) return 0;
        prolog = false;
        limit = StackLimit;
      }
      if (limit < 0) { broke(up, limit); return -1; }
      const row = OPS[p.id]!;
      if (row.op !== Op.CALL) continue;
      limit -= callSize;
      ch.limit = limit;
      const target = p.args[0]!;
      if (target.k === 'sym') {
        ch.sym = target.sym;
        if (check(ch, depth + 1) < 0) return -1;
      } else {
        // Indirect call: assume it reaches a splitting function, which must be able to call morestack.
        limit -= callSize;
        ch.sym = null;
        const ch1: Chain = { sym: MORESTACK, limit, up: ch };
        if (check(ch1, depth + 2) < 0) return -1;
        limit += callSize;
      }
      limit += callSize;
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
      checked.add(name);
    }
  };
  run(true);
  run(false);
  return failures;
}
