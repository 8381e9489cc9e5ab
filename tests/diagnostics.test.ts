// Compile-time diagnostics: every class of error is reported once, at the
// offending token (1-based line and column), with a recognisable message;
// and the corrected program compiles cleanly, so each check is tested in
// both directions.
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { formatDiagnostic, type Diagnostic } from '../compiler/diag.js';

type Arch = 'amd64' | '386' | 'arm';
const ARCHES: Arch[] = ['amd64', '386', 'arm'];

/** Source from lines (line 1 is lines[0]). */
const src = (...lines: string[]) => lines.join('\n') + '\n';

/**
 * Position of the nth occurrence of `token` on 1-based line `line` of `source`;
 * a token that starts like an identifier or number must stand as a whole word.
 */
function at(source: string, line: number, token: string, nth = 0): { line: number; col: number } {
  const text = source.split('\n')[line - 1];
  if (text === undefined) throw new Error(`test bug: no line ${line}`);
  const word = /^[A-Za-z0-9_]/.test(token);
  const isPart = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_.]/.test(c);
  let found = 0;
  for (let idx = text.indexOf(token); idx >= 0; idx = text.indexOf(token, idx + 1)) {
    if (word && (isPart(text[idx - 1]) || isPart(text[idx + token.length]))) continue;
    if (found++ === nth) return { line, col: idx + 1 };
  }
  throw new Error(`test bug: ${JSON.stringify(token)} #${nth} not on line ${line}: ${JSON.stringify(text)}`);
}

function show(ds: readonly Diagnostic[]): string {
  return ds.map((d) => `${d.pos.line}:${d.pos.col}: ${d.message}`).join('\n') || '(no diagnostics)';
}

/** Exactly one diagnostic, at `pos`, whose message matches `msg`; no image. */
function expectOne(source: string, pos: { line: number; col: number }, msg: RegExp | string, arch: Arch = 'amd64') {
  let r: ReturnType<typeof compile>;
  try {
    r = compile(source, 'prog.gasm', arch);
  } catch (e) {
    throw new Error(`compile threw instead of reporting a diagnostic: ${(e as Error).stack}`);
  }
  const got = show(r.diagnostics);
  expect(r.diagnostics.length, `[${arch}] diagnostics:\n${got}`).toBe(1);
  const d = r.diagnostics[0]!;
  expect({ line: d.pos.line, col: d.pos.col }, `[${arch}] diagnostics:\n${got}`).toEqual(pos);
  if (typeof msg === 'string') expect(d.message).toBe(msg);
  else expect(d.message).toMatch(msg);
  expect(r.image).toBeNull();
}

/** The program compiles with no diagnostics. */
function expectClean(source: string, arch: Arch = 'amd64') {
  let r: ReturnType<typeof compile>;
  try {
    r = compile(source, 'prog.gasm', arch);
  } catch (e) {
    throw new Error(`compile threw: ${(e as Error).stack}`);
  }
  expect(show(r.diagnostics), `[${arch}]`).toBe('(no diagnostics)');
  expect(r.image).not.toBeNull();
}

// ---------------------------------------------------------------------------

describe('1. unknown instructions and registers', () => {
  it('unknown instruction, at the mnemonic', () => {
    const s = src('TEXT main.main()', '    FOO R0', '    RET');
    expectOne(s, at(s, 2, 'FOO'), /unknown instruction FOO/);
  });
  it('control: known instructions, any case', () => {
    expectClean(src('TEXT main.main()', '    nop', '    mov $1, r0', '    Ret'));
  });

  it('unknown register R9 as a source (MOV R9, R0)', () => {
    const s = src('TEXT main.main()', '    MOV R9, R0', '    RET');
    expectOne(s, at(s, 2, 'R9'), /unknown register R9/);
  });
  it('unknown register AX as a destination (MOV R0, AX)', () => {
    const s = src('TEXT main.main()', '    MOV $1, R0', '    MOV R0, AX', '    RET');
    expectOne(s, at(s, 3, 'AX'), /unknown register AX/);
  });
  it('unknown base register in a memory operand (MOV 8(R7), R0)', () => {
    const s = src('TEXT main.main()', '    MOV 8(R7), R0', '    RET');
    expectOne(s, at(s, 2, 'R7'), /unknown register R7/);
  });
  it('unknown base register without offset (MOV (R6), R0)', () => {
    const s = src('TEXT main.main()', '    MOV (R6), R0', '    RET');
    expectOne(s, at(s, 2, 'R6'), /unknown register R6/);
  });
  it('control: R0..R5 in every operand form', () => {
    expectClean(src('TEXT main.main()', '    LOCAL x int', '    LEA x, R5', '    MOV 0(R5), R0', '    MOV (R5), R1', '    MOV R1, 0(R5)', '    RET'));
  });
});

