// The compiling engine (vm/jit.ts) against the reference interpreter
// (vm/machine.ts): every program, every target, byte-identical standard
// error (tracebacks and addresses included), the same exit status, the same
// stack growths and bytes copied. Also under --stackpoison and --stackforcemove,
// and with the compiling engine's stack guard driven down each of its paths.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { ARCHES } from '../isa/target.js';
import { runImage, type RunOptions } from '../runtime/run.js';
import { gasmFiles } from './helpers/gasmFiles.js';

const root = new URL('..', import.meta.url).pathname;
const files = [...gasmFiles(`${root}examples`), ...gasmFiles(`${root}tests/gasm`), ...gasmFiles(`${root}tests/programs`), ...gasmFiles(`${root}tests/gostack`), ...gasmFiles(`${root}tests/gc`), ...gasmFiles(`${root}tests/sched`), `${root}bench/fib.gasm`].sort();

function run(file: string, arch: (typeof ARCHES)[number], opts: Partial<RunOptions>) {
  const img = compile(readFileSync(file, 'utf8'), file.slice(root.length), arch).image!;
  let err = '';
  const r = runImage(img, { ...opts, stderr: (c) => { err += Buffer.from(c).toString('latin1'); } });
  return { err, exit: r.exitCode, growths: r.stats.stackGrowths, copied: r.stats.bytesCopied, bound: r.bound };
}

// The interpreter's result, once per program, target and mode.
const interp = new Map<string, ReturnType<typeof run>>();
function reference(file: string, arch: (typeof ARCHES)[number], mode: string, opts: Partial<RunOptions>) {
  const key = `${file} ${arch} ${mode}`;
  if (!interp.has(key)) interp.set(key, run(file, arch, { ...opts, engine: 'interp' }));
  return interp.get(key)!;
}

describe('jit and interpreter agree', () => {
  for (const file of files) {
    const name = file.slice(root.length);
    // Forcing a move at every call copies the whole stack each time: quadratic, so only small programs.
    const heavy = /infrec|overflow|fib/.test(name);
    const deep = heavy || /deeprec|growstack|TestDeferPtrs\.|TestPanicUseStack|TestStackMem|gckeep|garbage|goroutines1000|preempt/.test(name);
    const modes = heavy ? ['plain'] : deep ? ['plain', 'stackpoison'] : ['plain', 'stackpoison', 'stackforcemove'];
    for (const arch of ARCHES) {
      for (const mode of modes) {
        it(`${name} ${arch} ${mode}`, () => {
          const opts: Partial<RunOptions> = mode === 'stackpoison' ? { stackPoison: true } : mode === 'stackforcemove' ? { stackForceMove: true } : {};
          const a = run(file, arch, { ...opts, engine: 'jit' });
          const b = reference(file, arch, mode, opts);
          expect(a).toEqual(b);
        }, 120_000);
      }
    }
  }
});

// A block that touches the stack runs fast only while its guard holds (vm/jitgen.ts).
// Margin 0: every guard holds but no access is close enough to go direct, so every
// access is checked in place. Margin 8: some accesses go direct, the rest are
// checked, and any SP move ends the block's direct access. Margin 2^31: every guard
// fails and every block runs its careful copy.
describe('jit stack guard: every path agrees with the interpreter', () => {
  for (const file of files) {
    const name = file.slice(root.length);
    for (const arch of ARCHES) {
      for (const margin of [0, 8, 2 ** 31]) {
        it(`${name} ${arch} margin ${margin}`, () => {
          expect(run(file, arch, { engine: 'jit', jitMargin: margin })).toEqual(reference(file, arch, 'plain', {}));
        }, 120_000);
      }
    }
  }
});
