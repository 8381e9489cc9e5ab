// gasm for CodeMirror 6: a StreamLanguage driven by the token list of
// web/gasm-tokens.ts (the same list the TextMate grammar is made from), and
// the colours of each token class.
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { tags as t, type Tag } from '@lezer/highlight';
import { nextToken, type LexState, type TokenClass } from './gasm-tokens.js';

const TAGS: Record<TokenClass, Tag> = {
  comment: t.comment, string: t.string, char: t.character, number: t.number,
  declaration: t.definitionKeyword, flag: t.modifier, instruction: t.keyword, pseudo: t.macroName,
  register: t.special(t.variableName), type: t.typeName, constant: t.bool, label: t.labelName,
  symbol: t.function(t.variableName), name: t.variableName, operator: t.operator, invalid: t.invalid,
};

export const gasmLanguage = StreamLanguage.define<LexState>({
  name: 'gasm',
  startState: () => ({ inBlock: false }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    const tok = nextToken(stream.string, stream.pos, state);
    if (!tok) { stream.skipToEnd(); return null; }
    if (tok.from > stream.pos) { stream.pos = tok.from; return null; }
    stream.pos = tok.to;
    return tok.cls;
  },
  tokenTable: TAGS,
  languageData: { commentTokens: { line: '//', block: { open: '/*', close: '*/' } } },
});

export const gasmHighlight = syntaxHighlighting(HighlightStyle.define([
  { tag: t.comment, color: '#6a737d', fontStyle: 'italic' },
  { tag: [t.string, t.character], color: '#0a7d32' },
  { tag: t.number, color: '#b35900' },
  { tag: t.definitionKeyword, color: '#8a2be2', fontWeight: 'bold' },
  { tag: t.modifier, color: '#c2185b', fontWeight: 'bold' },
  { tag: t.keyword, color: '#0b57d0', fontWeight: 'bold' },
  { tag: t.macroName, color: '#c2185b' },
  { tag: t.special(t.variableName), color: '#9c4400' },
  { tag: t.typeName, color: '#00796b' },
  { tag: t.bool, color: '#b35900' },
  { tag: t.labelName, color: '#6d4c41', fontWeight: 'bold' },
  { tag: t.function(t.variableName), color: '#1d4ed8' },
  { tag: t.operator, color: '#555' },
  { tag: t.invalid, color: '#fff', backgroundColor: '#d32f2f' },
]));
