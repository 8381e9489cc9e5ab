// `gorun matrix examples/*.gasm tests/gasm/**/*.gasm` must pass (and so must
// tests/programs/, programs without a Go counterpart): every program on every
// target meets its // expect lines. Then the same under the runtime's stress
// switches, as Lua's HARDSTACKTESTS does: --stackforcemove (every split check
// moves the stack) and --stackpoison (new and old stacks filled with garbage
// while copying) must not change any program's output.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatMatrix, runMatrix } from '../cli/matrix.js';
import { compile } from '../compiler/compile.js';
import { ARCHES } from '../isa/target.js';
import { runImage, type RunOptions } from '../runtime/run.js';
import { gasmFiles } from './helpers/gasmFiles.js';

const root = new URL('..', import.meta.url).pathname;
const files = [...gasmFiles(`${root}examples`), ...gasmFiles(`${root}tests/gasm`), ...gasmFiles(`${root}tests/programs`), ...gasmFiles(`${root}tests/gostack`)];

function passes(list: string[], opts: Omit<RunOptions, 'stderr'> = {}) {
  const rows = runMatrix(list, ARCHES, opts);
  const failed = rows.flatMap((r) => [...r.cells.entries()].filter(([, c]) => !c.ok).map(([a]) => `${r.file} [${a}]`));
  expect(failed, formatMatrix(rows, ARCHES)).toEqual([]);
}

it('gorun matrix passes on examples/ and tests/gasm/', () => {
  expect(files.length).toBeGreaterThanOrEqual(8);
  passes(files);
}, 300_000);

describe('and under the stress switches', () => {
  // Every call of a function with a prologue moves the whole stack, so deep
  // recursions copy quadratically: growstack's 10000 levels copy 26 GB, and
  // infrec, overflow and deeprec grow to the maximum stack.
  const QUADRATIC = /\/(growstack|infrec|overflow|deeprec)(\/|\.gasm$)/;
  it('--stackforcemove: the same output, the deep recursions aside', () => {
    const list = files.filter((f) => !QUADRATIC.test(f));
    expect(list.length).toBeGreaterThan(30);
    passes(list, { stackForceMove: true });
  }, 300_000);

  // stale.gasm is invalid on purpose: poisoning the freed stack is how its
  // stale pointer shows (its header describes that output).
  it('--stackpoison: the same output, stale.gasm aside', () => {
    const list = files.filter((f) => !f.endsWith('/stale.gasm'));
    expect(list.length).toBe(files.length - 1);
    passes(list, { stackPoison: true });
  }, 300_000);
});

describe('100 runs of each example give byte-identical output on each target', () => {
  for (const file of gasmFiles(`${root}examples`)) {
    const name = file.slice(root.length);
    // overflow.gasm grows to the 1 GB maximum stack; 4 MiB reaches the same overflow quickly. A
    // small arena is quicker to set up: deeprec's and growstack's stacks grow to 32 and 8 MB, the
    // others' stay small.
    const overflow = name.endsWith('/overflow.gasm');
    const opts = { maxMemory: /\/(deeprec|growstack)\.gasm$/.test(name) ? 64 << 20 : 16 << 20, ...(overflow ? { maxStack: 4 << 20 } : {}) };
    for (const arch of ARCHES) {
      it(`${name} [${arch}]`, () => {
        const img = compile(readFileSync(file, 'utf8'), name, arch).image!;
        const outputs = new Set<string>();
        for (let i = 0; i < 100; i++) {
          const chunks: Buffer[] = [];
          const r = runImage(img, { ...opts, stderr: (c) => chunks.push(Buffer.from(c)) });
          outputs.add(`${r.exitCode} ${r.bound} ${r.stats.steps} ${r.stats.stackGrowths}\n${Buffer.concat(chunks).toString('latin1')}`);
        }
        expect(outputs.size).toBe(1);
        expect([...outputs][0]).toMatch(/^[02] null /); // the program's own end, no bound
      }, 120_000);
    }
  }
});
