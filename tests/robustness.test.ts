// Inputs found by fuzzing, each once fatal or silently wrong: every one must
// end in a clear diagnostic (or be accepted, where Go accepts it), quickly,
// never in a JavaScript exception. Each describe block is named after what it
// protects.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectations } from '../cli/expect.js';
import { runCell } from '../cli/matrix.js';
import { compile, type CompileResult } from '../compiler/compile.js';
import { formatDiagnostic } from '../compiler/diag.js';
import { ARCHES, type Arch } from '../isa/target.js';
import { extractTable, parseStanzas } from './helpers/nosplitTable.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

/** Compile, turning a JavaScript exception into a failed expectation that names it. */
function build(source: string, arch: Arch = 'amd64'): CompileResult {
  try {
    return compile(source, 'fuzz.gasm', arch);
  } catch (e) {
    throw new Error(`compile threw instead of reporting a diagnostic: ${(e as Error).message}`);
  }
}

/** `line:col: message` of each diagnostic. */
const shown = (r: CompileResult) => r.diagnostics.map((d) => `${d.pos.line}:${d.pos.col}: ${d.message}`);

/** Exactly one diagnostic, at line:col, with this message; no image. */
function expectOnly(r: CompileResult, line: number, col: number, message: string) {
  expect(shown(r)).toEqual([`${line}:${col}: ${message}`]);
  expect(r.image).toBeNull();
}

/** Every source, test and documentation file of the repository (not node_modules or dist). */
function repoTextFiles(dir = REPO): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith('.') || name === 'node_modules' || name === 'dist') return [];
    const path = `${dir}/${name}`.replace(/\/\/+/g, '/');
    if (statSync(path).isDirectory()) return repoTextFiles(path);
    return /\.(ts|mjs|cjs|md|json|gasm)$/.test(name) ? [path] : [];
  });
}

describe('the nosplit conformance data ships with the repository', () => {
  const dir = fileURLToPath(new URL('./conformance/', import.meta.url));

  it('tests/conformance holds Go\'s table, readable as the suite reads it', () => {
    const { text, firstLine } = extractTable(readFileSync(`${dir}nosplit-cases.txt`, 'utf8'));
    expect(parseStanzas(text, firstLine).length).toBeGreaterThan(50);
  });

  it('beside Go\'s BSD licence and a README naming where it comes from', () => {
    const licence = readFileSync(`${dir}LICENSE-go`, 'utf8');
    expect(licence).toContain('Copyright (c) 2009 The Go Authors. All rights reserved.');
    expect(licence).toContain('Neither the name of Google Inc. nor the names of its');
    const readme = readFileSync(`${dir}README.md`, 'utf8');
    expect(readme).toContain('test/nosplit.go');
    expect(readme).toContain('LICENSE-go');
  });

  it('no file refers to data outside the repository', () => {
    // The directory beside the checkout that the table used to be read from, and notes kept there.
    const outside = /(^|[^\w-])shared\/|go-runtime-facts/;
    const offenders = repoTextFiles()
      .filter((f) => f !== THIS_FILE && existsSync(f))
      .filter((f) => outside.test(readFileSync(f, 'utf8')))
      .map((f) => f.slice(REPO.length));
    expect(offenders).toEqual([]);
  });
});

