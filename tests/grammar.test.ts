// The gasm token list (web/gasm-tokens.ts), from which the playground's
// editor grammar and editors/gasm.tmLanguage.json are made: the TextMate
// file is current, the word lists are the compiler's, and every program in
// the repository tokenizes with no unknown token, each token starting where
// the compiler's own lexer starts one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../compiler/diag.js';
import { lex } from '../compiler/lexer.js';
import { JCC_CONDS } from '../compiler/lower.js';
import { PSEUDO } from '../compiler/pseudo.js';
import { INSTRUCTIONS, PSEUDOS, RULES, tokenize } from '../web/gasm-tokens.js';
import { textMateGrammarFile } from '../web/tmgrammar.js';
import { gasmFiles } from './helpers/gasmFiles.js';

const ROOT = new URL('..', import.meta.url).pathname;
const files = [...gasmFiles(`${ROOT}examples`), ...gasmFiles(`${ROOT}tests`), ...gasmFiles(`${ROOT}bench`)];

describe('the gasm token list', () => {
  it('editors/gasm.tmLanguage.json is generated from it and current (else: npm run grammar)', () => {
    expect(readFileSync(`${ROOT}editors/gasm.tmLanguage.json`, 'utf8')).toBe(textMateGrammarFile());
  });

  it("names the compiler's pseudo-instructions and conditional jumps", () => {
    expect(new Set(PSEUDOS)).toEqual(PSEUDO);
    for (const j of Object.keys(JCC_CONDS)) expect(INSTRUCTIONS).toContain(j);
  });

  it('every pattern is a valid regular expression', () => {
    for (const r of RULES) expect(() => new RegExp(r.re, 'y')).not.toThrow();
  });

  it(`tokenizes all ${files.length} programs (examples, tests, bench) with no unknown token`, () => {
    expect(files.length).toBeGreaterThan(20);
    const unknown: string[] = [];
    const misaligned: string[] = [];
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      const lines = tokenize(src);
      for (const l of lines) {
        for (const t of l.tokens) if (t.cls === 'invalid') unknown.push(`${f.slice(ROOT.length)}:${l.line}:${t.from + 1}: ${JSON.stringify(l.text.slice(t.from, t.to))}`);
      }
      // Where the compiler's lexer starts a token, the token list starts one too.
      const d = new Diagnostics();
      for (const { line, toks } of lex(src, d)) {
        const starts = new Set(lines[line - 1]!.tokens.map((t) => t.from + 1));
        for (const t of toks) if (!starts.has(t.pos.col)) misaligned.push(`${f.slice(ROOT.length)}:${line}:${t.pos.col}: ${t.text}`);
      }
    }
    expect(unknown).toEqual([]);
    expect(misaligned).toEqual([]);
  });

  it('marks what is not gasm as unknown', () => {
    const cls = (s: string) => tokenize(s)[0]!.tokens.map((t) => t.cls);
    expect(cls('MOV R0, #1')).toContain('invalid');
    expect(cls('loop: mov $0x10, r1 // c')).toEqual(['label', 'operator', 'instruction', 'operator', 'number', 'operator', 'register', 'comment']);
    expect(cls('TEXT main.f(p *int) (r int), NOSPLIT, $64')).toEqual(['declaration', 'symbol', 'operator', 'name', 'operator', 'type', 'operator', 'operator', 'name', 'type', 'operator', 'operator', 'flag', 'operator', 'operator', 'number']);
    expect(tokenize('/* a\nb */ RET')[1]!.tokens.map((t) => t.cls)).toEqual(['comment', 'instruction']);
  });
});
