// TestStackGrowth's idea, swept: every call depth 0..200 at 1 KB per level
// hits a different distance from the guard, and in every run each frame's
// pointers into the stack (its own, and its caller's passed down) must be
// right after any number of copies — normally, when every split check moves
// the stack (--stackforcemove), and when copies poison the old and new
// stacks (--stackpoison).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import type { Image } from '../compiler/image.js';
import { ARCHES, targetOf } from '../isa/target.js';
import { runImage, type RunOptions } from '../runtime/run.js';

const SRC = readFileSync(new URL('./programs/usestack.gasm', import.meta.url), 'utf8');

function withDepth(img: Image, depth: number): Image {
  const W = targetOf(img.arch).ptrSize;
  const data = img.data.slice();
  const at = img.symbols.get('main.depth')!.addr - img.dataBase;
  new DataView(data.buffer).setUint32(at, depth, true);
  if (W === 8) new DataView(data.buffer).setUint32(at + 4, 0, true);
  return { ...img, data };
}

const MODES: Record<string, Partial<RunOptions>> = {
  normal: {},
  stackforcemove: { stackForceMove: true },
  stackpoison: { stackPoison: true },
};

describe('pointers into the stack survive growth at every depth', () => {
  for (const arch of ARCHES) {
    for (const [mode, opts] of Object.entries(MODES)) {
      it(`${arch}, ${mode}, depths 0..200`, () => {
        const r = compile(SRC, 'usestack.gasm', arch);
        expect(r.diagnostics).toEqual([]);
        const failures: string[] = [];
        let growths = 0;
        for (let depth = 0; depth <= 200; depth++) {
          let err = '';
          const res = runImage(withDepth(r.image!, depth), { ...opts, maxMemory: 32 << 20, maxSteps: 5_000_000, stderr: (c) => { err += Buffer.from(c).toString(); } });
          growths += res.stats.stackGrowths;
          if (res.exitCode !== 0 || err !== 'ok 1000\n') failures.push(`depth ${depth}: exit ${res.exitCode}: ${err.split('\n')[0]}`);
        }
        expect(failures).toEqual([]);
        // The sweep must really exercise copying: about one growth per doubling, and many more when forced.
        expect(growths).toBeGreaterThan(mode === 'stackforcemove' ? 200 * 50 : 800);
      });
    }
  }
});