describe('deep nesting ends in a diagnostic, not a JavaScript stack overflow', () => {
  const N = 10000;
  const TOO_DEEP_EXPR = 'expression nested too deeply (more than 100 levels)';
  const TOO_DEEP_TYPE = 'type nested too deeply (more than 100 levels)';
  const main = (line: string) => `TEXT main.main()\n${line}\n    RET\n`;
  // Columns: `    MOV $` puts the expression at column 10, `    LOCAL x ` the type at 13;
  // the 101st level is the one refused.

  it(`${N} nested parentheses: refused at the 101st`, () => {
    expectOnly(build(main(`    MOV $${'('.repeat(N)}1${')'.repeat(N)}, R0`)), 2, 10 + 100, TOO_DEEP_EXPR);
  });
  it(`${N} unary minus signs: refused at the 101st`, () => {
    expectOnly(build(main(`    MOV $${'-'.repeat(N)}1, R0`)), 2, 10 + 100, TOO_DEEP_EXPR);
  });
  it(`${N} array levels [1]: refused at the 101st`, () => {
    expectOnly(build(main(`    LOCAL x ${'[1]'.repeat(N)}byte`)), 2, 13 + 3 * 100, TOO_DEEP_TYPE);
  });
  it(`${N} pointer levels *: refused at the 101st`, () => {
    expectOnly(build(main(`    LOCAL x ${'*'.repeat(N)}int`)), 2, 13 + 100, TOO_DEEP_TYPE);
  });
  it('100 levels of each are still fine', () => {
    const s = main(`    LOCAL x ${'*'.repeat(99)}[1]int\n    LOCAL y [${'('.repeat(50)}${'-'.repeat(49)}1${')'.repeat(50)}+2]byte`);
    expect(shown(build(s))).toEqual([]);
  });

  it(`a left-associated chain of ${N + 1} terms 1+1+…+1 evaluates (to ${N + 1})`, () => {
    const s = `GLOBL main.n int = 1${'+1'.repeat(N)}\n` + main('    PRINTLN main.n');
    for (const arch of ARCHES) {
      const r = build(s, arch);
      expect(shown(r)).toEqual([]);
      const n = r.image!.symbols.get('main.n')!;
      const word = new DataView(r.image!.data.buffer, r.image!.data.byteOffset).getUint32(n.addr - r.image!.dataBase, true);
      expect(word, arch).toBe(N + 1);
    }
  });

  it('a chain of 1000 named types, each a pointer to the next, is refused where it crosses 100 levels', () => {
    const M = 1000;
    const types = Array.from({ length: M }, (_, i) => `TYPE main.t${i} *main.t${i + 1}`).join('\n');
    const r = build(`${types}\nTYPE main.t${M} int\n${main('    NOP')}`);
    expect(r.image).toBeNull();
    // Each named type and each * is a level: main.t50, named on line 50 (main.t49's), is the 101st.
    expect(shown(r)[0]).toBe(`50:16: ${TOO_DEEP_TYPE}`);
    for (const d of r.diagnostics) expect(d.message).toBe(TOO_DEEP_TYPE);
  });

  it('a closure type that captures itself is a recursive type', () => {
    const r = build('TEXT main.f()\n    CAPTURES (c closure main.f)\n    RET\n' + main('    NOP'));
    expect(r.image).toBeNull();
    expectOnly(r, 2, 17, 'invalid recursive type closure main.f');
  });
});

describe('constants stay within Go\'s 512 bits, so long chains stay cheap', () => {
  const main = (line: string) => `TEXT main.main()\n${line}\n    RET\n`;

  it('1<<1<<1… is refused at the shift that makes 2^512 (Go: constant shift overflow)', () => {
    // `    MOV $1` then `<<1` repeated: the k-th `<<` is at column 11 + 3(k-1).
    expectOnly(build(main(`    MOV $1${'<<1'.repeat(10000)}, R0`)), 2, 11 + 3 * 511, 'constant shift overflow');
  });
  it('a 2^600 literal and a product past 512 bits are refused too', () => {
    expectOnly(build(main(`    MOV $${(1n << 600n).toString()}, R0`)), 2, 10, 'constant overflow');
    expectOnly(build(main('    MOV $(1<<300)*(1<<300), R0')), 2, 18, 'constant multiplication overflow');
  });
  it('control: 511-bit steps are exact', () => {
    expect(shown(build(main('    MOV $(1<<511)>>511, R0')))).toEqual([]);
  });
});

