// Bad input and rough edges at the way in (issue 11): each case is a bug that
// was found, with the behaviour docs/cli.md now promises. Command-line cases
// run the built bundle (dist/gorun.cjs) as users do; runtime cases use the
// run API.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { compile } from '../compiler/compile.js';
import { RUNNING, start } from '../runtime/run.js';

const BIN = new URL('../dist/gorun.cjs', import.meta.url).pathname;
const EXAMPLES = new URL('../examples/', import.meta.url).pathname;

function gorun(args: string[], input?: string) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, input });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - t0 };
}

const dir = mkdtempSync(join(tmpdir(), 'gorun-wayin-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Run the bundle with its standard output or error piped to a reader that closes after the first chunk. */
function closedEarly(args: string[], stream: 'stdout' | 'stderr'): Promise<{ code: number | null; other: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let other = '';
    c[stream].once('data', () => c[stream].destroy());
    c[stream === 'stdout' ? 'stderr' : 'stdout'].on('data', (d) => { other += d; });
    c.on('close', (code) => resolve({ code, other }));
  });
}

const NOT_JS = /\n\s+at |Error:|TypeError|RangeError|internal error/;

/** A recursion with the smallest frames there are: 4 bytes a call on 386, so a stack holds the most frames. */
const TINY = 'TEXT main.f()\n    CALL main.f()\n    RET\n\nTEXT main.main()\n    CALL main.f()\n    RET\n';

describe('the runtime keeps to --timeout', () => {
  it('stops inside one long stack copy once the deadline has passed, not after it', () => {
    const img = compile(TINY, 'tiny.gasm', '386').image!;
    // The clock jumps past the deadline just before the copy of a stack of more than 65536 frames.
    const realNow = Date.now;
    let skew = 0;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
    let copies = 0;
    try {
      const run = start(img, {
        timeoutMs: 60_000, stderr: () => {},
        observer: (e) => {
          if (e.k === 'resume') copies++;
          if (e.k === 'grow' && e.oldSize >= 1 << 20) skew = 3_600_000;
        },
      });
      let r;
      while ((r = run.resume()) === RUNNING);
      expect(r.bound).toBe('the program ran for more than 60000 ms (--timeout)');
      // 2 KB doubled to 1 MB is 9 copies; the 10th is abandoned in its walk.
      expect([copies, r.stats.stackGrowths]).toEqual([9, 9]);
    } finally {
      clock.mockRestore();
    }
  });

  it('also within a copy of few, big frames: the clock is looked at by frames and words of their maps', () => {
    // 1 KB of locals a frame: a 2 MB stack holds some 2000 frames but 260000 words.
    const deep = 'TEXT main.f(n int)\n    LOCAL buf [1024]byte\n    MOV n, R0\n    CMP R0, $0\n    JEQ done\n    SUB $1, R0\n    CALL main.f(R0)\ndone:\n    RET\n\nTEXT main.main()\n    CALL main.f($5000)\n    RET\n';
    const img = compile(deep, 'deep.gasm', 'amd64').image!;
    const realNow = Date.now;
    let skew = 0;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
    try {
      const run = start(img, { timeoutMs: 60_000, stderr: () => {}, observer: (e) => { if (e.k === 'grow' && e.oldSize >= 2 << 20) skew = 3_600_000; } });
      let r;
      while ((r = run.resume()) === RUNNING);
      expect(r.bound).toBe('the program ran for more than 60000 ms (--timeout)');
      expect(r.stats.maxStackSize).toBe(2 << 20); // the copy to 4 MB was abandoned
    } finally {
      clock.mockRestore();
    }
  });

  it('lists at most 100000 frames in a copy event, however deep the stack', () => {
    const img = compile(TINY, 'tiny.gasm', '386').image!;
    const seen: [number, boolean][] = [];
    const run = start(img, { maxSteps: 5_000_000, stderr: () => {}, observer: (e) => { if (e.k === 'copy') seen.push([e.frames.length, e.framesTruncated]); } });
    while (run.resume() === RUNNING);
    expect(seen.at(-1)).toEqual([100_000, true]);
    expect(seen[0]![1]).toBe(false);
  });
});

describe('the events explain narrates from', () => {
  it('a morestack event gives the stack it failed on: stackguard0 is lo + StackGuard', () => {
    const img = compile(TINY, 'tiny.gasm', 'amd64').image!;
    const ev: { lo: number; hi: number; guard: number }[] = [];
    const run = start(img, { maxSteps: 100_000, stderr: () => {}, observer: (e) => { if (e.k === 'morestack') ev.push(e); } });
    while (run.resume() === RUNNING);
    expect(ev.length).toBeGreaterThan(2);
    for (const [i, e] of ev.entries()) expect([e.hi - e.lo, e.guard - e.lo]).toEqual([2048 << i, 256]);
  });
});

