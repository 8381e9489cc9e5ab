// Fidelity against real Go: each tests/gasm/NAME/NAME.gasm runs on each
// target and is held against the standard error and exit status Go 1.19
// printed for NAME/main.go on that target (recorded with golang-go and
// qemu-user; see tests/gasm/README.md). Compared exactly: the program's own
// output, every report line before the first traceback (with hex values
// masked: addresses differ), the frames' function names in "runtime stack:"
// and in every goroutine printed, with its header and "created by" line (Go's main.go lines and gasm lines differ, as do
// argument values Go prints as stale with '?'), the elision line, the exit
// status. A goroutine's id is compared only for goroutine 1 (Go's runtime has
// goroutines of its own, so later ids differ), and Go's own goroutines (its
// GC workers) have no gasm counterpart.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { ARCHES } from '../isa/target.js';
import { runImage } from '../runtime/run.js';

const DIR = new URL('./gasm/', import.meta.url);

interface Shape {
  output: string[];
  report: string[];
  runtimeStack: string[];
  /** Each goroutine printed: its header (the id kept only for goroutine 1), its frames' functions, its "created by" line. */
  goroutines: string[][];
  elided: boolean;
}

const mask = (s: string) => s.replace(/0x[0-9a-f]+\??/g, '0x?');

/** The comparable shape of a run's standard error; `outputLines` lines are the program's own. */
function shape(stderr: string, outputLines: number): Shape {
  const lines = stderr.replace(/\n$/, '').split('\n');
  const output = lines.slice(0, outputLines);
  const rest = lines.slice(outputLines);
  const report: string[] = [], runtimeStack: string[] = [], goroutines: string[][] = [];
  let section: 'report' | 'runtime' | 'goroutine' = 'report';
  let elided = false;
  for (const line of rest) {
    if (line === 'runtime stack:') { section = 'runtime'; continue; }
    if (/^goroutine \d+ \[/.test(line)) {
      // Go's runtime has goroutines of its own, so a later goroutine's id differs from gorun's.
      section = 'goroutine';
      goroutines.push([line.replace(/^goroutine (\d+)/, (m, id: string) => (id === '1' ? m : 'goroutine N'))]);
      continue;
    }
    if (line === '') continue;
    if (section === 'report') report.push(mask(line));
    const fn = /^([\w.]+)\(/.exec(line);
    if (section === 'runtime' && fn) runtimeStack.push(fn[1]!);
    const g = goroutines[goroutines.length - 1];
    if (section === 'goroutine' && fn) g!.push(fn[1]!);
    if (section === 'goroutine' && line.startsWith('created by ')) g!.push(line);
    if (section === 'goroutine' && line === '...additional frames elided...') elided = true;
  }
  // Go's own goroutines (its GC workers, created by runtime functions) have no gasm counterpart.
  const user = goroutines.filter((g) => !g.some((l) => l.startsWith('created by runtime.')));
  return { output, report, runtimeStack, goroutines: user, elided };
}

const programs = existsSync(DIR)
  ? readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/${d.name}.gasm`, DIR))).map((d) => d.name)
  : [];

describe('gasm programs reproduce Go 1.19 (tests/gasm/*/*.stderr)', () => {
  it('finds the programs', () => {
    expect(programs.length).toBeGreaterThanOrEqual(7);
  });
  for (const name of programs) {
    for (const arch of ARCHES) {
      const goErr = new URL(`${name}/${arch}.stderr`, DIR);
      if (!existsSync(goErr)) continue;
      it(`${name} on ${arch}`, () => {
        const src = readFileSync(new URL(`${name}/${name}.gasm`, DIR), 'utf8');
        const r = compile(src, `${name}.gasm`, arch);
        expect(r.diagnostics).toEqual([]);
        const chunks: Buffer[] = [];
        const res = runImage(r.image!, { stderr: (c) => chunks.push(Buffer.from(c)) });
        const ours = Buffer.concat(chunks).toString();
        const theirs = readFileSync(goErr, 'utf8');
        const goExit = Number(readFileSync(new URL(`${name}/${arch}.exit`, DIR), 'utf8').trim());
        expect(res.exitCode).toBe(goExit);
        const outLines = (s: string, bytes: number) => (bytes === 0 ? 0 : s.slice(0, bytes).replace(/\n$/, '').split('\n').length);
        const mine = shape(ours, outLines(ours, res.outputBytes));
        // Go's own output ends where its first report line begins.
        const firstReport = theirs.split('\n').findIndex((l) => /^(panic: |fatal error: |runtime: |unexpected fault)/.test(l));
        const go = shape(theirs, firstReport < 0 ? theirs.replace(/\n$/, '').split('\n').length : firstReport);
        expect(mine).toEqual(go);
      });
    }
  }
});