describe('2. wrong operand kinds', () => {
  it('MOV $1, $2: immediate destination', () => {
    const s = src('TEXT main.main()', '    MOV $1, $2', '    RET');
    expectOne(s, at(s, 2, '$2'), /MOV destination must be a register, slot or memory operand/);
  });
  it('control: MOV $1, R0', () => {
    expectClean(src('TEXT main.main()', '    MOV $1, R0', '    RET'));
  });

  it('LEA $1, R0: LEA of an immediate', () => {
    const s = src('TEXT main.main()', '    LEA $1, R0', '    RET');
    expectOne(s, at(s, 2, '$1'), /LEA needs a slot, global or memory operand/);
  });
  it('control: LEA x, R0', () => {
    expectClean(src('TEXT main.main()', '    LOCAL x int', '    LEA x, R0', '    RET'));
  });

  it('JEQ R0: a register where a label is expected', () => {
    const s = src('TEXT main.main()', '    CMP R0, $0', '    JEQ R0', '    RET');
    expectOne(s, at(s, 3, 'R0'), /expected a label/);
  });
  it('control: JEQ done', () => {
    expectClean(src('TEXT main.main()', '    MOV $1, R0', '    CMP R0, $0', '    JEQ done', 'done:', '    RET'));
  });

  it('string constant into an int slot', () => {
    const s = src('TEXT main.main()', '    LOCAL x int', '    MOV $"hi", x', '    RET');
    expectOne(s, at(s, 3, '$"hi"'), /string constant can only be moved into a string slot/);
  });
  it('string constant into a register', () => {
    const s = src('TEXT main.main()', '    MOV $"hi", R0', '    RET');
    expectOne(s, at(s, 2, '$"hi"'), /string constant/);
  });
  it('control: string constant into a string slot', () => {
    expectClean(src('TEXT main.main()', '    LOCAL x string', '    MOV $"hi", x', '    RET'));
  });

  it('word MOV into a byte slot', () => {
    const s = src('TEXT main.main()', '    LOCAL b byte', '    MOV $1, b', '    RET');
    expectOne(s, at(s, 3, 'b'), /word access to byte slot b \(use MOVB\)/);
  });
  it('word MOV out of a bool slot', () => {
    const s = src('TEXT main.main()', '    LOCAL b bool', '    MOV b, R0', '    RET');
    expectOne(s, at(s, 3, 'b'), /word access to bool slot b \(use MOVB\)/);
  });
  it('control: MOVB into and out of a byte slot', () => {
    expectClean(src('TEXT main.main()', '    LOCAL b byte', '    MOVB $1, b', '    MOVB b, R0', '    RET'));
  });

  it('two memory operands in ADD', () => {
    const s = src('TEXT main.main()', '    LOCAL x int', '    LOCAL y int', '    ADD x, y', '    RET');
    expectOne(s, at(s, 4, 'y'), /ADD takes at most one memory operand/);
  });
  it('two memory operands in CMP', () => {
    const s = src('TEXT main.main()', '    LOCAL x int', '    LOCAL y int', '    CMP x, y', '    JEQ done', 'done:', '    RET');
    expectOne(s, at(s, 4, 'y'), /CMP takes at most one memory operand/);
  });
  it('two memory operands in MOV (off(Rn) to off(Rn))', () => {
    const s = src('TEXT main.main()', '    LOCAL x [2]int', '    LEA x, R1', '    MOV 0(R1), 8(R1)', '    RET');
    expectOne(s, at(s, 4, '8(R1)'), /MOV takes at most one memory operand/);
  });
  it('control: one memory operand in ADD, CMP and MOV', () => {
    expectClean(src('TEXT main.main()', '    LOCAL x int', '    LOCAL y int',
      '    MOV x, R0', '    ADD R0, y', '    CMP x, R0', '    JEQ done', '    MOV y, x', 'done:', '    RET'));
  });

  it('MOV between slots of different types', () => {
    const s = src('TEXT main.main()', '    LOCAL x int', '    LOCAL s string', '    MOV x, s', '    RET');
    expectOne(s, at(s, 4, 'x'), /MOV between slots of different types int and string/);
  });
  it('control: MOV between two string slots copies the whole value', () => {
    expectClean(src('TEXT main.main()', '    LOCAL t string', '    LOCAL s string', '    MOV $"a", t', '    MOV t, s', '    RET'));
  });
});

