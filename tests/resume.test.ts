// A run is resumable (runtime/run.ts): resume(budget) runs it on for a number
// of instructions (or milliseconds) and reports RUNNING or the final status.
// Run in slices of 1000 instructions, every program gives the same output,
// exit status, bound and instruction count as one run() — on every target,
// in both engines — and each slice stops at exactly its budget, also in the
// compiling engine (which finishes a budget in the interpreter).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import type { Image } from '../compiler/image.js';
import { ARCHES } from '../isa/target.js';
import { RUNNING, runImage, start, type Budget, type RunOptions } from '../runtime/run.js';
import { gasmFiles } from './helpers/gasmFiles.js';

const root = new URL('..', import.meta.url).pathname;
// Programs that finish in a few million instructions (infrec and overflow grow to the maximum stack).
const files = [...gasmFiles(`${root}examples`), ...gasmFiles(`${root}tests/gasm`), ...gasmFiles(`${root}tests/programs`)]
  .filter((f) => !/infrec|overflow|deeprec/.test(f)).sort();

function collect(opts: Partial<RunOptions>) {
  let err = '';
  return { opts: { ...opts, stderr: (c: Uint8Array) => { err += new TextDecoder('latin1').decode(c); } }, err: () => err };
}

function whole(img: Image, opts: Partial<RunOptions>) {
  const c = collect(opts);
  const r = runImage(img, c.opts);
  return { err: c.err(), exit: r.exitCode, bound: r.bound, steps: r.stats.steps };
}

function sliced(img: Image, opts: Partial<RunOptions>, budget: Budget) {
  const c = collect(opts);
  const run = start(img, c.opts);
  let slices = 0;
  for (;;) {
    const before = run.steps;
    const r = run.resume(budget);
    if (r !== RUNNING) return { err: c.err(), exit: r.exitCode, bound: r.bound, steps: r.stats.steps, slices };
    slices++;
    if (budget.steps !== undefined) expect(run.steps - before).toBe(budget.steps);
  }
}

describe('resume(budget) in slices gives the same run as run()', () => {
  for (const file of files) {
    const name = file.slice(root.length);
    for (const arch of ARCHES) {
      const img = compile(readFileSync(file, 'utf8'), name, arch).image!;
      for (const engine of ['interp', 'jit'] as const) {
        it(`${name} ${arch} ${engine}, slices of 1000 instructions`, () => {
          const a = whole(img, { engine });
          const { slices, ...b } = sliced(img, { engine }, { steps: 1000 });
          expect(b).toEqual(a);
          expect(slices).toBe(Math.floor((a.steps - 1) / 1000));
        });
      }
    }
  }

  // Budgets smaller than a block: the compiling engine hands over to the
  // interpreter mid-block and takes over again at the next entry, with the
  // interpreter's flags (a stale CMP result once sent a branch the wrong way).
  for (const arch of ARCHES) {
    for (const [prog, steps] of [['examples/frames.gasm', 1], ['tests/gasm/recovernil/recovernil.gasm', 7], ['tests/programs/armscratch.gasm', 3]] as const) {
      it(`${arch} jit: ${prog} in slices of ${steps}`, () => {
        const img = compile(readFileSync(root + prog, 'utf8'), prog, arch).image!;
        const { slices, ...b } = sliced(img, { engine: 'jit' }, { steps });
        expect(b).toEqual(whole(img, { engine: 'interp' }));
        expect(slices).toBeGreaterThan(10);
      });
    }
  }

  for (const arch of ARCHES) {
    for (const engine of ['interp', 'jit'] as const) {
      it(`${arch} ${engine}: pause() from an observer stops after each copystack, and the run goes on the same`, () => {
        const img = compile(readFileSync(`${root}examples/growstack.gasm`, 'utf8'), 'growstack.gasm', arch).image!;
        const a = whole(img, { engine });
        let copies = 0, pauses = 0, err = '';
        const run = start(img, {
          engine, stderr: (c) => { err += new TextDecoder('latin1').decode(c); },
          observer: (e) => { if (e.k === 'copy') { copies++; run.pause(); } },
        });
        let r;
        while ((r = run.resume()) === RUNNING) pauses++;
        expect([err, r.exitCode, r.stats.steps]).toEqual([a.err, a.exit, a.steps]);
        expect(copies).toBeGreaterThan(5);
        expect(pauses).toBe(copies);
      });
    }
  }

  it('a millisecond budget, and a bound met inside a slice', () => {
    const img = compile(readFileSync(`${root}examples/growstack.gasm`, 'utf8'), 'growstack.gasm', 'arm').image!;
    const a = whole(img, {});
    const { slices, ...b } = sliced(img, {}, { ms: 1 });
    expect(b).toEqual(a);
    expect(slices).toBeGreaterThanOrEqual(0);
    const bounded = sliced(img, { maxSteps: 12345 }, { steps: 1000 });
    expect([bounded.exit, bounded.steps, bounded.bound]).toEqual([3, 12345, 'the program ran for more than 12345 instructions (--max-steps)']);
  });
});
