// Calls from the runtime back into gasm (runtime/asm.ts reflectcall): a
// runtime function with a frame calls a gasm callback several times, each
// call growing the stack under the runtime function's frame, and goes on
// when the call returns — on every target and both engines, also when every
// split check moves the stack (--stackforcemove) and when copies poison the
// old and new stacks (--stackpoison). The callback is reached without
// recursion in JavaScript: the engines see a HOSTCALL, then a CALL, then a
// return to the same HOSTCALL.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { ARCHES } from '../isa/target.js';
import { runImage, type RunOptions } from '../runtime/run.js';

const SRC = readFileSync(new URL('./testfuncs/callback.gasm', import.meta.url), 'utf8');

const MODES: Record<string, Partial<RunOptions>> = {
  plain: {},
  stackforcemove: { stackForceMove: true },
  stackpoison: { stackPoison: true },
};

describe('a runtime function calls back into gasm, which grows the stack each time', () => {
  for (const arch of ARCHES) {
    for (const engine of ['interp', 'jit'] as const) {
      for (const [mode, opts] of Object.entries(MODES)) {
        it(`${arch}, ${engine}, ${mode}`, () => {
          const r = compile(SRC, 'callback.gasm', arch, { testFuncs: true });
          expect(r.diagnostics).toEqual([]);
          let err = '';
          const calls: number[] = [];
          const res = runImage(r.image!, {
            ...opts, engine, stderr: (c) => { err += new TextDecoder().decode(c); },
            observer: (e) => { if (e.k === 'copy') calls.push(e.newHi - e.newLo); },
          });
          expect([res.exitCode, err]).toEqual([0, 'sum 850\n']);
          // The stack grew during the callbacks: from 2 KB to at least 64 KB (the deepest call is 130 frames of 512+ bytes).
          expect(Math.max(...calls)).toBeGreaterThanOrEqual(64 * 1024);
          // Under --stackforcemove every one of the 850 calls of main.deep moved the stack.
          if (mode === 'stackforcemove') expect(calls.length).toBeGreaterThanOrEqual(850);
        });
      }
    }
  }

  it('is not there for ordinary programs', () => {
    const r = compile(SRC, 'callback.gasm', 'amd64');
    expect(r.diagnostics.map((d) => d.message)).toEqual(['undefined function runtime.callbackTest']);
  });
});
