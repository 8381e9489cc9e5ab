// Programs that reach runtime states only the runtime's test-only functions
// can set up (tests/testfuncs/: panicstring's refusals in malloc, in the GC
// and holding a lock), held against their // expect lines on every target
// and both engines. (callback.gasm and TestStackPanic.gasm have tests of
// their own: tests/callback.test.ts, tests/stack_test.test.ts.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compare, expectations, observe } from '../cli/expect.js';
import { compile } from '../compiler/compile.js';
import { ARCHES } from '../isa/target.js';
import { runImage } from '../runtime/run.js';
import { gasmFiles } from './helpers/gasmFiles.js';

const dir = new URL('./testfuncs', import.meta.url).pathname;
const files = gasmFiles(dir).filter((f) => !/callback|TestStackPanic/.test(f));

describe('programs of the runtime test functions meet their expectations', () => {
  it('finds them', () => expect(files.length).toBeGreaterThanOrEqual(3));
  for (const file of files) {
    const src = readFileSync(file, 'utf8');
    for (const arch of ARCHES) {
      for (const engine of ['interp', 'jit'] as const) {
        it(`${file.slice(dir.length + 1)} ${arch} ${engine}`, () => {
          const r = compile(src, file, arch, { testFuncs: true });
          expect(r.diagnostics).toEqual([]);
          const chunks: Uint8Array[] = [];
          const res = runImage(r.image!, { engine, stderr: (c) => chunks.push(c.slice()) });
          const err = Buffer.concat(chunks).toString();
          expect(compare(expectations(src, arch), observe(err, res.outputBytes, res.exitCode)), err).toEqual([]);
        });
      }
    }
  }
});