describe('sizes are bounded (16 MiB), so compiling stays fast and small', () => {
  const main = (line: string) => `TEXT main.main()\n${line}\n    RET\n`;
  const LIMIT = "(gorun's limit is 16 MiB)";

  for (const arch of ARCHES) {
    it(`LOCAL x [1<<30]byte is refused at its type [${arch}]`, () => {
      expectOnly(build(main('    LOCAL x [1<<30]byte'), arch), 2, 13, `array [1073741824]byte is too large: 1073741824 bytes ${LIMIT}`);
    });
    it(`GLOBL main.g [1<<28]int is refused at its type [${arch}]`, () => {
      const bytes = (1 << 28) * (arch === 'amd64' ? 8 : 4);
      expectOnly(build('GLOBL main.g [1<<28]int\n' + main('    NOP'), arch), 1, 14, `array [268435456]int is too large: ${bytes} bytes ${LIMIT}`);
    });
    it(`a nested [1<<20][1<<20]byte is refused at the outer array [${arch}]`, () => {
      expectOnly(build(main('    LOCAL x [1<<20][1<<20]byte'), arch), 2, 13, `array [1048576][1048576]byte is too large: 1099511627776 bytes ${LIMIT}`);
    });
    it(`TEXT main.main(), $1<<30 is refused at the frame size [${arch}]`, () => {
      expectOnly(build('TEXT main.main(), $1<<30\n    RET\n', arch), 1, 21, `frame size 1073741824 of main.main is too large ${LIMIT}`);
    });
  }

  it('a TYPE, two globals, two arguments, captures, locals and outgoing area are bounded where they cross', () => {
    expectOnly(build('TYPE main.T [1<<25]byte\n' + main('    NOP')), 1, 13, `array [33554432]byte is too large: 33554432 bytes ${LIMIT}`);
    expectOnly(build('GLOBL main.a [1<<24]byte\nGLOBL main.b [1<<24]byte\n' + main('    NOP')), 2, 7,
      `globals are too large: 33554432 bytes up to main.b ${LIMIT}`);
    expectOnly(build('TEXT main.f(a [1<<24]byte, b byte)\n    RET\n' + main('    NOP')), 1, 28,
      `arguments of main.f are too large: 16777224 bytes up to b ${LIMIT}`);
    expectOnly(build('TEXT main.f()\n    CAPTURES (a [1<<23]byte, b [1<<23]byte)\n    RET\n' + main('    NOP')), 2, 30,
      `captures of main.f are too large: 16777224 bytes up to b ${LIMIT}`);
    expectOnly(build(main('    LOCAL x [1<<23]byte\n    LOCAL y [1<<23]byte\n    LOCAL z byte')), 4, 11,
      `locals of main.main are too large: 16777224 bytes up to z ${LIMIT}`);
    expectOnly(build('TEXT main.f(a [1<<23]byte)\n    RET\n' + main('    LOCAL x [1<<23]byte\n    LOCAL y byte\n    CALL main.f(x)')), 3, 6,
      `frame of main.main is too large: 8388616 bytes of locals and 8388608 of outgoing arguments ${LIMIT}`);
  });

  it('many big frames or distinct big types together are bounded too (64 MiB in all)', () => {
    const TOTAL = "(gorun's limit is 64 MiB in all)";
    // One 16 MiB array type, then a 16 MiB frame per function: main.f3's (line 10) crosses 64 MiB.
    const frames = Array.from({ length: 40 }, (_, i) => `TEXT main.f${i}()\n    LOCAL x [1<<24]byte\n    RET\n`).join('');
    expectOnly(build(frames + main('    NOP')), 10, 6, `frame of main.f3 brings the program's types and frames to ${5 << 24} bytes ${TOTAL}`);
    // Distinct array types each get a pointer map: the fifth crosses; nothing more is built or reported.
    const news = Array.from({ length: 40 }, (_, i) => `    NEW [${(1 << 24) - i}]byte -> R0`).join('\n');
    expectOnly(build(main(news)), 6, 9, `array [16777212]byte brings the program's types and frames to ${5 * (1 << 24) - 10} bytes ${TOTAL}`);
  });

  it('control: a 1 MiB local array of strings and a $1<<20 frame compile', () => {
    expect(shown(build(main('    LOCAL x [1<<16]string')))).toEqual([]);
    expect(shown(build('TEXT main.main(), $1<<20\n    RET\n'))).toEqual([]);
  });
});

