// The run flags the page offers, checked as the CLI checks them
// (cli/options.ts, docs/cli.md) and with its messages; the page cannot use
// that file, which brings the command-line parser along.
import type { PageOptions } from './protocol.js';

/** The fields of the settings form, as typed. */
export interface RawPageOptions {
  stackMin: string;
  stackPoison: boolean;
  stackForceMove: boolean;
  maxSteps: string;
  maxMemory: string;
}

/** A page without a bound could run forever: the page's default --max-steps (docs/decisions.md). */
export const PAGE_MAX_STEPS = '1000000000';

function whole(name: string, v: string, min: number): number | undefined {
  const s = v.trim();
  if (s === '') return undefined;
  if (!/^\d+$/.test(s)) throw new Error(`${name} ${JSON.stringify(s)}: want a whole number`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} ${s}: want a number >= ${min}`);
  return n;
}

/** The options, or an Error whose message is the CLI's (without `gorun: `). */
export function pageOptions(o: RawPageOptions): PageOptions {
  const stackMin = whole('--stack-min', o.stackMin, 1024);
  if (stackMin !== undefined && (stackMin & (stackMin - 1)) !== 0) throw new Error(`--stack-min ${stackMin}: want a power of two >= 1024`);
  const maxMemory = whole('--max-memory', o.maxMemory, 1 << 20);
  if (maxMemory !== undefined && maxMemory > 3 * 1024 ** 3) throw new Error(`--max-memory ${maxMemory}: at most ${3 * 1024 ** 3}`);
  return { stackMin, stackPoison: o.stackPoison, stackForceMove: o.stackForceMove, maxSteps: whole('--max-steps', o.maxSteps, 1), maxMemory };
}
