// The garbage collector (runtime/mgc.ts) and the allocator under it
// (runtime/mcache.ts): what is reachable survives — from globals, stack
// frames, heap objects, blocked goroutines' sudogs — across collections
// and stack moves; what is not is freed and reused; shrinkstack halves idle
// stacks; --gctrace reports each collection in Go 1.4's format; --checkptr
// catches a stack address stored outside a stack. Programs: tests/gc/.
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { ARCHES } from '../isa/target.js';
import { runImage } from '../runtime/run.js';
import { gasmFiles } from './helpers/gasmFiles.js';
import { runGasm } from './helpers/runGasm.js';

const dir = new URL('./gc/', import.meta.url).pathname;
const MB = 1 << 20;

describe('pointer-rich data survives 100 collections while goroutines grow and shrink their stacks', () => {
  for (const arch of ARCHES) {
    for (const poison of [false, true]) {
      it(`${arch}${poison ? ', --stackpoison (freed objects filled with 0x69)' : ''}`, () => {
        const r = runGasm(`${dir}gckeep.gasm`, arch, { stackPoison: poison });
        expect(r.problems, r.err).toEqual([]);
        expect(r.res.stats.stackGrowths).toBeGreaterThan(100);
      }, 60_000);
    }
  }
});

describe('deferred calls survive collections: their records, argument blocks, closures', () => {
  for (const arch of ARCHES) {
    it(`${arch}, --stackpoison`, () => {
      const r = runGasm(`${dir}gcdefer.gasm`, arch, { stackPoison: true });
      expect(r.problems, r.err).toEqual([]);
    });
  }
});

describe('a goroutine blocked in RECV into its frame keeps the slot while its stack shrinks', () => {
  for (const arch of ARCHES) {
    it(arch, () => {
      const r = runGasm(`${dir}recvshrink.gasm`, arch, { stackPoison: true }, true);
      expect(r.problems, r.err).toEqual([]);
      const shrinks = r.events.filter((e) => e.k === 'shrink');
      expect(shrinks.map((e) => e.k === 'shrink' && [e.goid, e.oldSize, e.newSize])).toEqual([[2, 32768, 16384], [2, 16384, 8192]]);
      // Each shrink moved the sudog's elem: the slot the value is received into.
      expect(r.events.filter((e) => e.k === 'adjust' && e.where === 'sudog')).toHaveLength(2);
    });
  }
});

describe('garbage is collected', () => {
  for (const arch of ARCHES) {
    it(`${arch}: 100 MB allocated in 1 KB pieces fit in a 32 MB arena; HeapAlloc returns near its start`, () => {
      const r = runGasm(`${dir}garbage.gasm`, arch, { maxMemory: 32 * MB });
      expect(r.problems, r.err).toEqual([]);
      expect(r.res.bound).toBeNull();
    }, 60_000);
  }

  it('without collections the same program runs out of a 32 MB arena (so the bound above means something)', () => {
    const src = 'TEXT main.main()\n    LOCAL p *int\n    LOCAL q *int\n    LOCAL i int\nloop:\n    NEW [128]*int -> p\n    MOV q, R0\n    MOV p, R1\n    MOV R0, (R1)\n    MOV R1, q\n    ADD $1, i\n    CMP i, $102400\n    JLT loop\n    RET\n';
    const img = compile(src, 'keepall.gasm', 'amd64').image!;
    const res = runImage(img, { maxMemory: 32 * MB, stderr: () => {} });
    expect([res.exitCode, res.bound]).toEqual([3, expect.stringMatching(/memory limit reached/)]);
  });
});

