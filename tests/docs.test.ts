// docs/gasm.md teaches by example: every gasm block in it is a whole
// program. The ones marked "(does not compile)" must fail to compile; the
// others must compile on every target, and those with // expect lines must
// meet them on every target (the matrix's judgement). A change that makes
// the reference wrong fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCell } from '../cli/matrix.js';
import { compile } from '../compiler/compile.js';
import { ARCHES } from '../isa/target.js';

const DOC = readFileSync(new URL('../docs/gasm.md', import.meta.url), 'utf8');
const blocks = [...DOC.matchAll(/```gasm\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/gasm.md: every example is what the text says', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThanOrEqual(30));
  blocks.forEach((src, i) => {
    const title = src.split('\n')[0]!.replace(/^\/\/\s*/, '');
    it(`${i + 1}: ${title}`, () => {
      const broken = /\(does not compile\)/.test(src.split('\n')[0]!);
      for (const arch of ARCHES) {
        const r = compile(src, 'example.gasm', arch);
        expect(r.image === null, `${arch}: ${r.diagnostics.map((d) => d.message).join('; ')}`).toBe(broken);
        if (broken || !/\/\/ expect/.test(src)) continue;
        const cell = runCell('example.gasm', src, arch);
        expect(cell.problems, arch).toEqual([]);
      }
    });
  });
});
