// Ports of Go's runtime/stack_test.go tests of defers and panics across
// stack copies, by their Go names (programs in tests/gostack/, and
// tests/testfuncs/ for the one that needs a test-only runtime function).
// Each runs on amd64, 386 and arm, normally, with every split check moving
// the stack (--stackforcemove) and with copies poisoning the old and new
// stacks (--stackpoison), and must meet its // expect lines.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectations, observe, compare } from '../cli/expect.js';
import { compile } from '../compiler/compile.js';
import { ARCHES } from '../isa/target.js';
import { runImage, type RunOptions } from '../runtime/run.js';

const TESTS: [string, string][] = [
  ['TestDeferPtrs', 'gostack/TestDeferPtrs.gasm'],
  ['TestDeferPtrsPanic', 'gostack/TestDeferPtrsPanic.gasm'],
  ['TestPanicUseStack', 'gostack/TestPanicUseStack.gasm'],
  ['TestStackPanic', 'testfuncs/TestStackPanic.gasm'],
];

const MODES: Record<string, Partial<RunOptions>> = {
  normal: {},
  stackforcemove: { stackForceMove: true },
  stackpoison: { stackPoison: true },
};

for (const [name, file] of TESTS) {
  describe(name, () => {
    const src = readFileSync(new URL(file, import.meta.url), 'utf8');
    for (const arch of ARCHES) {
      for (const [mode, opts] of Object.entries(MODES)) {
        it(`${arch}, ${mode}`, () => {
          const r = compile(src, file, arch, { testFuncs: true });
          expect(r.diagnostics).toEqual([]);
          const chunks: Uint8Array[] = [];
          const res = runImage(r.image!, { ...opts, stderr: (c) => chunks.push(c.slice()) });
          const err = Buffer.concat(chunks).toString();
          expect(compare(expectations(src, arch), observe(err, res.outputBytes, res.exitCode)), err).toEqual([]);
          expect(res.stats.stackGrowths).toBeGreaterThan(0);
        }, 120_000);
      }
    }
  });
}
