// gorun explain: run a program and narrate each stack growth for a learner —
// the split check that failed, what morestack saved, how rewindmorestack
// decoded the jump, the old and new stack, every adjusted pointer, where
// execution resumes. Narration goes to standard output; the program's own
// output and reports stay on standard error.
import { StackForceMove, StackPreempt, StackSmall } from '../abi/stack.js';
import type { FuncInfo, Image } from '../compiler/image.js';
import { targetOf } from '../isa/target.js';
import type { RuntimeEvent } from '../runtime/events.js';
import type { RunResult } from '../runtime/run.js';
import type { Memory } from '../vm/memory.js';
import { hex } from '../runtime/format.js';


export interface NarratorOptions {
  /** Every adjusted word, not a summary per slot. */
  readonly verbose: boolean;
  /** The run's --max-stack (undefined: the target's default). */
  readonly maxStack?: number;
  /** The run's memory, once it has started. */
  readonly memory: () => Memory | null;
}

export class Narrator {
  private growth = 0;
  private adjusted = 0;
  constructor(private readonly img: Image, readonly opts: NarratorOptions, private readonly write: (s: string) => void) {}

  private fn(name: string): FuncInfo | undefined {
    return this.img.funcs.find((f) => f.name === name);
  }

  event(e: RuntimeEvent): void {
    const t = targetOf(this.img.arch);
    switch (e.k) {
      case 'morestack': {
        this.growth++;
        this.adjusted = 0;
        const f = this.fn(e.fn);
        const guard = hex(BigInt.asUintN(t.ptrSize * 8, BigInt(e.guard)));
        const check = !f || f.split === 'small' ? `SP ${hex(e.sp)} <= stackguard0 ${guard}`
          : f.split === 'big' && t.family === 'arm' ? `SP ${hex(e.sp)} - ${f.spDelta} (its autosize) <= stackguard0 ${guard}`
          : f.split === 'big' ? `SP ${hex(e.sp)} - ${f.spDelta - StackSmall} (its frame beyond StackSmall) <= stackguard0 ${guard}`
          : `SP ${hex(e.sp)} leaves less than its ${f.spDelta}-byte frame above stackguard0 ${guard}`;
        const why = e.guard === StackForceMove ? ' (stackguard0 holds StackForceMove: --stackforcemove makes every check fail)'
          : e.guard === StackPreempt ? ' (stackguard0 holds StackPreempt: a preemption request)' : '';
        this.write(`#${this.growth} ${e.fn}: split check failed: ${check}${why}\n`);
        this.write(`  morestack saved g.sched = {pc: ${hex(e.schedPC)} (the jump after the call), sp: ${hex(e.schedSP)}, ctxt: ${hex(e.ctxt)}}\n`);
        this.write(`           and m.morebuf = {pc: ${hex(e.morebufPC)} (in the caller ${e.caller}), sp: ${hex(e.morebufSP)}}, then switched to g0\n`);
        return;
      }
      case 'rewind': {
        const bytes = e.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
        const what = t.family === 'arm' ? 'B.LS (cond LS, B): pc + 8 + 4*imm24'
          : e.bytes[0] === 0xeb ? 'JMP rel8: pc + 2 + rel8' : 'JMP rel32: pc + 5 + rel32';
        this.write(`  rewindmorestack: bytes ${bytes} at ${hex(e.jmpPC)} are ${what} = ${hex(e.resumePC)}, the start of ${e.fn}\n`);
        return;
      }
      case 'preempt':
        this.write(`  newstack: stackguard0 held StackPreempt: goroutine ${e.goid} yields in ${e.fn} (as if it called runtime.Gosched) instead of growing its stack\n`);
        return;
      case 'grow':
        this.write(e.forced
          ? `  newstack: no growth needed; --stackforcemove moves the ${e.oldSize}-byte stack anyway\n`
          : `  newstack: stack [${hex(e.oldLo)}, ${hex(e.oldHi)}) of ${e.oldSize} bytes doubles to ${e.newSize}\n`);
        return;
      case 'copy':
        this.write(`  copystack: ${e.used} bytes in use move from [${hex(e.oldHi - e.used)}, ${hex(e.oldHi)}) to [${hex(e.newHi - e.used)}, ${hex(e.newHi)}); new stack [${hex(e.newLo)}, ${hex(e.newHi)}), delta ${e.delta >= 0 ? '+' : '-'}${hex(Math.abs(e.delta))}\n`);
        return;
      case 'adjust':
        this.adjusted++;
        this.write(`    adjusted ${adjusted(e.fn, e.where)} at ${hex(e.addr)}: ${hex(e.from)} -> ${hex(e.to)}\n`);
        return;
      case 'panic':
        this.write(`panic in goroutine ${e.goid}: ${e.value}\n`);
        return;
      case 'recovered':
        this.write(`  recovered: the deferring function resumes at ${hex(e.pc)} with SP ${hex(e.sp)}, its deferproc returning 1\n`);
        return;
      case 'newdefer': case 'freedefer':
        return;
      case 'resume':
        if (this.adjusted === 0) this.write('    (no pointer into the stack needed adjusting)\n');
        this.write(e.atStart
          ? `  resume ${e.fn} at its start ${hex(e.pc)} with SP ${hex(e.sp)}: the split check runs again, on the new stack\n`
          : `  resume ${e.fn} at ${hex(e.pc)}, past its split check, with SP ${hex(e.sp)}\n`);
        return;
    }
  }

  /** The end of the run. */
  finish(res: RunResult): void {
    this.summary(res.stats.steps);
  }

  summary(steps: number): void {
    this.write(`${this.growth === 0 ? 'No stack growth: every split check passed.' : `${this.growth} stack move${this.growth === 1 ? '' : 's'}.`} ${steps} instructions.\n`);
  }
}

/** What an adjusted pointer was, in a learner's words. */
function adjusted(fn: string, where: string): string {
  switch (where) {
    case 'ctxt': return 'the saved closure context';
    case 'deferargs': return `a pointer in the arguments of the deferred call of ${fn} (kept in its defer record, in the heap)`;
    case 'defer': {
      const [name, field] = fn.split(': ');
      return `the ${field} field of the defer record of ${name}`;
    }
    case 'panic': return 'g._panic (the panic record lives on the stack)';
    default: return `a pointer in ${fn}'s ${where}`;
  }
}