describe('a UTF-8 byte order mark at the start of a file is ignored', () => {
  const BOM = '\uFEFF';
  const prog = 'TEXT main.main()\n    PRINTLN $"hi"\n    RET\n// expect: hi\n';

  it('the program compiles and runs as without it', () => {
    expect(shown(build(BOM + prog))).toEqual([]);
    for (const arch of ARCHES) expect(runCell('bom.gasm', BOM + prog, arch).problems, arch).toEqual([]);
  });
  it('columns on line 1 count from the first character after it', () => {
    const s = BOM + 'TEXT main.main(), FOO\n    RET\n';
    const r = build(s);
    expectOnly(r, 1, 19, 'unknown function flag FOO (want NOSPLIT or NOFRAME)');
    expect(formatDiagnostic('bom.gasm', s, r.diagnostics[0]!)).toBe(
      'bom.gasm:1:19: unknown function flag FOO (want NOSPLIT or NOFRAME)\n\tTEXT main.main(), FOO\n\t                  ^\n');
  });
  it('elsewhere it is an error, as in Go', () => {
    expectOnly(build(`TEXT main.main()\n    NOP${BOM}\n    RET\n`), 2, 8, 'invalid BOM in the middle of the file');
  });
});

describe('Go spellings get a hint towards gasm\'s', () => {
  const main = (line: string) => `TEXT main.main()\n${line}\n    RET\n`;

  for (const [mnem, base] of [['MOVQ', 'MOV'], ['MOVL', 'MOV'], ['MOVW', 'MOV'], ['MOVD', 'MOV'], ['ADDQ', 'ADD'], ['SUBL', 'SUB'], ['CMPB', 'CMP'], ['LEAQ', 'LEA']]) {
    it(`${mnem} names ${base}`, () => {
      const operands = mnem === 'LEAQ' ? 'main.g, R0' : '$1, R0';
      expectOnly(build('GLOBL main.g int\n' + main(`    ${mnem} ${operands}`)), 3, 5, `unknown instruction ${mnem} (gasm's ${base} is word-sized on every target)`);
    });
  }
  it('a word that only looks suffixed gets no hint', () => {
    expectOnly(build(main('    FOOQ R0')), 2, 5, 'unknown instruction FOOQ');
  });
  it('PRINTLN "hi" is told to write $"hi"', () => {
    expectOnly(build(main('    PRINTLN "hi"')), 2, 13, 'unexpected string literal in operand (a string constant is written $"hi")');
    expect(shown(build(main('    PRINTLN $"hi"')))).toEqual([]);
  });
});

