// Ports of Go's runtime/stack_test.go tests of defers and panics across
// stack copies, by their Go names (programs in tests/gostack/, and
// tests/testfuncs/ for the one that needs a test-only runtime function).
// Each runs on amd64, 386 and arm, normally, with every split check moving
// the stack (--stackforcemove), with copies poisoning the old and new
// stacks (--stackpoison) and with freed stacks unreadable
// (--stackfaultonfree), and must meet its // expect lines.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectations, observe, compare } from '../cli/expect.js';
import { compile } from '../compiler/compile.js';
import { ARCHES } from '../isa/target.js';
import { runImage, type RunOptions } from '../runtime/run.js';

const MODES: Record<string, Partial<RunOptions>> = {
  normal: {},
  stackforcemove: { stackForceMove: true },
  stackpoison: { stackPoison: true },
  // Freed stacks fault when touched: a pointer left pointing into an old stack
  // (which poisoning alone may not expose, when writer and reader share it) shows.
  stackfaultonfree: { stackFaultOnFree: true },
};

/** Every test in every mode, except TestStackMem under --stackfaultonfree, which never reuses a stack by design. */
const TESTS: [string, string, string[]][] = [
  ['TestDeferPtrs', 'gostack/TestDeferPtrs.gasm', Object.keys(MODES)],
  ['TestDeferPtrsPanic', 'gostack/TestDeferPtrsPanic.gasm', Object.keys(MODES)],
  ['TestDeferPtrsGoexit', 'gostack/TestDeferPtrsGoexit.gasm', Object.keys(MODES)],
  ['TestPanicUseStack', 'gostack/TestPanicUseStack.gasm', Object.keys(MODES)],
  ['TestStackMem', 'gostack/TestStackMem.gasm', ['normal', 'stackforcemove', 'stackpoison']],
  ['TestStackPanic', 'testfuncs/TestStackPanic.gasm', Object.keys(MODES)],
];

for (const [name, file, modes] of TESTS) {
  describe(name, () => {
    const src = readFileSync(new URL(file, import.meta.url), 'utf8');
    for (const arch of ARCHES) {
      for (const mode of modes) {
        const opts = MODES[mode]!;
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