describe('--gctrace: the gc and scvg lines, field by field', () => {
  for (const arch of ARCHES) {
    it(arch, () => {
      const r = runGasm(`${dir}gctrace.gasm`, arch, { gctrace: true });
      expect(r.exit, r.err).toBe(0);
      const lines = r.err.trimEnd().split('\n');
      const stats = new Map(lines.filter((l) => l.startsWith('stats ')).map((l) => {
        const [, n, heap, mallocs, frees, numgc] = l.split(' ').map(Number);
        return [n!, { heap: heap!, mallocs: mallocs!, frees: frees!, numgc: numgc! }];
      }));
      const gc = lines.map((l) => /^gc(\d+)\(1\): (\d+)\+(\d+)\+(\d+)\+(\d+) us, (\d+) -> (\d+) MB, (\d+) \((\d+)-(\d+)\) objects, (\d+) goroutines, (\d+)\/0\/0 sweeps, 0\(0\) handoff, 0\(0\) steal, 0\/0\/0 yields$/.exec(l)).filter((m) => m !== null).map((m) => m.slice(1).map(Number));
      expect(gc).toHaveLength(2);
      // Collection k happened between stats 2k-1 and 2k.
      gc.forEach((g, k) => {
        const before = stats.get(2 * k + 1)!, after = stats.get(2 * k + 2)!;
        const [n, , mark, , , mbBefore, mbAfter, live, mallocs, frees, goroutines] = g as number[];
        expect(n).toBe(k + 1);
        expect(after.numgc).toBe(k + 1);
        expect([mbBefore, mbAfter]).toEqual([Math.floor(before.heap / MB), Math.floor(after.heap / MB)]);
        expect([live, mallocs, frees]).toEqual([after.mallocs - after.frees, after.mallocs, after.frees]);
        expect(goroutines).toBe(3);
        // The mark phase's virtual time: a nanosecond per word examined; the live chain is 3072 blocks of 128 pointer words.
        if (k === 0) expect(mark).toBeGreaterThanOrEqual(Math.floor((3072 * 128) / 1000));
      });
      // The second collection freed the chain: 3072 objects.
      expect(stats.get(4)!.frees - stats.get(3)!.frees).toBe(3072);
      const scvg = lines.map((l) => /^scvg(\d+): inuse: (\d+), idle: (\d+), sys: (\d+), released: (\d+), consumed: (\d+) \(MB\)$/.exec(l)).filter((m) => m !== null).map((m) => m.slice(1).map(Number));
      expect(scvg.map((s) => s[0])).toEqual([0, 1]);
      for (const [, inuse, idle, sys, released, consumed] of scvg) {
        expect(consumed).toBe(sys! - released!);
        expect(inuse! + idle!).toBeLessThanOrEqual(sys!);
      }
      // The chain's pages went back to the page heap: the scavenger released them.
      expect(r.err).toMatch(/\nscvg1: \d+ MB released\n/);
      expect(scvg[1]![2]).toBeGreaterThan(scvg[0]![2]!);
    });
  }

  it('prints the same every run (the collector\'s clock is virtual)', () => {
    const a = runGasm(`${dir}gctrace.gasm`, 'amd64', { gctrace: true }).err;
    expect(runGasm(`${dir}gctrace.gasm`, 'amd64', { gctrace: true }).err).toBe(a);
  });

  it('without --gctrace, nothing of it', () => {
    expect(runGasm(`${dir}gctrace.gasm`, 'amd64').err).not.toMatch(/^(gc|scvg)\d/m);
  });
});

describe('--checkptr', () => {
  for (const arch of ARCHES) {
    it(`${arch}: a stack address stored in the heap throws at the store`, () => {
      const plain = runGasm(`${dir}checkptr.gasm`, arch);
      expect([plain.exit, plain.err]).toEqual([0, 'stored\n']);
      const r = runGasm(`${dir}checkptr.gasm`, arch, { checkptr: true });
      expect(r.exit).toBe(2);
      expect(r.err).toMatch(/^runtime: pointer 0x[0-9a-f]+ into a goroutine stack stored at 0x[0-9a-f]+, in the heap\nfatal error: checkptr: pointer to stack stored outside a stack\n\ngoroutine 1 \[running\]:\nmain\.keep\(0x[0-9a-f]+\)\n\t\S*tests\/gc\/checkptr\.gasm:17 \+0x[0-9a-f]+ fp=/m);
    });
  }

  const run = (src: string) => {
    let err = '';
    const res = runImage(compile(src, 'p.gasm', 'amd64').image!, { checkptr: true, stderr: (c) => { err += Buffer.from(c).toString(); } });
    return { exit: res.exitCode, err };
  };

  it('names the global a stack address was stored into', () => {
    const r = run('GLOBL main.p *int\nTEXT main.main()\n    LOCAL x int\n    LEA x, R0\n    MOV R0, main.p\n    RET\n');
    expect(r.exit).toBe(2);
    expect(r.err).toMatch(/^runtime: pointer 0x[0-9a-f]+ into a goroutine stack stored at 0x[0-9a-f]+, in global main\.p\n/);
  });

  it('lets stack addresses be stored in stacks, and heap addresses anywhere', () => {
    const r = run('GLOBL main.p *int\nTEXT main.main()\n    LOCAL x int\n    LOCAL q *int\n    LEA x, R0\n    MOV R0, q\n    NEW int -> R1\n    MOV R1, main.p\n    PRINTLN $"ok"\n    RET\n');
    expect(r).toEqual({ exit: 0, err: 'ok\n' });
  });

  it('a stack address sent on a buffered channel (into its buffer) throws', () => {
    const r = run('TEXT main.main()\n    LOCAL x int\n    LOCAL c chan *int\n    MAKECHAN *int, $1 -> c\n    LEA x, R0\n    SEND c, R0\n    RET\n');
    expect(r.exit).toBe(2);
    expect(r.err).toMatch(/in a channel's buffer\nfatal error: checkptr: pointer to stack stored outside a stack\n/);
  });

  it('raises no false alarm: the other programs of tests/gc run as without it', () => {
    for (const f of gasmFiles(dir).filter((f) => !f.endsWith('checkptr.gasm'))) {
      const a = runGasm(f, 'amd64'), b = runGasm(f, 'amd64', { checkptr: true });
      expect([b.exit, b.err], f).toEqual([a.exit, a.err]);
    }
  }, 60_000);
});
