// Options shared by the commands that run programs (docs/cli.md), validated into RunOptions.
import { Command, Option } from 'commander';
import type { RunOptions } from '../runtime/run.js';
import { PAGE } from '../vm/memory.js';
import { UsageError } from './errors.js';

export interface RawRunOpts {
  stackMin?: string; maxStack?: string; stackdebug?: string; stackpoison?: boolean;
  stackfaultonfree?: boolean; stackforcemove?: boolean; maxSteps?: string; timeout?: string;
  maxMemory?: string; gctrace?: boolean; checkptr?: boolean; trace?: string;
}

export function addRunOptions(c: Command): Command {
  return c
    .option('--stack-min <bytes>', 'initial goroutine stack (a power of two >= 1024; StackMin)')
    .option('--max-stack <bytes>', 'largest stack before "fatal error: stack overflow" (debug.SetMaxStack)')
    .addOption(new Option('--stackdebug <n>', "the runtime's stack debug prints, Go's format").choices(['0', '1', '2', '3', '4']))
    .option('--stackpoison', 'fill new/old stacks with 0xfd/0xfb/0xfc while copying (StackPoisonCopy)')
    .option('--stackfaultonfree', 'freed stacks become inaccessible: any later access faults (StackFaultOnFree)')
    .option('--stackforcemove', 'every prologue check moves the stack (stress mode)')
    .option('--max-steps <n>', 'stop after n VM instructions (exit 3)')
    .option('--timeout <ms>', 'stop after this many milliseconds (exit 3)')
    .option('--max-memory <bytes>', 'size of the VM arena for heap and stacks (exit 3 when exhausted)')
    .option('--gctrace', "a line per garbage collection and the scavenger's lines, Go 1.4's format (also GODEBUG=gctrace=1)")
    .option('--checkptr', 'throw when a pointer into a stack is stored outside a stack (interpreter only)')
    .option('--trace <file>', 'write a Chrome trace-event file (Perfetto, chrome://tracing) of the stack growths');
}

function intOpt(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`${name} ${JSON.stringify(v)}: want a whole number`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${name} ${v}: want a number >= ${min}`);
  return n;
}

/** GODEBUG's gctrace setting, as Go reads it: `gctrace=N` among comma-separated settings; N ≥ 1 turns it on. */
export function godebugGctrace(godebug: string | undefined): boolean {
  for (const kv of (godebug ?? '').split(',')) {
    const [k, v] = kv.split('=');
    if (k === 'gctrace' && v !== undefined && /^\d+$/.test(v)) return Number(v) >= 1;
  }
  return false;
}

/** The arena is handed out in pages: --max-memory is rounded up to a whole number of them. */
function arenaSize(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : Math.ceil(bytes / PAGE) * PAGE;
}

export function runOptions(o: RawRunOpts, godebug: string | undefined = process.env.GODEBUG): Omit<RunOptions, 'stderr'> {
  const stackMin = intOpt('--stack-min', o.stackMin, 1024);
  if (stackMin !== undefined && (stackMin & (stackMin - 1)) !== 0) throw new UsageError(`--stack-min ${stackMin}: want a power of two >= 1024`);
  const maxMemory = arenaSize(intOpt('--max-memory', o.maxMemory, 1 << 20));
  if (maxMemory !== undefined && maxMemory > 3 * 1024 ** 3) throw new UsageError(`--max-memory ${o.maxMemory}: at most ${3 * 1024 ** 3}`);
  return {
    stackMin, maxMemory,
    maxStack: intOpt('--max-stack', o.maxStack, 1),
    stackDebug: o.stackdebug === undefined ? 0 : Number(o.stackdebug),
    stackPoison: !!o.stackpoison, stackFaultOnFree: !!o.stackfaultonfree, stackForceMove: !!o.stackforcemove,
    maxSteps: intOpt('--max-steps', o.maxSteps, 1),
    timeoutMs: intOpt('--timeout', o.timeout, 1),
    gctrace: !!o.gctrace || godebugGctrace(godebug), checkptr: !!o.checkptr,
  };
}

/** The --trace FILE, checked: a path to write (an empty one is a usage error). */
export function traceOption(o: RawRunOpts): string | undefined {
  if (o.trace === undefined) return undefined;
  if (o.trace === '') throw new UsageError('--trace: want a file name');
  return o.trace;
}