describe('3. undefined names', () => {
  it('undefined label', () => {
    const s = src('TEXT main.main()', '    JMP nowhere', '    RET');
    expectOne(s, at(s, 2, 'nowhere'), /undefined label nowhere/);
  });
  it('labels are local to their function', () => {
    const s = src('TEXT main.f()', 'there:', '    RET', 'TEXT main.main()', '    JMP there');
    expectOne(s, at(s, 5, 'there'), /undefined label there/);
  });
  it('control: label defined', () => {
    expectClean(src('TEXT main.main()', '    JMP there', 'there:', '    RET'));
  });

  it('undefined function in CALL, at the function name', () => {
    const s = src('TEXT main.main()', '    CALL main.nosuch()', '    RET');
    expectOne(s, at(s, 2, 'main.nosuch'), /undefined function main.nosuch/);
  });
  it('undefined function as a funcval ($main.nosuch)', () => {
    const s = src('TEXT main.main()', '    MOV $main.nosuch, R0', '    RET');
    expectOne(s, at(s, 2, '$main.nosuch'), /undefined function main.nosuch/);
  });
  it('control: defined function', () => {
    expectClean(src('TEXT main.f()', '    RET', 'TEXT main.main()', '    CALL main.f()', '    MOV $main.f, R0', '    RET'));
  });

  it('undefined slot', () => {
    const s = src('TEXT main.main()', '    MOV nosuch, R0', '    RET');
    expectOne(s, at(s, 2, 'nosuch'), /undefined: nosuch/);
  });
  it('undefined global', () => {
    const s = src('TEXT main.main()', '    MOV main.g, R0', '    RET');
    expectOne(s, at(s, 2, 'main.g'), /undefined: main.g/);
  });
  it('a slot of another function is undefined here', () => {
    const s = src('TEXT main.f()', '    LOCAL x int', '    RET', 'TEXT main.main()', '    MOV x, R0', '    RET');
    expectOne(s, at(s, 5, 'x'), /undefined: x/);
  });
  it('undefined type', () => {
    const s = src('TEXT main.main()', '    LOCAL x main.T', '    RET');
    expectOne(s, at(s, 2, 'main.T'), /undefined type main.T/);
  });
  it('control: slot, global and type defined', () => {
    expectClean(src('TYPE main.T [2]int', 'GLOBL main.g int', 'TEXT main.main()', '    LOCAL x main.T', '    LOCAL y int',
      '    MOV y, R0', '    MOV main.g, R1', '    LEA x, R2', '    RET'));
  });
});

describe('4. duplicate definitions', () => {
  it('duplicate function', () => {
    const s = src('TEXT main.f()', '    RET', 'TEXT main.f()', '    RET', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 3, 'main.f'), /main\.f redeclared.*line 1/);
  });
  it('control: distinct functions', () => {
    expectClean(src('TEXT main.f()', '    RET', 'TEXT main.g()', '    RET', 'TEXT main.main()', '    RET'));
  });

  it('duplicate label', () => {
    const s = src('TEXT main.main()', 'a:', '    NOP', 'a:', '    RET');
    expectOne(s, at(s, 4, 'a'), /label a already defined at line 2/);
  });
  it('control: the same label name in two functions', () => {
    expectClean(src('TEXT main.f()', 'a:', '    RET', 'TEXT main.main()', 'a:', '    RET'));
  });

  it('duplicate local', () => {
    const s = src('TEXT main.main()', '    LOCAL x int', '    LOCAL x string', '    RET');
    expectOne(s, at(s, 3, 'x'), /duplicate slot x.*line 2/);
  });
  it('duplicate parameter', () => {
    const s = src('TEXT main.f(a int, a int)', '    RET', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 1, 'a', 1), /duplicate slot a/);
  });
  it('parameter and result with the same name', () => {
    const s = src('TEXT main.f(a int) (a int)', '    RET', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 1, 'a', 1), /duplicate slot a/);
  });
  it('local named like a parameter', () => {
    const s = src('TEXT main.f(a int)', '    LOCAL a int', '    RET', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 2, 'a'), /duplicate slot a.*line 1/);
  });
  it('control: distinct slots', () => {
    expectClean(src('TEXT main.f(a, b int) (r int)', '    LOCAL x int', '    RET', 'TEXT main.main()', '    RET'));
  });

  it('duplicate global', () => {
    const s = src('GLOBL main.g int', 'GLOBL main.g int', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 2, 'main.g'), /main\.g redeclared.*line 1/);
  });
  it('global named like a function', () => {
    const s = src('TEXT main.g()', '    RET', 'GLOBL main.g int', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 3, 'main.g'), /main\.g redeclared.*line 1/);
  });
  it('control: distinct globals', () => {
    expectClean(src('GLOBL main.g int', 'GLOBL main.h int = 3', 'TEXT main.main()', '    RET'));
  });
});

