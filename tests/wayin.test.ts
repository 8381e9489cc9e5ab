// Bad input and rough edges at the way in (issue 11): each case is a bug that
// was found, with the behaviour docs/cli.md now promises. Command-line cases
// run the built bundle (dist/gorun.cjs) as users do; runtime cases use the
// run API.
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { RUNNING, start } from '../runtime/run.js';

/** A recursion with the smallest frames there are: 4 bytes a call on 386, so a stack holds the most frames. */
const TINY = 'TEXT main.f()\n    CALL main.f()\n    RET\n\nTEXT main.main()\n    CALL main.f()\n    RET\n';

describe('the runtime keeps to --timeout', () => {
  it('stops inside one long stack copy once the deadline has passed, not after it', () => {
    const img = compile(TINY, 'tiny.gasm', '386').image!;
    const timeoutMs = 200;
    const t0 = Date.now();
    let copies = 0;
    const run = start(img, {
      timeoutMs, stderr: () => {},
      observer: (e) => {
        if (e.k === 'resume') copies++;
        // Before the copy of a stack of more than 65536 frames, let the deadline pass.
        if (e.k === 'grow' && e.oldSize >= 1 << 20) while (Date.now() <= t0 + timeoutMs);
      },
    });
    let r;
    while ((r = run.resume()) === RUNNING);
    expect(r.bound).toBe('the program ran for more than 200 ms (--timeout)');
    // 2 KB doubled to 1 MB is 9 copies; the 10th is abandoned in its walk.
    expect([copies, r.stats.stackGrowths]).toEqual([9, 9]);
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
  it('names each instruction that needs a runtime function gorun does not implement yet', () => {
    const src = 'TEXT main.f()\n    RET\n\nTEXT main.main()\n    GO main.f()\n    CALL runtime.GC()\n    RET\n';
    const r = compile(src, 'go.gasm', 'arm');
    expect([r.diagnostics, r.image === null]).toEqual([[], false]);
    expect(r.unimplemented).toEqual([
      { pos: { line: 5, col: 5 }, message: 'GO needs runtime.newproc, which gorun does not implement yet (docs/status.md)' },
      { pos: { line: 6, col: 5 }, message: 'CALL needs runtime.GC, which gorun does not implement yet (docs/status.md)' },
    ]);
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
