// The gorun command as users run it: the esbuild bundle (dist/gorun.js,
// built by `npm test` before vitest runs). Exit statuses follow CLI.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../dist/gorun.js', import.meta.url).pathname;

function gorun(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
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

  it('run says plainly that running is not implemented yet (exit 1)', () => {
    const r = gorun(tmpFile('r.gasm', GOOD));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^gorun: running programs is not implemented yet/);
  });
});