describe('5. call signatures', () => {
  const f2 = ['TEXT main.f(a, b int)', '    RET'];
  it('not enough arguments (at the argument list)', () => {
    const s = src(...f2, 'TEXT main.main()', '    CALL main.f($1)', '    RET');
    expectOne(s, at(s, 4, '('), /not enough arguments in call to main\.f \(have 1, want 2\)/);
  });
  it('too many arguments (at the first surplus argument)', () => {
    const s = src(...f2, 'TEXT main.main()', '    CALL main.f($1, $2, $3)', '    RET');
    expectOne(s, at(s, 4, '$3'), /too many arguments in call to main\.f \(have 3, want 2\)/);
  });
  it('control: two arguments', () => {
    expectClean(src(...f2, 'TEXT main.main()', '    CALL main.f($1, R0)', '    RET'));
  });

  const fs = ['TEXT main.f(s string)', '    RET'];
  it('register passed where a string is expected', () => {
    const s = src(...fs, 'TEXT main.main()', '    CALL main.f(R0)', '    RET');
    expectOne(s, at(s, 4, 'R0'), /argument 1 \(s\) of main\.f has size 8, want 16 \(string\)/);
  });
  it('register passed where a string is expected (386: word 4)', () => {
    const s = src(...fs, 'TEXT main.main()', '    CALL main.f(R0)', '    RET');
    expectOne(s, at(s, 4, 'R0'), /argument 1 \(s\) of main\.f has size 4, want 8 \(string\)/, '386');
  });
  it('string constant passed where an int is expected', () => {
    const s = src('TEXT main.f(n int)', '    RET', 'TEXT main.main()', '    CALL main.f($"x")', '    RET');
    expectOne(s, at(s, 4, '$"x"'), /argument 1 \(n\) of main\.f/);
  });
  it('control: string constant, string slot and $0 for a string parameter', () => {
    expectClean(src(...fs, 'TEXT main.main()', '    LOCAL t string', '    CALL main.f($"x")', '    CALL main.f(t)', '    CALL main.f($0)', '    RET'));
  });

  const fr = ['TEXT main.f() (r int)', '    RET'];
  it('more results named after -> than the callee returns', () => {
    const s = src(...fr, 'TEXT main.main()', '    CALL main.f() -> R0, R1', '    RET');
    expectOne(s, at(s, 4, 'R0'), /main\.f returns 1 value, 2 named after ->/);
  });
  it('fewer results named after -> than the callee returns', () => {
    const s = src('TEXT main.f() (a, b int)', '    RET', 'TEXT main.main()', '    CALL main.f() -> R0', '    RET');
    expectOne(s, at(s, 4, 'R0'), /main\.f returns 2 values, 1 named after ->/);
  });
  it('control: results match (or are ignored)', () => {
    expectClean(src(...fr, 'TEXT main.main()', '    LOCAL x int', '    CALL main.f() -> R0', '    CALL main.f() -> x', '    CALL main.f()', '    RET'));
  });
});

describe('6. locals that exceed an explicit $FRAME', () => {
  it('LOCAL buf [64]byte in $8', () => {
    const s = src('TEXT main.f(), $8', '    LOCAL buf [64]byte', '    RET', 'TEXT main.main()', '    RET');
    for (const arch of ARCHES) expectOne(s, at(s, 1, '8'), /do not fit in frame \$8 of main\.f/, arch);
  });
  it('outgoing arguments count too', () => {
    const s = src('TEXT main.g(a int)', '    RET', 'TEXT main.f(), $0', '    CALL main.g($1)', '    RET', 'TEXT main.main()', '    RET');
    for (const arch of ARCHES) expectOne(s, at(s, 3, '0'), /do not fit in frame \$0 of main\.f/, arch);
  });
  it('control: the locals fit', () => {
    const s = src('TEXT main.f(), $64', '    LOCAL buf [64]byte', '    RET', 'TEXT main.main()', '    CALL main.f()', '    RET');
    for (const arch of ARCHES) expectClean(s, arch);
  });
});

describe('7. falling off the end of a function', () => {
  it('no RET at the end', () => {
    const s = src('TEXT main.main()', '    MOV $1, R0', '    NOP');
    expectOne(s, at(s, 3, 'NOP'), /missing return at end of function main\.main/);
  });
  it('a conditional jump at the end can fall through', () => {
    const s = src('TEXT main.main()', 'top:', '    CMP R0, $0', '    JEQ top', 'TEXT main.f()', '    RET');
    expectOne(s, at(s, 4, 'JEQ'), /missing return at end of function main\.main/);
  });
  it('a label at the very end', () => {
    const s = src('TEXT main.main()', '    JMP done', '    RET', 'done:');
    expectOne(s, at(s, 4, 'done'), /missing return at end of function main\.main/);
  });
  it('an empty body', () => {
    const s = src('TEXT main.f()', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 1, 'main.f'), /missing return at end of function main\.f/);
  });
  it('control: RET, JMP, PANIC and runtime.Goexit end a function', () => {
    expectClean(src(
      'TEXT main.a()', '    RET',
      'TEXT main.b()', 'loop:', '    JMP loop',
      'TEXT main.c()', '    PANIC $"x"',
      'TEXT main.d()', '    CALL runtime.Goexit()',
      'TEXT main.main()', '    JMP done', 'done:', '    RET',
    ));
  });
});