describe('the compiler', () => {
  it('gives up at its deadline (--timeout covers compiling), with no diagnostics', () => {
    const huge = ['TEXT main.main()', ...Array.from({ length: 200_000 }, () => '    ADD $1, R0'), '    RET', ''].join('\n');
    const t0 = Date.now();
    const r = compile(huge, 'huge.gasm', 'amd64', { deadline: t0 + 5 });
    expect(r.timedOut).toBe(true);
    expect([r.image, r.diagnostics]).toEqual([null, []]);
    expect(Date.now() - t0).toBeLessThan(300);
    expect(compile('TEXT main.main()\n    RET\n', 'ok.gasm', 'amd64', { deadline: Date.now() + 60_000 }).image).not.toBeNull();
  });
  it("keeps the names and offsets of every frame slot and each global's pointer map in the image", () => {
    const src = 'GLOBL main.p *int\nGLOBL main.n int\nTEXT main.f(a int, p *int) (r int)\n    LOCAL x int\n    LOCAL q *int\n    MOV $1, r\n    RET\nTEXT main.main()\n    CALL main.f($1, $0) -> R0\n    RET\n';
    for (const [arch, W] of [['amd64', 8], ['386', 4]] as const) {
      const img = compile(src, 'slots.gasm', arch).image!;
      const f = img.funcs.find((g) => g.name === 'main.f')!;
      expect(f.params).toEqual([{ name: 'a', off: 0, size: W }, { name: 'p', off: W, size: W }]);
      expect(f.results).toEqual([{ name: 'r', off: 2 * W, size: W }]);
      expect(f.locals).toEqual([{ name: 'x', off: 0, size: W }, { name: 'q', off: W, size: W }]);
      expect(img.symbols.get('main.p')!.ptrs).toEqual([true]);
      expect(img.symbols.get('main.n')!.ptrs).toEqual([false]);
    }
  });
});

