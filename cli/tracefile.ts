// `--trace FILE`: where the trace-event file of a run goes (cli/trace.ts
// builds it). The file is opened before the run, so a bad path is reported
// at once, and written when the run ends, however it ends.
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import type { Image } from '../compiler/image.js';
import { targetOf } from '../isa/target.js';
import type { Observer } from '../runtime/events.js';
import { RUNNING, start, type Run, type RunOptions, type RunResult } from '../runtime/run.js';
import { UsageError } from './errors.js';
import { TraceRecorder, type TraceMeta } from './trace.js';

export interface TraceTarget {
  readonly path: string;
  readonly fd: number;
}

/** Open (create or truncate) a trace file, or a one-line UsageError. */
export function openTrace(path: string): TraceTarget {
  try {
    return { path, fd: openSync(path, 'w') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such directory' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError(`--trace ${path}: cannot write the file: ${why}`);
  }
}

/** matrix: FILE.json becomes FILE.PROG.ARCH.json for each program and target. */
export function matrixTracePath(trace: string, program: string, arch: string): string {
  const stem = trace.endsWith('.json') ? trace.slice(0, -5) : trace;
  return `${stem}.${basename(program).replace(/\.gasm$/, '')}.${arch}.json`;
}

/** The options worth recording in the file (numbers and flags; not the engine, which changes nothing in a run). */
function recordedOptions(opts: Omit<RunOptions, 'stderr'>): TraceMeta['options'] {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(opts)) {
    if (k === 'engine') continue;
    if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || typeof v === 'string') out[k] = v;
  }
  return out;
}

/**
 * One run's trace file: the recorder fed by the run's observer (and the
 * caller's own observer after it), written and closed by finish(), however
 * the run ended. A run that never started leaves no file behind.
 */
export class TraceSession {
  private run: Run | null = null;
  private readonly rec: TraceRecorder;

  constructor(private readonly target: TraceTarget, img: Image, program: string, opts: Omit<RunOptions, 'stderr'>) {
    this.rec = new TraceRecorder({ program, arch: img.arch, options: recordedOptions({ ...opts, observer: undefined }) }, () => this.run?.steps ?? 0, targetOf(img.arch).ptrSize);
  }

  /** The observer to give the run: the recorder first, then `user`. */
  observer(user?: Observer): Observer {
    return user ? (e) => { this.rec.event(e); user(e); } : (e) => this.rec.event(e);
  }

  /** The run that started (its step clock times the events). */
  attach(run: Run): void {
    this.run = run;
  }

  /** Write the file (the run's end, or null: gorun itself stopped it) and close it. */
  finish(result: RunResult | null): void {
    if (this.run) {
      this.rec.end(result, result ? undefined : 'gorun stopped with an internal error');
      writeSync(this.target.fd, this.rec.json());
    }
    closeSync(this.target.fd);
    // Failed before it ran (the VM's memory could not be had): no trace, and no empty file left behind.
    if (!this.run) unlinkSync(this.target.path);
  }
}

/** Run to the end in one go (matrix), recording a trace into `trace` when given. */
export function runTraced(img: Image, program: string, opts: RunOptions, trace: TraceTarget | null): RunResult {
  const ts = trace ? new TraceSession(trace, img, program, opts) : null;
  let result: RunResult | null = null;
  try {
    const run = start(img, { ...opts, observer: ts ? ts.observer(opts.observer) : opts.observer });
    ts?.attach(run);
    for (;;) {
      const r = run.resume();
      if (r !== RUNNING) { result = r; return r; }
    }
  } finally {
    ts?.finish(result);
  }
}

/** matrix --trace: two programs with the same base name would write the same files. */
export function checkTraceNames(files: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const f of files) {
    const name = basename(f).replace(/\.gasm$/, '');
    const other = seen.get(name);
    if (other !== undefined && other !== f) throw new UsageError(`--trace: ${other} and ${f} would write the same trace files (FILE.${name}.ARCH.json); run them separately`);
    seen.set(name, f);
  }
}