describe('8. bad literals', () => {
  // Each bad literal is on a line of its own, before the RET, so it is the only error.
  it('unterminated string', () => {
    const s = src('TEXT main.main()', '    PRINTLN $"abc', '    RET');
    expectOne(s, at(s, 2, '"'), /string literal not terminated/);
  });
  it('bad escape in a string (\\q), at the backslash', () => {
    const s = src('TEXT main.main()', '    PRINTLN $"a\\qb"', '    RET');
    expectOne(s, at(s, 2, '\\'), /unknown escape sequence/);
  });
  it('control: Go escapes in a string', () => {
    expectClean(src('TEXT main.main()', '    PRINTLN $"a\\tb\\n\\x41\\u00e9\\101\\"\\\\"', '    RET'));
  });

  for (const lit of ['0x', '12abc', '0b102', '09', '1__0']) {
    it(`bad number literal ${lit}`, () => {
      const s = src('TEXT main.main()', `    MOV $${lit}, R0`, '    RET');
      expectOne(s, at(s, 2, lit), `bad number literal ${lit}`);
    });
  }
  it('control: decimal, hex, binary, octal, char and negative numbers', () => {
    expectClean(src('TEXT main.main()', '    MOV $0x1F, R0', '    MOV $0b101, R1', '    MOV $017, R2', '    MOV $1_000, R3',
      "    MOV $'a', R4", '    MOV $-5, R5', "    MOV $'\\n', R0", '    RET'));
  });

  it('character literal with two characters', () => {
    const s = src('TEXT main.main()', "    MOV $'ab', R0", '    RET');
    expectOne(s, at(s, 2, "'"), /character literal/);
  });
  it('empty character literal', () => {
    const s = src('TEXT main.main()', "    MOV $'', R0", '    RET');
    expectOne(s, at(s, 2, "'"), /empty character literal/);
  });
  it('bad escape in a character literal', () => {
    const s = src('TEXT main.main()', "    MOV $'\\q', R0", '    RET');
    expectOne(s, at(s, 2, "'"), /unknown escape sequence/);
  });
  it('unterminated character literal', () => {
    const s = src('TEXT main.main()', "    MOV $'a, R0", '    RET');
    expectOne(s, at(s, 2, "'"), /character literal not terminated/);
  });
  it('a syntax error on the last line does not also report a missing return', () => {
    const s = src('TEXT main.main()', '    NOP', '    RET )');
    expectOne(s, at(s, 3, ')'), /expected constant expression, found '\)'|unexpected/);
  });
  it('a bad literal on the last line does not also report a missing return', () => {
    const s = src('TEXT main.main()', '    PANIC $"a\\qb"');
    expectOne(s, at(s, 2, '\\'), /unknown escape sequence/);
  });
});

describe('9. NOSPLIT frames that are too large', () => {
  for (const arch of ARCHES) {
    it(`TEXT main.main(), NOSPLIT, $10000 is rejected on ${arch}`, () => {
      const s = src('TEXT main.main(), NOSPLIT, $10000', '    RET');
      const r = compile(s, 'prog.gasm', arch);
      expect(r.image).toBeNull();
      expect(r.diagnostics.length, show(r.diagnostics)).toBe(1);
      const d = r.diagnostics[0]!;
      expect(d.pos).toEqual(at(s, 1, 'main.main'));
      expect(d.message).toMatch(/nosplit stack overflow/);
      expect(r.linkReport).toMatch(/^main\.main: nosplit stack overflow\n/);
    });
    it(`control: a small NOSPLIT frame and a big splitting frame are fine on ${arch}`, () => {
      expectClean(src('TEXT main.f(), NOSPLIT, $32', '    RET', 'TEXT main.main(), $10000', '    CALL main.f()', '    RET'), arch);
    });
  }
  it('a chain of NOSPLIT calls that together overflow (amd64)', () => {
    const s = src('TEXT main.f(), NOSPLIT, $96', '    CALL main.g()', '    RET', 'TEXT main.g(), NOSPLIT, $96', '    RET', 'TEXT main.main()', '    CALL main.f()', '    RET');
    const r = compile(s, 'prog.gasm', 'amd64');
    expect(r.image).toBeNull();
    // main.f's own chain overflows. (Whether splitting callers such as main.main are
    // reported too is the linker's business, pinned by tests/nosplit.test.ts.)
    expect(r.diagnostics[0]?.pos, show(r.diagnostics)).toEqual(at(s, 1, 'main.f'));
    for (const d of r.diagnostics) expect(d.message).toMatch(/nosplit stack overflow[\s\S]*main\.g/);
    expect(r.linkReport).toMatch(/^main\.f: nosplit stack overflow\n[\s\S]*on entry to main\.g\n/);
  });
});

