// Defer records and their pools (runtime/panic.ts, seed 004): a record is
// taken from the P's pool of its size class when one is there, else from
// the heap; the arguments follow the header; a freed record goes back to
// its pool with its header zeroed. Watched through the runtime's newdefer
// and freedefer events while tests/programs/deferpool.gasm defers calls with
// 1, 2, 3 and 5 words of arguments.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Defer } from '../abi/runtime2.js';
import { compile } from '../compiler/compile.js';
import { ARCHES, targetOf } from '../isa/target.js';
import type { RuntimeEvent } from '../runtime/events.js';
import { RUNNING, start } from '../runtime/run.js';

const SRC = readFileSync(new URL('./programs/deferpool.gasm', import.meta.url), 'utf8');

/** Seed 004's classes: the header rounded up to 16 bytes leaves minArgs; every 16 bytes more is a class. */
function expectedClass(W: number, siz: number): number {
  const minArgs = Math.ceil((Defer.words * W) / 16) * 16 - Defer.words * W;
  return siz <= minArgs ? 0 : Math.ceil((siz - minArgs) / 16);
}

describe('defer records are reused from the pool of their size class, zeroed', () => {
  for (const arch of ARCHES) {
    it(arch, () => {
      const W = targetOf(arch).ptrSize;
      const img = compile(SRC, 'deferpool.gasm', arch).image!;
      const events: Extract<RuntimeEvent, { k: 'newdefer' | 'freedefer' }>[] = [];
      const headers: number[][] = [];
      let err = '';
      const run = start(img, {
        stderr: (c) => { err += new TextDecoder().decode(c); },
        observer: (e) => {
          if (e.k !== 'newdefer' && e.k !== 'freedefer') return;
          events.push(e);
          if (e.k === 'freedefer') {
            const mem = run.memory;
            headers.push(Array.from({ length: Defer.words }, (_, i) => (i === Defer.link ? 0 : mem.ldw(e.addr + i * W, W))));
          }
        },
      });
      let r;
      while ((r = run.resume()) === RUNNING);
      expect([r.exitCode, err]).toEqual([0, '1\n1 2\n1 2 3\n1 2 3 4 5\n1\n']);

      const news = events.filter((e) => e.k === 'newdefer');
      expect(news.map((e) => e.siz)).toEqual([W, 2 * W, 3 * W, 5 * W, W]);
      // Each size falls in seed 004's class.
      for (const e of news) expect(e.sizeClass).toBe(expectedClass(W, e.siz));
      // Every freed record is zeroed (its link aside: it chains the pool).
      expect(headers.length).toBe(5);
      for (const h of headers) expect(h).toEqual(new Array(Defer.words).fill(0));
      // A record is reused exactly when a record of its class was freed before: the same one.
      const free = new Map<number, number[]>();
      for (const e of events) {
        if (e.k === 'freedefer') { (free.get(e.sizeClass) ?? free.set(e.sizeClass, []).get(e.sizeClass)!).push(e.addr); continue; }
        const pool = free.get(e.sizeClass) ?? [];
        expect(e.reused).toBe(pool.length > 0);
        if (e.reused) expect(e.addr).toBe(pool.pop());
      }
      // Sizes that share a class share a record; the last defer takes the first one's back.
      const cls = news.map((e) => e.sizeClass);
      for (let i = 1; i < news.length; i++) {
        const j = cls.lastIndexOf(cls[i]!, i - 1);
        if (j >= 0) expect(news[i]!.addr).toBe(news[j]!.addr);
      }
      expect(news[4]!.addr).toBe(news[0]!.addr);
      // Two different argument sizes that round to one class got one record.
      const shared = news.some((a, i) => news.some((b, j) => j > i && a.siz !== b.siz && a.sizeClass === b.sizeClass && a.addr === b.addr));
      expect(shared).toBe(true);
    });
  }
});