describe('gorun at the command line: bad input gets one clear line', () => {
  const GOOD = file('good.gasm', 'TEXT main.main()\n    PRINTLN $7\n    RET\n');

  it('--max-stack of 2 GiB and more ends within --timeout (exit 3), not seconds after it', () => {
    const tiny = file('tiny.gasm', TINY);
    const r = gorun(['--arch', '386', '--max-stack', String(2 ** 32), '--max-memory', String(3 * 2 ** 30), '--timeout', '1500', tiny]);
    expect([r.code, r.err]).toEqual([3, 'gorun: the program ran for more than 1500 ms (--timeout)\n']);
    expect(r.ms).toBeLessThan(1500 + 2500);
    const o = gorun(['--max-stack', String(2 ** 31), `${EXAMPLES}overflow.gasm`]);
    expect(o.code).toBe(3);
    expect(o.err).toMatch(/^gorun: memory limit reached: .* \(raise --max-memory\)\n$/);
  });

  it('--max-memory that is not a whole number of pages is rounded up to one', () => {
    expect(gorun(['--max-memory', '1048577', GOOD])).toMatchObject({ code: 0, err: '7\n' });
    const deep = gorun(['--max-memory', '1048577', `${EXAMPLES}deeprec.gasm`]);
    expect(deep.code).toBe(3);
    expect(deep.err).toMatch(/\(arena of 1052672 bytes\) \(raise --max-memory\)\n$/);
  });

  it('--timeout covers compiling: a huge program with --timeout 1 stops while compiling, exit 3', () => {
    const huge = file('huge.gasm', ['TEXT main.main()', ...Array.from({ length: 200_000 }, () => '    ADD $1, R0'), '    RET', ''].join('\n'));
    const r = gorun(['--timeout', '1', huge]);
    expect([r.code, r.err]).toEqual([3, 'gorun: compiling the program took more than 1 ms (--timeout)\n']);
    // A run stopped by the timeout still names the whole --timeout, though compiling used part of it.
    const loop = gorun(['--timeout', '300', file('loop.gasm', 'TEXT main.main()\nagain:\n    JMP again\n')]);
    expect([loop.code, loop.err]).toEqual([3, 'gorun: the program ran for more than 300 ms (--timeout)\n']);
  });

  it('a bound after output that did not end its line starts a line of its own', () => {
    const r = gorun(['--max-steps', '1000', file('nonl.gasm', 'TEXT main.main()\n    PRINT $"abc"\nagain:\n    JMP again\n')]);
    expect([r.code, r.err]).toEqual([3, 'abc\ngorun: the program ran for more than 1000 instructions (--max-steps)\n']);
  });

  // The peak resident set of the gorun process, as the kernel counts it
  // (getrusage's ru_maxrss, which Node gives as process.resourceUsage().maxRSS),
  // written by a wrapper that runs the bundle in-process and records it at exit.
  // The reader takes nothing for a second, then everything: output produced
  // meanwhile either waits in the program (bounded) or piles up in gorun.
  it('output to a slow pipe is not held in memory: 200 MB through it, the peak stays far below', async () => {
    const bigline = file('bigline.gasm', `TEXT main.main()\nagain:\n    PRINTLN $"${'x'.repeat(1000)}"\n    JMP again\n`);
    const rssFile = join(dir, 'rss.txt');
    const wrapper = file('rss.cjs', `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\nrequire(${JSON.stringify(BIN)});\n`);
    const got = await new Promise<{ code: number | null; bytes: number; tail: string }>((resolve) => {
      const c = spawn(process.execPath, [wrapper, '--max-steps', '3000000', bigline], { stdio: ['ignore', 'ignore', 'pipe'] });
      let bytes = 0, tail = '';
      c.stderr.pause();
      setTimeout(() => c.stderr.on('data', (d: Buffer) => { bytes += d.length; tail = (tail + d.toString()).slice(-200); }).resume(), 1000);
      c.on('close', (code) => resolve({ code, bytes, tail }));
    });
    expect(got.code).toBe(3);
    expect(got.tail).toMatch(/x\ngorun: the program ran for more than 3000000 instructions \(--max-steps\)\n$/);
    const lines = 3_000_000 / 15; // one PRINTLN and the jump: 15 instructions a line
    expect(got.bytes).toBe(lines * 1001 + 'gorun: the program ran for more than 3000000 instructions (--max-steps)\n'.length);
    const peakKB = Number(readFileSync(rssFile, 'utf8'));
    expect(peakKB).toBeLessThan(150 * 1024); // the output is 200 MB; unbounded, the peak was 470 MB
  });

  it('a reader that goes away (| head) stops the writing quietly; the exit status is the run\'s own', async () => {
    const bigline = file('bigline2.gasm', `TEXT main.main()\nagain:\n    PRINTLN $"${'y'.repeat(1000)}"\n    JMP again\n`);
    expect(await closedEarly(['--max-steps', '300000', bigline], 'stderr')).toEqual({ code: 3, other: '' });
    const panics = file('panics.gasm', `TEXT main.main()\n    MOV $20000, R0\nagain:\n    PRINTLN $"${'z'.repeat(100)}"\n    SUB $1, R0\n    CMP R0, $0\n    JNE again\n    PANIC $"boom"\n`);
    expect(await closedEarly([panics], 'stderr')).toEqual({ code: 2, other: '' });
    const huge = file('manyfuncs.gasm', [...Array.from({ length: 3000 }, (_, i) => `TEXT main.f${i}()\n    PRINTLN $${i}\n    RET`), 'TEXT main.main()\n    RET', ''].join('\n'));
    expect(await closedEarly(['disasm', huge], 'stdout')).toEqual({ code: 0, other: '' });
    // 3000 calls, each moving the stack: megabytes of narration.
    const moves = file('moves.gasm', 'TEXT main.g()\n    RET\n\nTEXT main.f()\n    CALL main.g()\n    RET\n\nTEXT main.main()\n    MOV $3000, R0\nagain:\n    CALL main.f()\n    SUB $1, R0\n    CMP R0, $0\n    JNE again\n    PRINTLN $"done"\n    RET\n');
    expect(await closedEarly(['explain', '--stackforcemove', moves], 'stdout')).toEqual({ code: 0, other: 'done\n' });
  });

  it('bare gorun prints the usage on stderr, exit 1', () => {
    const r = gorun([]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^Usage: gorun \[options\] \[command\]\n[\s\S]*\n  explain \[options\] <file>/);
  });

  it('a mistyped command is named, not opened as a file; a file of that name still runs', () => {
    expect(gorun(['explian', GOOD])).toMatchObject({ code: 1, err: 'gorun: unknown command explian (did you mean explain?)\n' });
    expect(gorun(['chekc', GOOD])).toMatchObject({ code: 1, err: 'gorun: unknown command chekc (did you mean check?)\n' });
    expect(gorun(['nosuch.gasm'])).toMatchObject({ code: 1, err: 'gorun: open nosuch.gasm: no such file or directory\n' });
    const cwd = mkdtempSync(join(tmpdir(), 'gorun-cmdfile-'));
    writeFileSync(join(cwd, 'explian'), 'TEXT main.main()\n    PRINTLN $1\n    RET\n');
    const r = spawnSync(process.execPath, [BIN, 'explian'], { cwd, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '1\n']);
  });

  it('one FILE at a time; program arguments (after --) are refused: gasm cannot read them', () => {
    expect(gorun([GOOD, GOOD])).toMatchObject({ code: 1, err: `gorun: run takes one FILE, not 2: ${GOOD} ${GOOD} (gorun matrix runs several)\n` });
    expect(gorun(['check', GOOD, GOOD])).toMatchObject({ code: 1, err: `gorun: check takes one FILE, not 2: ${GOOD} ${GOOD}\n` });
    expect(gorun([GOOD, '--', 'a', 'b'])).toMatchObject({ code: 1, err: 'gorun: a gasm program cannot read arguments: remove a b after --\n' });
    expect(gorun(['explain', GOOD, '--', 'a'])).toMatchObject({ code: 1, err: 'gorun: a gasm program cannot read arguments: remove a after --\n' });
    expect(gorun(['--', GOOD])).toMatchObject({ code: 0, err: '7\n' });
  });

  it('- is standard input, for run, check, disasm and explain', () => {
    const src = readFileSync(`${EXAMPLES}growstack.gasm`, 'utf8');
    expect(gorun(['-'], src)).toMatchObject({ code: 0, err: 'ok 10001\n' });
    expect(gorun(['run', '--arch', 'arm', '-'], src)).toMatchObject({ code: 0, err: 'ok 10001\n' });
    expect(gorun(['check', '-'], src)).toMatchObject({ code: 0, err: '' });
    expect(gorun(['disasm', '-'], src).out).toMatch(/^TEXT main\.growStackIter\(SB\) <stdin>\n/);
    expect(gorun(['explain', '-'], src).out).toMatch(/^#1 main\.growStackIter: split check failed/);
    expect(gorun(['-'], 'TEXT main.main()\n    FROB\n    RET\n')).toMatchObject({ code: 1, err: '<stdin>:2:5: unknown instruction FROB\n\t    FROB\n\t    ^\n' });
  });

  it('matrix refuses --stackdebug: its prints would be judged as program output', () => {
    const r = gorun(['matrix', '--stackdebug', '1', `${EXAMPLES}growstack.gasm`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^gorun: matrix does not take --stackdebug: .*\n$/);
  });

  it('check warns of malformed // expect lines (the matrix fails them); the exit status stays 0', () => {
    const f = file('badexp.gasm', '// expect: 7\n// expect amd64 exit 2\nTEXT main.main()\n    PRINTLN $7\n    RET\n');
    const r = gorun(['check', f]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`${f}:2:1: warning: not an expectation: // expect amd64 exit 2 (no ":" before the text; want // expect[ amd64|386|arm ...][ panic|fatal|exit]: text)\n\t// expect amd64 exit 2\n\t^\n`);
  });

  it('no bad input above makes a JavaScript error', () => {
    for (const args of [[], ['explian', GOOD], [GOOD, GOOD], ['--max-memory', '1048577', GOOD], ['matrix', '--stackdebug', '1', GOOD]]) {
      expect(gorun(args).err, args.join(' ')).not.toMatch(NOT_JS);
    }
  });
});

describe('gorun explain, for a learner', () => {
  it('summarises each growth by slot: growstack in under 200 lines, naming `p` and `x`; --verbose gives every word', () => {
    const r = gorun(['explain', `${EXAMPLES}growstack.gasm`]);
    expect([r.code, r.err]).toEqual([0, 'ok 10001\n']);
    const lines = r.out.split('\n').length - 1;
    expect(lines).toBeLessThan(200);
    expect(r.out).toMatch(/\n  copystack adjusted 4 pointers into the old stack, in place, before copying:\n    `p` in main\.growStackIter's args \(3 frames\), each pointing at `x` in its caller main\.growStackIter's locals: 0x[0-9a-f]+ -> 0x[0-9a-f]+ in the innermost, …\n    `p` in main\.growStackIter's args, pointing at `x` in its caller main\.main's locals: 0xc0000147d0 -> 0xc00001cfd0\n/);
    const v = gorun(['explain', '--verbose', `${EXAMPLES}growstack.gasm`]);
    expect(v.out.match(/\n    adjusted a pointer in main\.growStackIter's args at /g)!.length).toBe(15418);
    expect(v.out).toContain(': 0xc0000147d0 -> 0xc00001cfd0 (`p`, pointing at `x` in main.main\'s locals)\n');
  });

  it('shows the prologue that failed, with its operands, and how stackguard0 is made', () => {
    const r = gorun(['explain', '--arch', 'arm', `${EXAMPLES}growstack.gasm`]);
    expect(r.out).toContain('\n  its prologue: MOVW 8(R10), R1; MOVW $-528(R13), R2; CMP R1, R2; MOVW.LS R14, R3; BL.LS runtime.morestack_noctxt(SB) (at 0x11000)\n'
      + '  stackguard0 0x10014100 = stack.lo 0x10014000 + StackGuard 256, on the stack [0x10014000, 0x10014800) of 2048 bytes\n');
    const f = gorun(['explain', '--stackforcemove', `${EXAMPLES}growstack.gasm`, '--max-steps', '200']);
    expect(f.out).toMatch(/\n  stackguard0 holds StackForceMove \(0xfffffffffffffeed, above every SP\): --stackforcemove makes every check fail; the real guard is stack\.lo 0xc0000\w+ \+ StackGuard 256 = 0xc0000\w+, on the stack /);
  });

  it('names a global that holds a pointer into the stack: copystack cannot fix it', () => {
    const r = gorun(['explain', `${EXAMPLES}stale.gasm`]);
    expect(r.err).toBe('x = 43 *p = 42 p == &x: false\n');
    expect(r.out).toContain('\n  main.p holds 0xc0000147c0 (the address of `x` in main.main\'s locals) — a pointer into the stack outside any frame: copystack does not fix it, so from now on it points into the old stack, which is freed\n');
    expect(r.out.match(/main\.p holds/g)!.length).toBe(1);
  });

  it('narrates a fatal growth to its end: split stack overflow (SP below lo), stack overflow (--max-stack)', () => {
    const s = gorun(['explain', `${EXAMPLES}splitoverflow.gasm`]);
    expect(s.code).toBe(2);
    expect(s.out).toContain('\n  newstack: SP 0xc000013a28 is 1496 bytes below the stack\'s low end 0xc000014000 (stack [0xc000014000, 0xc000014800)): frames have already been written below the stack');
    expect(s.out).toMatch(/\n  The runtime throws: fatal error: runtime: split stack overflow .*\n0 stack moves; the run ended in the 1st failed split check\. \d+ instructions\.\n$/);
    const o = gorun(['explain', '--arch', '386', '--max-stack', '100000', `${EXAMPLES}overflow.gasm`]);
    expect(o.code).toBe(2);
    expect(o.out).toMatch(/\n  newstack: doubling the 65536-byte stack would make it 131072 bytes, more than the maximum stack of 100000 bytes \(--max-stack; Go's debug\.SetMaxStack\)\.\n  The runtime throws: fatal error: stack overflow .*\n5 stack moves; the run ended in the 6th failed split check\./);
    const m = gorun(['explain', '--max-memory', '1048576', `${EXAMPLES}deeprec.gasm`]);
    expect(m.code).toBe(3);
    expect(m.out).toMatch(/\n  the run stopped here: memory limit reached: out of memory: cannot allocate 524288 bytes .*\n/);
  });
});

describe('diagnostics of a long line', () => {
  it('show the line around the column, and at most 100 of them', async () => {
    const { formatDiagnostic, formatDiagnostics } = await import('../compiler/diag.js');
    const line = `    MOV $${'1+'.repeat(200)}08, R0`;
    const src = `TEXT main.main()\n${line}\n    RET\n`;
    const d = { pos: { line: 2, col: line.indexOf('08') + 1 }, message: 'bad number literal 08' };
    expect(formatDiagnostic('p.gasm', src, d)).toBe(`p.gasm:2:${d.pos.col}: bad number literal 08\n\t…${line.slice(d.pos.col - 81, d.pos.col + 79)}\n\t${' '.repeat(81)}^\n`);
    const many = Array.from({ length: 150 }, () => d);
    const text = formatDiagnostics('p.gasm', src, many);
    expect(text.split('\n').length - 1).toBe(100 * 3 + 1);
    expect(text.endsWith('p.gasm: too many errors (50 more not shown)\n')).toBe(true);
  });
});
