// Limits that no learner's program comes near (docs/decisions.md "Limits").
// They keep the compiler's recursion far from the end of the JavaScript
// stack and keep compiling fast and small; crossing one is a diagnostic.

/**
 * Levels of nesting in one expression or type: parentheses, unary
 * operators, `*`, `[n]` and `chan`; for a type, also each named type or
 * closure it refers to. The parser, the constant evaluator and the type
 * resolver recurse once per level, so this bounds their depth.
 */
export const MAX_NESTING = 100;

/**
 * Bytes of one type (array, named type, closure), of one function's
 * arguments and results, of its captures, of its frame (locals and outgoing
 * arguments, or `$FRAME`), and of all globals together. Pointer maps hold an
 * entry per word, so this bounds each of them too.
 */
export const MAX_SIZE = 16 << 20;

/** The end of every message about MAX_SIZE. */
export const SIZE_LIMIT_NOTE = "(gorun's limit is 16 MiB)";

/**
 * Bytes of everything the compiler keeps a per-word pointer map of, in all:
 * each distinct array or closure type once, and every function's frame and
 * arguments. MAX_SIZE bounds one of them; this bounds how many there are.
 */
export const MAX_TOTAL_SIZE = 64 << 20;
export const TOTAL_LIMIT_NOTE = "(gorun's limit is 64 MiB in all)";

/**
 * Bits of an untyped integer constant, every step of an evaluation included,
 * as in Go's compiler (go/types: `constant shift overflow` past 512 bits).
 */
export const MAX_CONST_BITS = 512;

export function nestingMessage(what: 'expression' | 'type'): string {
  return `${what} nested too deeply (more than ${MAX_NESTING} levels)`;
}

/**
 * compile()'s time bound (the command line's --timeout). Compiling is
 * synchronous, so each phase looks at the clock as it goes: the lexer and
 * the parser every 1024 lines, the lowering every 1024 instructions and
 * between functions, and compile() between phases. Past the deadline,
 * check() throws CompileTimedOut, which compile() turns into its result.
 */
export class Deadline {
  private n = 0;
  constructor(private readonly at: number) {}
  /** Look at the clock on every 1024th call. */
  tick(): void {
    if ((++this.n & 1023) === 0) this.check();
  }
  check(): void {
    if (Date.now() > this.at) throw new CompileTimedOut();
  }
}

export const NO_DEADLINE = new Deadline(Infinity);

export class CompileTimedOut extends Error {
  constructor() { super('compiling took longer than the deadline'); }
}