describe('a mistyped // expect line fails the matrix cell instead of being ignored', () => {
  const WANT = 'want // expect[ amd64|386|arm ...][ panic|fatal|exit]: text';
  const prog = (extra: string) => `TEXT main.main()\n    PRINTLN $1\n    RET\n// expect: 1\n${extra}\n`;
  const cases: [string, string][] = [
    ['// expect oops: 1', 'unknown target or kind "oops"'],
    ['// expect amd64 pnic: x', 'unknown target or kind "pnic"'],
    ['//expect 1', 'no ":" before the text'],
    ['//expected: 1', '"expected" is not "expect"'],
    ['  // Expect: 1', '"Expect" is not "expect"'],
    ['// expect386: 1', 'no space after "expect"'],
    ['// expect panic arm: boom', '"arm" after the kind "panic" (targets come first, then one kind)'],
    ['// expect exit: two', 'exit status "two" is not a number'],
  ];
  for (const [line, why] of cases) {
    it(`${JSON.stringify(line)}: ${why}`, () => {
      for (const arch of ARCHES) {
        const cell = runCell('typo.gasm', prog(line), arch);
        expect(cell.ok, arch).toBe(false);
        expect(cell.problems, arch).toEqual([`line 5: not an expectation: ${line.trim()} (${why}; ${WANT})`]);
      }
    });
  }
  it('expectations() returns the bad lines with their line numbers, for every target', () => {
    // Prose that only starts with the word is not an attempt: `// expectations`, a file name `// expect.gasm: …`.
    const e = expectations('// expect: a\n// expect oops: b\n// expectations follow\n// expect.gasm: the example\n//Expect: c\n', '386');
    expect(e.output).toEqual(['a']);
    expect(e.bad.map((b) => b.line)).toEqual([2, 5]);
  });
  it('control: well-formed lines, //expect: without a space included, pass', () => {
    const s = 'TEXT main.main()\n    PRINTLN $1\n    PRINTLN $2\n    RET\n// expect: 1\n//expect: 2\n// expect amd64 386 arm exit: 0\n';
    for (const arch of ARCHES) expect(runCell('ok.gasm', s, arch).problems, arch).toEqual([]);
  });
});

describe('the nosplit check follows NOSPLIT chains only, as Go\'s linker does', () => {
  /** main.main calls main.f1, which calls main.f2, … main.fN; NOSPLIT with frame 0, or ordinary. */
  function chain(n: number, nosplit: boolean): string {
    const out = ['TEXT main.main()', '    CALL main.f1()', '    RET'];
    for (let i = 1; i <= n; i++) {
      out.push(`TEXT main.f${i}()${nosplit ? ', NOSPLIT, $0' : ''}`);
      if (i < n) out.push(`    CALL main.f${i + 1}()`);
      out.push('    RET');
    }
    return out.join('\n') + '\n';
  }

  for (const arch of ARCHES) {
    it(`150 ordinary functions calling each other build [${arch}]`, () => {
      // Each has a split check, so each needs only room to call morestack; its
      // frame is checked by its own walk. (This was "nosplit stack check too deep".)
      const r = build(chain(150, false), arch);
      expect(shown(r)).toEqual([]);
      expect(r.image).not.toBeNull();
    });
  }

  // The same chain NOSPLIT with $0 frames is still rejected, and Go's rule says
  // overflow, not too deep: every level costs bytes of the 128 below the guard
  // (the return address CALL pushes on x86, 8 or 4 bytes; on arm the 4-byte saved
  // LR of a NOSPLIT function that calls), so they run out at f17 (amd64) or f33
  // (386, arm), far above the depth limit of 100.
  const last: Record<Arch, string> = { amd64: '\t-8\ton entry to main.f17', '386': '\t-4\ton entry to main.f33', arm: '\t-4\tafter main.f33 uses 4' };
  const first: Record<Arch, string> = {
    amd64: '\t120\tassumed on entry to main.f1\n\t112\ton entry to main.f2\n',
    '386': '\t124\tassumed on entry to main.f1\n\t120\ton entry to main.f2\n',
    arm: '\t128\tassumed on entry to main.f1\n\t124\tafter main.f1 uses 4\n',
  };
  for (const arch of ARCHES) {
    it(`150 NOSPLIT $0 functions calling each other overflow [${arch}]`, () => {
      const r = build(chain(150, true), arch);
      expect(r.image).toBeNull();
      const d = r.diagnostics[0]!;
      expect(`${d.pos.line}:${d.pos.col}`).toBe('4:6'); // main.f1's TEXT
      expect(d.message.startsWith(`main.f1: nosplit stack overflow\n${first[arch]}`), d.message).toBe(true);
      expect(d.message.endsWith(last[arch]), d.message).toBe(true);
      for (const x of r.diagnostics) expect(x.message).not.toContain('too deep');
    });
  }
});
