// The gorun command as users run it: the esbuild bundle (dist/gorun.cjs,
// built by `npm test` before vitest runs). Exit statuses follow docs/cli.md.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { wrap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../dist/gorun.cjs', import.meta.url).pathname;

/** gorun with the environment given (and no GODEBUG of the test run's own). */
function gorunEnv(env: Record<string, string>, ...args: string[]) {
  const { GODEBUG: _, ...rest } = process.env;
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...rest, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function gorun(...args: string[]) {
  return gorunEnv({}, ...args);
}

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gorun-cli-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const GOOD = 'TEXT main.main()\n    MOV $1, R0\n    RET\n';

describe('gorun bundle', () => {
  it('exists (npm test builds it first)', () => {
    expect(existsSync(BIN)).toBe(true);
  });

  it('starts with the code cache the build trained, and this Node.js accepts it', () => {
    const dist = new URL('../dist/', import.meta.url).pathname;
    const file = join(dist, 'gorun-main.cjs');
    const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData: readFileSync(join(dist, 'gorun-main.cache')) });
    expect(script.cachedDataRejected).toBe(false);
  });

  it('runs the same without a code cache', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gorun-nocache-'));
    for (const f of ['gorun.cjs', 'gorun-main.cjs']) copyFileSync(new URL(`../dist/${f}`, import.meta.url).pathname, join(dir, f));
    const r = spawnSync(process.execPath, [join(dir, 'gorun.cjs'), tmpFile('p.gasm', 'TEXT main.main()\n    PRINTLN $42\n    RET\n')], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '42\n']);
  });

  it('--help lists the commands and exits 0', () => {
    const r = gorun('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/check \[options\] <file>/);
    expect(r.out).toMatch(/disasm \[options\] <file>/);
  });

  it('--version prints the version', () => {
    expect(gorun('--version').out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('check: a good program prints nothing and exits 0', () => {
    const r = gorun('check', tmpFile('ok.gasm', GOOD));
    expect([r.code, r.out, r.err]).toEqual([0, '', '']);
  });

  it('check: diagnostics go to stderr as file:line:col with a caret, exit 1', () => {
    const f = tmpFile('bad.gasm', 'TEXT main.main()\n    FROB R0\n    MOV R9, R0\n    RET\n');
    const r = gorun('check', f);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${f}:2:5: unknown instruction FROB\n\t    FROB R0\n\t    ^\n`);
    expect(r.err).toMatch(/:3:9: unknown register R9/);
  });

  it('check: a diagnostic that holds on some targets only names them', () => {
    const r = gorun('check', tmpFile('w.gasm', 'TEXT main.main()\n    MOV $0x100000000, R0\n    RET\n'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/overflows the 32-bit word of 386 \[386\]/);
    expect(r.err).toMatch(/overflows the 32-bit word of arm \[arm\]/);
    expect(gorun('check', '--arch', 'amd64', tmpFile('w.gasm', 'TEXT main.main()\n    MOV $0x100000000, R0\n    RET\n')).code).toBe(0);
  });

  it('check runs the linker: a nosplit overflow fails check', () => {
    const r = gorun('check', '--arch', 'amd64', tmpFile('n.gasm', 'TEXT main.main(), NOSPLIT, $128\n    RET\n'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('main.main: nosplit stack overflow\n\t120\tassumed on entry to main.main\n\t-8\tafter main.main uses 128');
  });

  it('disasm prints the objdump-style listing on stdout', () => {
    const r = gorun('disasm', '--arch', 'arm', tmpFile('d.gasm', GOOD));
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^TEXT main\.main\(SB\) .*d\.gasm$/);
    expect(r.out).toMatch(/\t[0-9a-f]+\tMOVW \$1, R0\t.*d\.gasm:2/);
  });

  it('disasm --func shows one function, runtime ones too', () => {
    const r = gorun('disasm', '--func', 'runtime.morestack', tmpFile('d.gasm', GOOD));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^TEXT runtime\.morestack\(SB\) <runtime>/);
    const missing = gorun('disasm', '--func', 'main.nope', tmpFile('d.gasm', GOOD));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^gorun: no function main\.nope in .*d\.gasm\n$/);
  });

  it('bad input: missing file, bad --arch, unknown option: clear message, exit 1, no stack trace', () => {
    for (const args of [['check', '/nonexistent/x.gasm'], ['check', '--arch', 'sparc', 'x.gasm'], ['disasm', '--frob', 'x.gasm']]) {
      const r = gorun(...args);
      expect(r.code).toBe(1);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.err.length).toBeGreaterThan(0);
    }
    expect(gorun('check', '/nonexistent/x.gasm').err).toBe('gorun: open /nonexistent/x.gasm: no such file or directory\n');
  });

  it('run (the default command): output on stderr, nothing on stdout, exit 0', () => {
    const r = gorun(tmpFile('r.gasm', 'TEXT main.main()\n    PRINTLN $"hello", $42\n    RET\n'), '--arch', 'arm');
    expect([r.code, r.out, r.err]).toEqual([0, '', 'hello 42\n']);
  });

  it('run: an unrecovered panic exits 2', () => {
    const r = gorun('run', tmpFile('p.gasm', 'TEXT main.main()\n    PANIC $"boom"\n'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^panic: boom\n\ngoroutine 1 \[running\]:\nmain\.main\(\)\n/);
  });

  it('run: --max-steps and --timeout stop a runaway program with exit 3', () => {
    const loop = tmpFile('loop.gasm', 'TEXT main.main()\nagain:\n    JMP again\n');
    const a = gorun(loop, '--max-steps', '1000');
    expect(a.code).toBe(3);
    expect(a.err).toMatch(/^gorun: the program ran for more than 1000 instructions \(--max-steps\)\n$/);
    const b = gorun(loop, '--timeout', '200');
    expect(b.code).toBe(3);
    expect(b.err).toMatch(/--timeout/);
  });

  it('run: --max-memory too small for the stacks ends with exit 3', () => {
    const deep = tmpFile('deep.gasm', [
      'TEXT main.f(n int)', '    LOCAL pad [4096]byte', '    MOV n, R0', '    CMP R0, $0', '    JEQ done', '    SUB $1, R0',
      '    CALL main.f(R0)', 'done:', '    RET', 'TEXT main.main()', '    CALL main.f($5000)', '    RET', ''].join('\n'));
    const r = gorun(deep, '--max-memory', String(4 << 20));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/gorun: memory limit reached.*--max-memory/);
  });

  it('run: impossible flags are usage errors (exit 1)', () => {
    const f = tmpFile('ok.gasm', GOOD);
    for (const args of [['--stack-min', '1000'], ['--stack-min', 'lots'], ['--stackdebug', '9'], ['--max-steps', '-1']]) {
      const r = gorun(f, ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('run: --gctrace and GODEBUG=gctrace=1 print the collector\'s lines; GODEBUG=gctrace=0 does not', () => {
    const f = tmpFile('gc.gasm', 'TEXT main.main()\n    CALL runtime.GC()\n    PRINTLN $"done"\n    RET\n');
    const line = /^gc1\(1\): \d+\+\d+\+\d+\+\d+ us, 0 -> 0 MB, \d+ \(\d+-\d+\) objects, 1 goroutines, \d+\/0\/0 sweeps, 0\(0\) handoff, 0\(0\) steal, 0\/0\/0 yields\n/;
    for (const r of [gorun(f, '--gctrace'), gorunEnv({ GODEBUG: 'gctrace=1' }, f), gorunEnv({ GODEBUG: 'madvdontneed=1,gctrace=2' }, f)]) {
      expect(r.code).toBe(0);
      expect(r.err).toMatch(line);
      expect(r.err).toMatch(/\nscvg0: inuse: \d+, idle: \d+, sys: \d+, released: \d+, consumed: \d+ \(MB\)\ndone\n$/);
    }
    expect(gorunEnv({ GODEBUG: 'gctrace=0' }, f).err).toBe('done\n');
    expect(gorun(f).err).toBe('done\n');
  });

  it('explain narrates each growth on stdout, from the failed check to the resume', () => {
    const growstack = new URL('../examples/growstack.gasm', import.meta.url).pathname;
    for (const [arch, jump] of [['amd64', /bytes eb [0-9a-f]{2} at 0x[0-9a-f]+ are JMP rel8: pc \+ 2 \+ rel8 = 0x401000, the start of main\.growStackIter/],
      ['arm', /bytes (?:[0-9a-f]{2} ){3}9a at 0x[0-9a-f]+ are B\.LS \(cond LS, B\): pc \+ 8 \+ 4\*imm24 = 0x11000, the start of main\.growStackIter/]] as const) {
      const r = gorun('explain', '--arch', arch, growstack);
      expect(r.code).toBe(0);
      expect(r.err).toBe('ok 10001\n');
      expect(r.out).toMatch(/^#1 main\.growStackIter: split check failed: SP 0x[0-9a-f]+ - \d+ \(its (frame beyond StackSmall|autosize)\) <= stackguard0 0x[0-9a-f]+\n  its prologue: .*\n  stackguard0 0x[0-9a-f]+ = stack\.lo 0x[0-9a-f]+ \+ StackGuard 256, on the stack .* of 2048 bytes\n  morestack saved g\.sched/);
      expect(r.out).toMatch(jump);
      expect(r.out).toMatch(/newstack: stack \[0x[0-9a-f]+, 0x[0-9a-f]+\) of 2048 bytes doubles to 4096/);
      expect(r.out).toMatch(/\n    `p` in main\.growStackIter's args \(\d+ frames\), each pointing at `x` in its caller main\.growStackIter's locals: 0x[0-9a-f]+ -> 0x[0-9a-f]+ in the innermost, …\n/);
      expect(r.out).toMatch(/resume main\.growStackIter at its start 0x[0-9a-f]+ with SP 0x[0-9a-f]+: the split check runs again, on the new stack/);
      expect(r.out).toMatch(/\n12 stack moves\. \d+ instructions\.\n$/);
    }
  });

  it('explain narrates the adjustment of a deferred call\'s arguments and of its defer record', () => {
    const r = gorun('explain', '--arch', 'arm', new URL('../examples/deferstack.gasm', import.meta.url).pathname);
    expect([r.code, r.err]).toEqual([0, 'y = 42\n']);
    expect(r.out).toMatch(/\n    a pointer in the arguments of the deferred call of main\.set \(kept in its defer record, in the heap\), pointing at `y` in main\.main's locals: 0x[0-9a-f]+ -> 0x[0-9a-f]+\n/);
    expect(r.out).toMatch(/\n    the argp field of the defer record of main\.set: 0x[0-9a-f]+ -> 0x[0-9a-f]+\n/);
    const v = gorun('explain', '--verbose', '--arch', 'arm', new URL('../examples/deferstack.gasm', import.meta.url).pathname);
    expect(v.out).toMatch(/adjusted a pointer in the arguments of the deferred call of main\.set \(kept in its defer record, in the heap\) at 0x[0-9a-f]+: 0x[0-9a-f]+ -> 0x[0-9a-f]+ \(pointing at `y` in main\.main's locals\)\n/);
    expect(v.out).toMatch(/adjusted the argp field of the defer record of main\.set at 0x[0-9a-f]+: 0x[0-9a-f]+ -> 0x[0-9a-f]+\n/);
  });

  it('matrix: prints the table on stdout and fails (exit 1) when a cell fails', () => {
    const good = tmpFile('good.gasm', '// expect: 7\nTEXT main.main()\n    PRINTLN $7\n    RET\n');
    const bad = tmpFile('bad.gasm', '// expect: 8\nTEXT main.main()\n    PRINTLN $7\n    RET\n');
    const a = gorun('matrix', good);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/good\.gasm\s+ok 0\/0B\s+ok 0\/0B\s+ok 0\/0B/);
    const b = gorun('matrix', '--arch', 'arm', good, bad);
    expect(b.code).toBe(1);
    expect(b.out).toMatch(/bad\.gasm \[arm\]:\n  output line 1: want "8", got "7"/);
    expect(gorun('matrix', '--arch', 'sparc', good).code).toBe(1);
  });
});
