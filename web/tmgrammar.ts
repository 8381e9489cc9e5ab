// The TextMate grammar of gasm (editors/gasm.tmLanguage.json), generated
// from the token list of web/gasm-tokens.ts: `npm run grammar` writes it,
// tests/grammar.test.ts checks that the file in editors/ is current.
import { BLOCK_COMMENT, INVALID, RULES } from './gasm-tokens.js';

/** JavaScript's `\uXXXX` is Oniguruma's `\x{XXXX}`; the rest of the patterns read the same in both. */
const onig = (re: string) => re.replace(/\\u([0-9a-fA-F]{4})/g, '\\x{$1}');

export function textMateGrammar(): object {
  return {
    $comment: 'Generated from web/gasm-tokens.ts by `npm run grammar` (editors/generate.ts); do not edit.',
    name: 'gasm',
    scopeName: 'source.gasm',
    fileTypes: ['gasm'],
    patterns: [
      { name: BLOCK_COMMENT.scope, begin: onig(BLOCK_COMMENT.begin), end: onig(BLOCK_COMMENT.end) },
      ...RULES.map((r) => ({ name: r.scope, match: (r.i ? '(?i)' : '') + onig(r.re) })),
      { name: INVALID.scope, match: '\\S' },
    ],
  };
}

/** The file's text: two-space JSON and a final newline. */
export function textMateGrammarFile(): string {
  return JSON.stringify(textMateGrammar(), null, 2) + '\n';
}
