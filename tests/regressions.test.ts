// Bugs found by reading and running the code, each held here (the program
// form lives in tests/programs/ where the matrix can run it).
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { ARCHES } from '../isa/target.js';
import { runImage } from '../runtime/run.js';

function run(src: string, arch: (typeof ARCHES)[number]) {
  const r = compile(src, 'p.gasm', arch);
  expect(r.diagnostics).toEqual([]);
  let err = '';
  const res = runImage(r.image!, { stderr: (c) => { err += new TextDecoder().decode(c); } });
  return { err, exit: res.exitCode };
}

describe('regressions', () => {
  for (const arch of ARCHES) {
    it(`${arch}: runtime.Breakpoint's traceback names the line of the call, in its caller`, () => {
      const { err, exit } = run('TEXT main.f()\n    CALL runtime.Breakpoint()\n    PRINTLN $"after"\n    RET\n\nTEXT main.main()\n    CALL main.f()\n    RET\n', arch);
      expect(exit).toBe(2);
      expect(err).toMatch(/^SIGTRAP: trace\/breakpoint trap\nPC=0x[0-9a-f]+ m=0 sigcode=128\n\ngoroutine 1 \[running\]:\nmain\.f\(\)\n\tp\.gasm:2 \+0x[0-9a-f]+\nmain\.main\(\)\n\tp\.gasm:7 \+0x[0-9a-f]+\n$/);
    });

    it(`${arch}: a program that overwrites m and g and then faults ends with a Go fatal error`, () => {
      // Zero the first words of the arena (m0, then g0) and fault: the runtime's
      // own reads of g for the report must not become a JavaScript error.
      const W = arch === 'amd64' ? 8 : 4;
      const arena = arch === 'amd64' ? '0xc000000000' : '0x10000000';
      const src = `TEXT main.main()\n    MOV $${arena}, R1\n    MOV $0, R2\nloop:\n    MOV $-1, (R1)\n    ADD $${W}, R1\n    ADD $1, R2\n    CMP R2, $2048\n    JLT loop\n    MOV $8, R0\n    MOV (R0), R0\n    RET\n`;
      const { err, exit } = run(src, arch);
      expect(exit).toBe(2);
      expect(err).not.toMatch(/internal error|TypeError|RangeError/);
      expect(err).toMatch(/^(panic|fatal error|unexpected fault address)/);
    });
  }
});
