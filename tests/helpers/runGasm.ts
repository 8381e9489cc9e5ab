// Compile and run a gasm file for a test: its standard error, exit status,
// statistics, the observer's events, and whether it met its // expect lines.
import { readFileSync } from 'node:fs';
import { compare, expectations, observe } from '../../cli/expect.js';
import { compile } from '../../compiler/compile.js';
import type { Arch } from '../../isa/target.js';
import type { RuntimeEvent } from '../../runtime/events.js';
import { runImage, type RunOptions, type RunResult } from '../../runtime/run.js';

export interface GasmRun {
  readonly err: string;
  readonly exit: number;
  readonly res: RunResult;
  readonly events: RuntimeEvent[];
  /** What differs from the program's // expect lines (none: it met them). */
  readonly problems: string[];
}

export function runGasm(file: string, arch: Arch, opts: Partial<RunOptions> = {}, observe_ = false): GasmRun {
  const src = readFileSync(file, 'utf8');
  const r = compile(src, file, arch, { testFuncs: true });
  if (!r.image) throw new Error(`${file}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  const chunks: Uint8Array[] = [];
  const events: RuntimeEvent[] = [];
  const res = runImage(r.image, { ...opts, stderr: (c) => chunks.push(c.slice()), ...(observe_ ? { observer: (e: RuntimeEvent) => events.push(e) } : {}) });
  const err = Buffer.concat(chunks).toString();
  return { err, exit: res.exitCode, res, events, problems: compare(expectations(src, arch), observe(err, res.outputBytes, res.exitCode)) };
}