describe('10. every error is reported in one run', () => {
  it('three independent errors in one function, sorted by line', () => {
    const s = src('TEXT main.main()', '    FOO R0', '    MOV nosuch, R0', '    JMP nowhere', '    RET');
    const r = compile(s, 'prog.gasm', 'amd64');
    expect(r.image).toBeNull();
    expect(r.diagnostics.map((d) => d.pos), show(r.diagnostics)).toEqual([at(s, 2, 'FOO'), at(s, 3, 'nosuch'), at(s, 4, 'nowhere')]);
    expect(r.diagnostics[0]!.message).toMatch(/unknown instruction FOO/);
    expect(r.diagnostics[1]!.message).toMatch(/undefined: nosuch/);
    expect(r.diagnostics[2]!.message).toMatch(/undefined label nowhere/);
  });
  it('errors from the checker, the lexer and the parser, in three functions, sorted by line', () => {
    const s = src(
      'TEXT main.a()', '    MOV $1, $2', '    RET', // line 2: checker
      'TEXT main.b()', '    MOV $0x, R0', '    RET', // line 5: lexer
      'TEXT main.c()', '    MOV R0,', '    RET', // line 8: parser
      'GLOBL main.g int', 'GLOBL main.g int', // line 11: duplicate
      'TEXT main.main()', '    RET',
    );
    const r = compile(s, 'prog.gasm', 'amd64');
    expect(r.image).toBeNull();
    expect(r.diagnostics.map((d) => d.pos.line), show(r.diagnostics)).toEqual([2, 5, 8, 11]);
    expect(r.diagnostics[0]!.pos).toEqual(at(s, 2, '$2'));
    expect(r.diagnostics[1]!.pos).toEqual(at(s, 5, '0x'));
    expect(r.diagnostics[1]!.message).toBe('bad number literal 0x');
    expect(r.diagnostics[2]!.pos.line).toBe(8);
    expect(r.diagnostics[2]!.message).toMatch(/expected operand|end of line/);
    expect(r.diagnostics[3]!.pos).toEqual(at(s, 11, 'main.g'));
  });
  it('control: the corrected program', () => {
    expectClean(src('TEXT main.main()', '    NOP', '    MOV R1, R0', '    JMP there', 'there:', '    RET'));
  });
});

describe('11. formatDiagnostic', () => {
  it('tab-indented line: caret under the offending token', () => {
    const s = 'TEXT main.main()\n\tMOV nosuch, R0\n\tRET\n';
    const r = compile(s, 'prog.gasm', 'amd64');
    expect(r.diagnostics).toEqual([{ pos: { line: 2, col: 6 }, message: 'undefined: nosuch' }]);
    expect(formatDiagnostic('prog.gasm', s, r.diagnostics[0]!)).toBe(
      'prog.gasm:2:6: undefined: nosuch\n\t\tMOV nosuch, R0\n\t\t    ^\n',
    );
  });
  it('space-indented line', () => {
    const s = src('TEXT main.main()', '    FOO R0', '    RET');
    const r = compile(s, 'prog.gasm', 'amd64');
    expect(r.diagnostics.length).toBe(1);
    expect(formatDiagnostic('prog.gasm', s, r.diagnostics[0]!)).toBe(
      'prog.gasm:2:5: unknown instruction FOO\n\t    FOO R0\n\t    ^\n',
    );
  });
  it('CRLF source: the carriage return is not printed', () => {
    const s = 'TEXT main.main()\r\n    JMP nowhere\r\n    RET\r\n';
    const r = compile(s, 'prog.gasm', 'amd64');
    expect(r.diagnostics).toEqual([{ pos: { line: 2, col: 9 }, message: 'undefined label nowhere' }]);
    expect(formatDiagnostic('x.gasm', s, r.diagnostics[0]!)).toBe('x.gasm:2:9: undefined label nowhere\n\t    JMP nowhere\n\t        ^\n');
  });
});

describe('12. constants that do not fit the word', () => {
  const s = src('TEXT main.main()', '    MOV $0x100000000, R0', '    RET');
  it('$0x100000000 is fine on amd64', () => expectClean(s, 'amd64'));
  for (const arch of ['386', 'arm'] as const) {
    it(`$0x100000000 overflows on ${arch}`, () => {
      expectOne(s, at(s, 2, '$'), /constant 4294967296 overflows the 32-bit word/, arch);
    });
  }
  it('control: $0xFFFFFFFF and $-0x80000000 fit a 32-bit word', () => {
    for (const arch of ARCHES) expectClean(src('TEXT main.main()', '    MOV $0xFFFFFFFF, R0', '    MOV $-0x80000000, R1', '    RET'), arch);
  });
  it('$-0x80000001 overflows on 386', () => {
    const t = src('TEXT main.main()', '    MOV $-0x80000001, R0', '    RET');
    expectOne(t, at(t, 2, '$'), /overflows/, '386');
  });
  it('a constant expression that overflows the word: $1<<64 on amd64', () => {
    const t = src('TEXT main.main()', '    ADD $1<<64, R0', '    RET');
    expectOne(t, at(t, 2, '$'), /constant 18446744073709551616 overflows the 64-bit word/);
  });
  it('W in constant expressions: $(1<<(8*W))-1 fits on every target', () => {
    for (const arch of ARCHES) expectClean(src('TEXT main.main()', '    MOV $(1<<(8*W))-1, R0', '    RET'), arch);
  });
});

