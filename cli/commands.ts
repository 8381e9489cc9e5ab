// The commands behind the CLI, written against Sinks (cli/streams.ts) so that
// tests and the fuzzer can run them in-process.
import { readFileSync } from 'node:fs';
import { compile } from '../compiler/compile.js';
import { formatDiagnostics, type Diagnostic } from '../compiler/diag.js';
import type { Image } from '../compiler/image.js';
import { listing } from '../compiler/listing.js';
import type { Arch } from '../isa/target.js';
import { RUNNING, start, type Run, type RunOptions, type RunResult } from '../runtime/run.js';
import { UsageError } from './errors.js';
import { expectations, formatBadExpectation } from './expect.js';
import { Narrator } from './explain.js';
import { formatMatrix, runMatrix } from './matrix.js';
import type { Sink } from './streams.js';
import { openTrace, TraceSession } from './tracefile.js';

export { UsageError };

/** The file name `-`: standard input. */
export const STDIN = '-';

/** How a file is named in messages: standard input is `<stdin>`. */
export function displayName(file: string): string {
  return file === STDIN ? '<stdin>' : file;
}

export function loadSource(file: string): string {
  try {
    return readFileSync(file === STDIN ? 0 : file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UsageError(`${file === STDIN ? 'read standard input' : `open ${file}`}: ${why}`);
  }
}

/** One line of gorun's own on err, on a line of its own even after output that did not end one. */
export function complain(err: Sink, message: string): void {
  if (!err.atLineStart) err.write('\n');
  err.write(`gorun: ${message}\n`);
}

/**
 * Compile for each arch; print each distinct diagnostic once, naming the
 * targets it applies to when it does not apply to all; then a warning for
 * each malformed `// expect` line. Returns the exit status (warnings do not
 * change it).
 */
export function checkCommand(file: string, src: string, arches: readonly Arch[], err: Sink): number {
  const name = displayName(file);
  const seen = new Map<string, { d: Diagnostic; arches: Arch[] }>();
  for (const arch of arches) {
    const r = compile(src, name, arch);
    for (const d of r.diagnostics) {
      const key = `${d.pos.line}:${d.pos.col}:${d.message}`;
      const e = seen.get(key);
      if (e) e.arches.push(arch); else seen.set(key, { d, arches: [arch] });
    }
  }
  const all = [...seen.values()].sort((a, b) => a.d.pos.line - b.d.pos.line || a.d.pos.col - b.d.pos.col);
  err.write(formatDiagnostics(name, src, all.map(({ d, arches: on }) => ({ pos: d.pos, message: d.message + (on.length < arches.length ? ` [${on.join(' ')}]` : '') }))));
  const lines = src.split('\n');
  err.write(formatDiagnostics(name, src, expectations(src, arches[0]!).bad.map((b) => ({
    pos: { line: b.line, col: lines[b.line - 1]!.indexOf('//') + 1 },
    message: `warning: ${formatBadExpectation(b).replace(/^line \d+: /, '')}`,
  }))));
  return all.length > 0 ? 1 : 0;
}

export function disasmCommand(file: string, src: string, arch: Arch, func: string | undefined, out: Sink, err: Sink): number {
  const name = displayName(file);
  const r = compile(src, name, arch);
  if (!r.image) {
    err.write(formatDiagnostics(name, src, r.diagnostics));
    return 1;
  }
  if (func && !r.image.funcs.some((f) => f.name === func)) {
    complain(err, `no function ${func} in ${name}`);
    return 1;
  }
  out.write(listing(r.image, func));
  return 0;
}

export type CliRunOptions = Omit<RunOptions, 'stderr' | 'observer'>;

const timeoutMessage = (ms: number, what: string) => `${what} more than ${ms} ms (--timeout)`;

/** A compiled program and the options to run it with: --timeout, which compiling used part of, has the rest. */
interface Prepared {
  /** The program's name in messages and in the --trace file. */
  readonly name: string;
  readonly img: Image;
  readonly opts: CliRunOptions;
  /** Date.now() at which --timeout ends the command (Infinity without one). */
  readonly deadline: number;
}

/** Compile for a run under its --timeout; on failure report it and return the exit status. */
function prepare(file: string, src: string, arch: Arch, opts: CliRunOptions, err: Sink): Prepared | number {
  const name = displayName(file);
  const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : Infinity;
  const r = compile(src, name, arch, { deadline });
  if (r.timedOut) {
    complain(err, timeoutMessage(opts.timeoutMs!, 'compiling the program took'));
    return 3;
  }
  if (!r.image) {
    err.write(formatDiagnostics(name, src, r.diagnostics));
    return 1;
  }
  const timeoutMs = opts.timeoutMs ? Math.max(1, deadline - Date.now()) : undefined;
  return { name, img: r.image, opts: { ...opts, timeoutMs }, deadline };
}

/** Milliseconds of one resume: between two, the loop waits for readers that are behind. */
const SLICE_MS = 50;

/**
 * Run to the end in slices. A write that fills a Sink pauses the run (the
 * callers' stderr and narration hooks call run.pause()), and the loop waits
 * for the reader before resuming, so output is never held in memory; the
 * wait ends at the deadline, where the next resume stops the run.
 */
async function drive(run: Run, sinks: readonly Sink[], deadline: number): Promise<RunResult> {
  for (;;) {
    const r = run.resume({ ms: SLICE_MS });
    if (r !== RUNNING) return r;
    for (const s of sinks) {
      while (s.full && Date.now() <= deadline) await s.drained(deadline - Date.now());
    }
  }
}

/**
 * Start the run and drive it; the program's output goes to err. With
 * `trace`, the --trace file is opened first (a bad path is a usage error
 * before anything runs) and written when the run ends, however it ends.
 */
async function execute(p: Prepared, err: Sink, extra: Partial<RunOptions>, sinks: readonly Sink[], trace: string | undefined, started: (run: Run) => void = () => {}): Promise<RunResult> {
  let run: Run | null = null;
  const stderr = (c: Uint8Array) => {
    err.write(c);
    if (err.full) run?.pause();
  };
  const ts = trace === undefined ? null : new TraceSession(openTrace(trace), p.img, p.name, { ...p.opts, ...extra });
  let result: RunResult | null = null;
  try {
    run = start(p.img, { ...p.opts, ...extra, observer: ts ? ts.observer(extra.observer) : extra.observer, stderr });
    ts?.attach(run);
    started(run);
    result = await drive(run, sinks, p.deadline);
    return result;
  } finally {
    ts?.finish(result);
  }
}

/** The line of a bound; a timeout names the user's --timeout, which compiling shared. */
function reportBound(res: RunResult, p: Prepared, userTimeout: number | undefined, err: Sink): void {
  if (!res.bound) return;
  const timedOut = p.opts.timeoutMs !== undefined && res.bound === timeoutMessage(p.opts.timeoutMs, 'the program ran for');
  complain(err, timedOut ? timeoutMessage(userTimeout!, 'the program ran for') : res.bound);
}

/** Compile and run; returns the exit status of docs/cli.md (3 when a bound stopped the run). */
export async function runCommand(file: string, src: string, arch: Arch, opts: CliRunOptions, err: Sink, trace?: string): Promise<number> {
  const p = prepare(file, src, arch, opts, err);
  if (typeof p === 'number') return p;
  const res = await execute(p, err, {}, [err], trace);
  reportBound(res, p, opts.timeoutMs, err);
  return res.exitCode;
}

/** Run with a narration of the stack machinery on out; the program's stderr on err. */
export async function explainCommand(file: string, src: string, arch: Arch, opts: CliRunOptions & { verbose?: boolean }, out: Sink, err: Sink, trace?: string): Promise<number> {
  const { verbose, ...runOpts } = opts;
  const p = prepare(file, src, arch, runOpts, err);
  if (typeof p === 'number') return p;
  let run: Run | null = null;
  const n = new Narrator(p.img, { verbose: verbose ?? false, maxStack: p.opts.maxStack, memory: () => run?.memory ?? null }, (s) => out.write(s));
  const observer: RunOptions['observer'] = (e) => {
    n.event(e);
    if (out.full) run?.pause();
  };
  const res = await execute(p, err, { engine: 'interp', observer }, [out, err], trace, (r) => { run = r; });
  n.finish(res);
  reportBound(res, p, opts.timeoutMs, err);
  return res.exitCode;
}

export function matrixCommand(files: readonly string[], arches: readonly Arch[], opts: CliRunOptions, out: Sink, trace?: string): number {
  const rows = runMatrix(files, arches, opts, trace);
  out.write(formatMatrix(rows, arches));
  return rows.every((r) => [...r.cells.values()].every((c) => c.ok)) ? 0 : 1;
}
