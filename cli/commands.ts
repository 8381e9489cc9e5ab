// The commands behind the CLI, written against streams so tests can run them.
import { readFileSync } from 'node:fs';
import { compile } from '../compiler/compile.js';
import { formatDiagnostic, type Diagnostic } from '../compiler/diag.js';
import { listing } from '../compiler/listing.js';
import type { Arch } from '../isa/target.js';
import type { Image } from '../compiler/image.js';
import type { RunOptions, RunResult } from '../runtime/run.js';
import { UsageError } from './errors.js';
import { Narrator } from './explain.js';
import { formatMatrix, runMatrix } from './matrix.js';
import { openTrace, runTraced } from './tracefile.js';

export { UsageError };

interface Out { write(s: string | Uint8Array): unknown }

export function loadSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UsageError(`open ${file}: ${why}`);
  }
}

/**
 * Compile for each arch; print each distinct diagnostic once, naming the
 * targets it applies to when it does not apply to all. Returns the exit status.
 */
export function checkCommand(file: string, src: string, arches: readonly Arch[], err: Out): number {
  const seen = new Map<string, { d: Diagnostic; arches: Arch[] }>();
  for (const arch of arches) {
    for (const d of compile(src, file, arch).diagnostics) {
      const key = `${d.pos.line}:${d.pos.col}:${d.message}`;
      const e = seen.get(key);
      if (e) e.arches.push(arch); else seen.set(key, { d, arches: [arch] });
    }
  }
  const all = [...seen.values()].sort((a, b) => a.d.pos.line - b.d.pos.line || a.d.pos.col - b.d.pos.col);
  for (const { d, arches: on } of all) {
    const suffix = on.length < arches.length ? ` [${on.join(' ')}]` : '';
    err.write(formatDiagnostic(file, src, { pos: d.pos, message: d.message + suffix }));
  }
  return all.length > 0 ? 1 : 0;
}

/** Compile for arch, or print the diagnostics on err and return null. */
function compileOrReport(file: string, src: string, arch: Arch, err: Out): Image | null {
  const r = compile(src, file, arch);
  if (!r.image) for (const d of r.diagnostics) err.write(formatDiagnostic(file, src, d));
  return r.image;
}

/** Run, writing the --trace file when asked. */
function runWithTrace(file: string, img: Image, opts: RunOptions, trace: string | undefined): RunResult {
  return runTraced(img, file, opts, trace === undefined ? null : openTrace(trace));
}

export function disasmCommand(file: string, src: string, arch: Arch, func: string | undefined, out: Out, err: Out): number {
  const img = compileOrReport(file, src, arch, err);
  if (!img) return 1;
  if (func && !img.funcs.some((f) => f.name === func)) {
    err.write(`gorun: no function ${func} in ${file}\n`);
    return 1;
  }
  out.write(listing(img, func));
  return 0;
}

/** Compile and run; returns the exit status of docs/cli.md (3 when a bound stopped the run). */
export function runCommand(file: string, src: string, arch: Arch, opts: Omit<RunOptions, 'stderr'>, err: Out, trace?: string): number {
  const img = compileOrReport(file, src, arch, err);
  if (!img) return 1;
  const res = runWithTrace(file, img, { ...opts, stderr: (c) => err.write(c) }, trace);
  if (res.bound) err.write(`gorun: ${res.bound}\n`);
  return res.exitCode;
}

/** Run with a narration of the stack machinery on out; the program's stderr on err. */
export function explainCommand(file: string, src: string, arch: Arch, opts: Omit<RunOptions, 'stderr'>, out: Out, err: Out, trace?: string): number {
  const img = compileOrReport(file, src, arch, err);
  if (!img) return 1;
  const n = new Narrator(img, (s) => out.write(s));
  const res = runWithTrace(file, img, { ...opts, engine: 'interp', observer: (e) => n.event(e), stderr: (c) => err.write(c) }, trace);
  n.summary(res.stats.steps);
  if (res.bound) err.write(`gorun: ${res.bound}\n`);
  return res.exitCode;
}

export function matrixCommand(files: readonly string[], arches: readonly Arch[], opts: Omit<RunOptions, 'stderr'>, out: Out, trace?: string): number {
  const rows = runMatrix(files, arches, opts, trace);
  out.write(formatMatrix(rows, arches));
  return rows.every((r) => [...r.cells.values()].every((c) => c.ok)) ? 0 : 1;
}
