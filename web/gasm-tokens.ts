// The one list of gasm's token classes (docs/gasm.md, "Lexical rules" and
// the instruction sections): the playground's CodeMirror grammar
// (web/gasm-lang.ts) and the TextMate grammar in editors/
// (web/tmgrammar.ts) are both made from it, and tests/grammar.test.ts
// tokenizes every program of the repository with it. The words follow the
// compiler (compiler/lower.ts, compiler/pseudo.ts, compiler/parser.ts).
// No DOM and no Node.js here.

/** A token class: its name, its TextMate scope, and the pattern (JavaScript and Oniguruma both read it). */
export interface TokenRule {
  readonly cls: TokenClass;
  readonly scope: string;
  /** A regular expression without flags; `\uXXXX` escapes only (the TextMate generator rewrites them). */
  readonly re: string;
  /** Case-insensitive (mnemonics, declaration words, flags and registers are, docs/gasm.md). */
  readonly i?: boolean;
}

export type TokenClass =
  | 'comment' | 'string' | 'char' | 'number' | 'declaration' | 'flag' | 'instruction' | 'pseudo'
  | 'register' | 'type' | 'constant' | 'label' | 'symbol' | 'name' | 'operator' | 'invalid';

export const DECLARATIONS = ['TEXT', 'GLOBL', 'TYPE', 'LOCAL', 'CAPTURES'];
export const FLAGS = ['NOSPLIT', 'NOFRAME'];
export const INSTRUCTIONS = [
  'MOVB', 'MOV', 'LEA', 'ADD', 'SUB', 'MUL', 'AND', 'OR', 'XOR', 'SHL', 'SHR', 'SAR', 'DIV', 'MOD', 'NEG', 'NOT', 'CMP',
  'JEQ', 'JNE', 'JLT', 'JLE', 'JGT', 'JGE', 'JLO', 'JLS', 'JHI', 'JHS', 'JMP', 'CALL', 'RET', 'BOUNDS', 'NOP',
];
export const PSEUDOS = [
  'PRINTLN', 'PRINT', 'DEFER', 'GO', 'PANIC', 'RECOVER', 'UNBOX', 'CONCAT', 'ISNIL', 'NEW', 'CLOSURE',
  'MAKECHAN', 'SEND', 'RECV', 'CLOSE',
];
export const REGISTERS = ['R0', 'R1', 'R2', 'R3', 'R4', 'R5'];
export const TYPES = ['uintptr', 'uint', 'int', 'byte', 'bool', 'string', 'any', 'error', 'func', 'chan', 'closure'];
export const CONSTANTS = ['true', 'false', 'W'];

const words = (ws: readonly string[]) => `(?:${ws.join('|')})(?![A-Za-z0-9_.\\u00b7\\u0080-\\uffff])`;
const IDENT_START = '[A-Za-z_\\u00b7\\u0080-\\uffff]';
const IDENT_PART = '[A-Za-z0-9_\\u00b7\\u0080-\\uffff]';

/** Where a block comment starts and ends (it may span lines). */
export const BLOCK_COMMENT = { begin: '/\\*', end: '\\*/', scope: 'comment.block.gasm' };

/** In order: the first rule that matches at a position wins. */
export const RULES: readonly TokenRule[] = [
  { cls: 'comment', scope: 'comment.line.double-slash.gasm', re: '//.*' },
  { cls: 'string', scope: 'string.quoted.double.gasm', re: '"(?:[^"\\\\]|\\\\.)*"' },
  { cls: 'char', scope: 'constant.character.gasm', re: "'(?:[^'\\\\]|\\\\[^']+)'" },
  { cls: 'number', scope: 'constant.numeric.gasm', re: `(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*)(?!${IDENT_PART})` },
  { cls: 'symbol', scope: 'entity.name.function.gasm', re: `${IDENT_START}${IDENT_PART}*(?:\\.${IDENT_PART}*)+` },
  { cls: 'label', scope: 'entity.name.label.gasm', re: `${IDENT_START}${IDENT_PART}*(?=[ \\t]*:)` },
  { cls: 'declaration', scope: 'keyword.declaration.gasm', re: words(DECLARATIONS), i: true },
  { cls: 'flag', scope: 'storage.modifier.gasm', re: words(FLAGS), i: true },
  { cls: 'instruction', scope: 'keyword.other.instruction.gasm', re: words(INSTRUCTIONS), i: true },
  { cls: 'pseudo', scope: 'support.function.pseudo.gasm', re: words(PSEUDOS), i: true },
  { cls: 'register', scope: 'variable.language.register.gasm', re: words(REGISTERS), i: true },
  { cls: 'type', scope: 'support.type.gasm', re: words(TYPES) },
  { cls: 'constant', scope: 'constant.language.gasm', re: words(CONSTANTS) },
  { cls: 'name', scope: 'variable.other.gasm', re: `${IDENT_START}${IDENT_PART}*` },
  { cls: 'operator', scope: 'keyword.operator.gasm', re: '<<|>>|->|&\\^|[()\\[\\],:$&+\\-*/%|^=~]' },
];

/** Anything no rule matches: one character, marked invalid. */
export const INVALID = { cls: 'invalid' as const, scope: 'invalid.illegal.gasm' };

export interface Token {
  readonly cls: TokenClass;
  readonly from: number;
  readonly to: number;
}

const compiled = RULES.map((r) => ({ cls: r.cls, re: new RegExp(r.re, r.i ? 'iy' : 'y') }));
const blockEnd = new RegExp(BLOCK_COMMENT.end, 'g');
const blockBegin = new RegExp(BLOCK_COMMENT.begin, 'y');

/** The tokenizer's state between lines: inside a block comment or not. */
export interface LexState { inBlock: boolean }

/**
 * The next token of `line` at `pos` (after spaces), or null at the end of the
 * line. Updates `state` for block comments.
 */
export function nextToken(line: string, pos: number, state: LexState): Token | null {
  while (pos < line.length && (line[pos] === ' ' || line[pos] === '\t' || line[pos] === '\r')) pos++;
  if (pos >= line.length) return null;
  blockBegin.lastIndex = pos;
  if (state.inBlock || blockBegin.test(line)) {
    // A block comment: from here to its `*/`, or to the end of the line and on.
    blockEnd.lastIndex = state.inBlock ? pos : pos + 2;
    state.inBlock = true;
    const m = blockEnd.exec(line);
    if (!m) return { cls: 'comment', from: pos, to: line.length };
    state.inBlock = false;
    return { cls: 'comment', from: pos, to: m.index + m[0].length };
  }
  for (const r of compiled) {
    r.re.lastIndex = pos;
    const m = r.re.exec(line);
    if (m && m[0].length > 0) return { cls: r.cls, from: pos, to: pos + m[0].length };
  }
  return { cls: 'invalid', from: pos, to: pos + 1 };
}

/** Every token of a whole source text, line by line. */
export function tokenize(source: string): { line: number; tokens: Token[]; text: string }[] {
  const state: LexState = { inBlock: false };
  return source.split('\n').map((text, i) => {
    const tokens: Token[] = [];
    for (let t = nextToken(text, 0, state); t; t = nextToken(text, t.to, state)) tokens.push(t);
    return { line: i + 1, tokens, text };
  });
}
