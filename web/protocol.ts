// The messages between the playground page (web/main.ts) and its Web Worker
// (web/worker.ts), which compiles and runs the program so that a runaway
// program can never freeze the page.
import type { Arch } from '../isa/target.js';
import type { RuntimeEvent } from '../runtime/events.js';

/** The run flags the page offers, as the CLI spells them (docs/cli.md). */
export interface PageOptions {
  stackMin?: number;
  stackPoison: boolean;
  stackForceMove: boolean;
  maxSteps?: number;
  maxMemory?: number;
}

/** Where a stepping run pauses: the next event of this kind. */
export type StopAt = 'morestack' | 'copy' | null;

export type ToWorker =
  | { t: 'run'; source: string; file: string; arch: Arch; opts: PageOptions; stopAt: StopAt }
  | { t: 'continue'; stopAt: StopAt }
  | { t: 'stop' };

/** A line of the disassembly (compiler/listing.ts), split into its columns. */
export interface AsmLine { pc: number; bytes: string; text: string; line: number }

/** What the page shows of a function: its listing header and lines, frame and arguments. */
export interface FuncView {
  name: string; entry: number; end: number; line: number; header: string[];
  frame: number; argsSize: number; params: string[]; lines: AsmLine[];
}

/** The events of one stack growth, from morestack to resume (adjusts capped, with their count). */
export interface Growth {
  n: number;
  steps: number;
  events: RuntimeEvent[];
  adjusted: number;
  /** gorun explain's narration of this growth (cli/explain.ts), capped. */
  narration: string;
}

export interface Diag { line: number; col: number; message: string; text: string }

export interface Outcome { exitCode: number; bound: string | null; steps: number; growths: number; bytesCopied: number; maxStackSize: number; stopped: boolean }

export type FromWorker =
  | { t: 'compiled'; diagnostics: Diag[]; funcs: FuncView[] }
  | { t: 'output'; text: string }
  | { t: 'progress'; steps: number; growths: number }
  | { t: 'paused'; at: 'morestack' | 'copy'; steps: number; growth: Growth }
  | { t: 'done'; outcome: Outcome; last: Growth | null; trace: string }
  | { t: 'error'; message: string };