describe('13. division by a constant zero', () => {
  it('DIV $0, R0', () => {
    const s = src('TEXT main.main()', '    MOV $1, R0', '    DIV $0, R0', '    RET');
    expectOne(s, at(s, 3, '$0'), /division by zero/);
  });
  it('MOD $(2-2), x', () => {
    const s = src('TEXT main.main()', '    LOCAL x int', '    MOD $(2-2), x', '    RET');
    expectOne(s, at(s, 3, '$'), /division by zero/);
  });
  it('division by zero inside a constant expression', () => {
    const s = src('TEXT main.main()', '    MOV $1/0, R0', '    RET');
    expectOne(s, at(s, 2, '/'), /division by zero/);
  });
  it('control: DIV $2, R0 and DIV R1, R0', () => {
    for (const arch of ARCHES) expectClean(src('TEXT main.main()', '    MOV $7, R0', '    MOV $1, R1', '    DIV $2, R0', '    DIV R1, R0', '    MOD R1, R0', '    RET'), arch);
  });
});

describe('14. slots named like registers', () => {
  for (const name of ['AX', 'R0', 'r1', 'SP', 'W']) {
    it(`LOCAL ${name} int`, () => {
      const s = src('TEXT main.main()', `    LOCAL ${name} int`, '    RET');
      expectOne(s, at(s, 2, name), new RegExp(`slot name ${name} looks like a register`));
    });
  }
  it('parameter named like a register', () => {
    const s = src('TEXT main.f(BX int)', '    RET', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 1, 'BX'), /slot name BX looks like a register/);
  });
  it('capture named like a register', () => {
    const s = src('TEXT main.f()', '    CAPTURES (CX int)', '    RET', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 2, 'CX'), /slot name CX looks like a register/);
  });
  it('control: ordinary slot names (ax2, reg, x)', () => {
    expectClean(src('TEXT main.f(reg int)', '    LOCAL ax2 int', '    LOCAL x int', '    RET', 'TEXT main.main()', '    RET'));
  });
});

describe('15. captures are read-only', () => {
  const clo = (...body: string[]) => src('TEXT main.main.func1()', '    CAPTURES (y int, b byte, p *int)', ...body, '    RET', 'TEXT main.main()', '    RET');
  it('MOV $1, y', () => {
    const s = clo('    MOV $1, y');
    expectOne(s, at(s, 3, 'y'), /cannot assign to capture y/);
  });
  it('ADD R0, y', () => {
    const s = clo('    MOV $1, R0', '    ADD R0, y');
    expectOne(s, at(s, 4, 'y'), /cannot assign to capture y/);
  });
  it('NEG y', () => {
    const s = clo('    NEG y');
    expectOne(s, at(s, 3, 'y'), /cannot assign to capture y/);
  });
  it('MOVB $1, b', () => {
    const s = clo('    MOVB $1, b');
    expectOne(s, at(s, 3, 'b'), /cannot assign to capture b/);
  });
  it('CALL … -> y', () => {
    const s = src('TEXT main.g() (r int)', '    RET', 'TEXT main.main.func1()', '    CAPTURES (y int)', '    CALL main.g() -> y', '    RET', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 5, 'y'), /cannot assign to capture y/);
  });
  it('&y', () => {
    const s = clo('    MOV &y, R0');
    expectOne(s, at(s, 3, '&y'), /cannot take the address of capture y/);
  });
  it('RECV c -> y', () => {
    const s = src('TEXT main.main.func1()', '    CAPTURES (y int, c chan int)', '    RECV c -> y', '    RET', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 3, 'y'), /capture y/);
  });
  it('RECOVER -> e', () => {
    const s = src('TEXT main.main.func1()', '    CAPTURES (e any)', '    RECOVER -> e', '    RET', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 3, 'e'), /cannot assign to capture e/);
  });
  it('LEA y, R0 takes the address of a capture too', () => {
    const s = clo('    LEA y, R0');
    expectOne(s, at(s, 3, 'y'), /address of capture y/);
  });
  it('control: reading captures, and writing through a captured pointer', () => {
    expectClean(clo('    MOV y, R0', '    MOVB b, R1', '    ADD y, R0', '    MOV p, R2', '    MOV R0, (R2)', '    CMP y, $0', '    JEQ out', 'out:', '    NOP'));
  });
});

