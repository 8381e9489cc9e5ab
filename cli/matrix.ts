// `gorun matrix`: every program on every target, held against its
// `// expect…` lines, printed as a table with the stack growths and the
// bytes copied per target.
import { readFileSync } from 'node:fs';
import { compile } from '../compiler/compile.js';
import { formatDiagnostics } from '../compiler/diag.js';
import type { Arch } from '../isa/target.js';
import type { RunOptions } from '../runtime/run.js';
import { compare, expectations, formatBadExpectation, observe } from './expect.js';
import { matrixTracePath, openTrace, runTraced } from './tracefile.js';

export interface Cell {
  readonly ok: boolean;
  readonly growths: number;
  readonly copied: number;
  readonly problems: string[];
}

export interface Row {
  readonly file: string;
  readonly cells: Map<Arch, Cell>;
}

/** Run one program on one target and judge it; with `trace`, write that cell's trace file there. */
export function runCell(file: string, source: string, arch: Arch, opts: Omit<RunOptions, 'stderr'> = {}, trace?: string): Cell {
  const e = expectations(source, arch);
  const problems = e.bad.map(formatBadExpectation);
  if (!e.any) problems.push('no // expect lines for this target');
  const r = compile(source, file, arch);
  if (!r.image) return { ok: false, growths: 0, copied: 0, problems: [...problems, formatDiagnostics(file, source, r.diagnostics).trimEnd()] };
  const chunks: Buffer[] = [];
  const res = runTraced(r.image, file, { ...opts, stderr: (c) => chunks.push(Buffer.from(c)) }, trace === undefined ? null : openTrace(trace));
  const stderr = Buffer.concat(chunks).toString();
  if (res.bound) problems.push(res.bound);
  problems.push(...compare(e, observe(stderr, res.outputBytes, res.exitCode)));
  return { ok: problems.length === 0, growths: res.stats.stackGrowths, copied: res.stats.bytesCopied, problems };
}

/** With `trace` (FILE.json), each cell's trace goes to FILE.PROG.ARCH.json (cli/tracefile.ts). */
export function runMatrix(files: readonly string[], arches: readonly Arch[], opts: Omit<RunOptions, 'stderr'> = {}, trace?: string): Row[] {
  return files.map((file) => {
    const source = readFileSync(file, 'utf8');
    const cells = new Map<Arch, Cell>();
    for (const arch of arches) cells.set(arch, runCell(file, source, arch, opts, trace === undefined ? undefined : matrixTracePath(trace, file, arch)));
    return { file, cells };
  });
}

function size(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)}MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)}KB`;
  return `${n}B`;
}

/** The table, then the problems of each failing cell. */
export function formatMatrix(rows: readonly Row[], arches: readonly Arch[]): string {
  const head = ['program', ...arches.map((a) => `${a} (growths/copied)`)];
  const body = rows.map((r) => [r.file, ...arches.map((a) => {
    const c = r.cells.get(a)!;
    return `${c.ok ? 'ok' : 'FAIL'} ${c.growths}/${size(c.copied)}`;
  })]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(head), ...body.map(line)];
  for (const r of rows) {
    for (const a of arches) {
      const c = r.cells.get(a)!;
      if (!c.ok) out.push('', `${r.file} [${a}]:`, ...c.problems.map((p) => '  ' + p));
    }
  }
  const failed = rows.reduce((n, r) => n + [...r.cells.values()].filter((c) => !c.ok).length, 0);
  const total = rows.length * arches.length;
  out.push('', `${total - failed} passed, ${failed} failed`);
  return out.join('\n') + '\n';
}