describe('16. further checks (found while probing the checker)', () => {
  /** Compile on every target; never a JS exception; the same verdict everywhere (one file runs unchanged on every target). */
  function portable(source: string): { arch: Arch; diags: string; image: boolean }[] {
    return ARCHES.map((arch) => {
      let r: ReturnType<typeof compile>;
      try {
        r = compile(source, 'prog.gasm', arch);
      } catch (e) {
        throw new Error(`[${arch}] compile threw instead of reporting a diagnostic: ${(e as Error).stack}`);
      }
      return { arch, diags: show(r.diagnostics), image: r.image !== null };
    });
  }
  function expectPortable(source: string) {
    const res = portable(source);
    expect(res.map((x) => ({ arch: x.arch, ok: x.image })), res.map((x) => `[${x.arch}] ${x.diags}`).join('\n'))
      .toEqual(ARCHES.map((arch) => ({ arch, ok: res[0]!.image })));
  }

  it('DIV by a funcval address does not crash the compiler', () => {
    expectPortable(src('TEXT main.main()', '    MOV $1, R0', '    DIV $main.main, R0', '    RET'));
    expectPortable(src('TEXT main.main()', '    LOCAL x int', '    DIV $main.main, x', '    RET'));
  });
  it('ADD of an address into a slot: the same verdict on every target', () => {
    expectPortable(src('TEXT main.main()', '    LOCAL y int', '    ADD &y, y', '    RET'));
    expectPortable(src('TEXT main.main()', '    LOCAL y int', '    ADD $main.main, y', '    RET'));
  });

  it('control: initialised globals (int, bool, string) compile, and the int value is in the data', () => {
    const s = src('GLOBL main.n int = 3', 'GLOBL main.b bool = true', 'GLOBL main.s string = "hi"', 'TEXT main.main()', '    PRINTLN main.n, main.b, main.s', '    RET');
    for (const arch of ARCHES) {
      let r: ReturnType<typeof compile>;
      expect(() => { r = compile(s, 'prog.gasm', arch); }, arch).not.toThrow();
      expect(show(r!.diagnostics)).toBe('(no diagnostics)');
      expect(r!.image).not.toBeNull();
      const img = r!.image!;
      const n = img.symbols.get('main.n')!;
      expect(n.kind).toBe('data');
      expect(img.data[n.addr - img.dataBase], `[${arch}] main.n's first data byte`).toBe(3);
      const b = img.symbols.get('main.b')!;
      expect(img.data[b.addr - img.dataBase], `[${arch}] main.b`).toBe(1);
    }
  });
  it('a string initialiser for an int global', () => {
    const s = src('GLOBL main.g int = $"x"', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 1, '"x"'), /main\.g|initiali[sz]|cannot use|type/);
  });
  it('an integer initialiser for a string global', () => {
    const s = src('GLOBL main.g string = 5', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 1, '5'), /main\.g|initiali[sz]|cannot use|type/);
  });
  it('an initialiser for an array global (only int, bool and string may be initialised)', () => {
    const s = src('GLOBL main.g [4]int = 1', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 1, '1', 0), /main\.g|initiali[sz]|cannot|type/);
  });
  it('an int initialiser that does not fit the 386 word', () => {
    const s = src('GLOBL main.g int = 0x100000000', 'TEXT main.main()', '    RET');
    expectClean(s, 'amd64');
    expectOne(s, at(s, 1, '0x100000000'), /overflows/, '386');
  });

  it('unterminated block comment', () => {
    const s = src('TEXT main.main()', '    RET', '/* never closed', 'more');
    expectOne(s, at(s, 3, '/*'), /comment not terminated/);
  });
  it('control: a block comment over several lines', () => {
    expectClean(src('TEXT main.main()', '    /* one', '    two */ NOP', '    RET'));
  });

  it('SEND of a string constant on a chan int', () => {
    const s = src('TEXT main.main()', '    LOCAL c chan int', '    SEND c, $"x"', '    RET');
    expectOne(s, at(s, 3, '$"x"'), /string|chan int|type/);
  });
  it('SEND of a string slot on a chan int (would copy 2 words into a 1-word temporary)', () => {
    const s = src('TEXT main.main()', '    LOCAL c chan int', '    LOCAL v string', '    SEND c, v', '    RET');
    expectOne(s, at(s, 4, 'v'), /string|chan int|type/);
  });
  it('control: SEND of an int on a chan int', () => {
    expectClean(src('TEXT main.main()', '    LOCAL c chan int', '    LOCAL v int', '    SEND c, v', '    SEND c, $1', '    RET'));
  });

  it('a recursive TYPE is an error even when unused', () => {
    const s = src('TYPE main.T [2]main.T', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 1, 'main.T'), /invalid recursive type main\.T/);
  });
  it('a TYPE of an undefined type is an error even when unused', () => {
    const s = src('TYPE main.T main.nosuch', 'TEXT main.main()', '    RET');
    expectOne(s, at(s, 1, 'main.nosuch'), /undefined type main\.nosuch/);
  });
  it('NEW of an undefined type is reported once', () => {
    const s = src('TEXT main.main()', '    NEW main.nosuch -> R0', '    RET');
    expectOne(s, at(s, 2, 'main.nosuch'), /undefined type main\.nosuch/);
  });
  it('a bad flag in a TEXT header is reported once (the body stays in its function)', () => {
    const s = src('TEXT main.main(), FOO', '    RET');
    expectOne(s, at(s, 1, 'FOO'), /unknown function flag FOO/);
  });
});
