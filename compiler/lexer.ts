// The gasm lexer: one token list per source line (comments removed,
// `/* … */` may span lines). Bad literals become diagnostics and an
// 'error' token, so the parser can go on.
import { withoutBOM, type Diagnostics, type Pos } from './diag.js';
import { NO_DEADLINE, type Deadline } from './limits.js';

export type TokKind = 'ident' | 'num' | 'char' | 'str' | 'punct' | 'error';

export interface Tok {
  readonly kind: TokKind;
  readonly text: string;
  readonly pos: Pos;
  /** num and char: the value; str: the bytes (UTF-8). */
  readonly num?: bigint;
  readonly bytes?: Uint8Array;
}

export interface Line {
  readonly line: number;
  readonly toks: Tok[];
}

const PUNCT3 = ['<<', '>>', '->', '&^'];
const PUNCT1 = '()[],:$&+-*/%|^=~';

const BOM = '\uFEFF';
const isIdentStart = (c: string) => /[A-Za-z_\u00b7]/.test(c) || (c > '\u007f' && c !== BOM);
const isIdentPart = (c: string) => /[A-Za-z0-9_.\u00b7]/.test(c) || (c > '\u007f' && c !== BOM);

export function lex(source: string, diags: Diagnostics, deadline: Deadline = NO_DEADLINE): Line[] {
  const lines: Line[] = [];
  const src = withoutBOM(source).split('\n');
  let inBlock = false;
  let blockStart: Pos = { line: 1, col: 1 };
  src.forEach((raw, i) => {
    deadline.tick();
    const lineNo = i + 1;
    const text = raw.replace(/\r$/, '');
    const toks: Tok[] = [];
    let p = 0;
    const pos = (at: number): Pos => ({ line: lineNo, col: at + 1 });
    while (p < text.length) {
      if (inBlock) {
        const end = text.indexOf('*/', p);
        if (end < 0) { p = text.length; break; }
        inBlock = false;
        p = end + 2;
        continue;
      }
      const c = text[p]!;
      if (c === ' ' || c === '\t') { p++; continue; }
      if (text.startsWith('//', p)) break;
      if (text.startsWith('/*', p)) { inBlock = true; blockStart = pos(p); p += 2; continue; }
      const start = p;
      if (isIdentStart(c)) {
        while (p < text.length && isIdentPart(text[p]!)) p++;
        toks.push({ kind: 'ident', text: text.slice(start, p).replace(/\u00b7/g, '.'), pos: pos(start) });
        continue;
      }
      if (/[0-9]/.test(c)) {
        while (p < text.length && /[0-9A-Za-z_]/.test(text[p]!)) p++;
        const lit = text.slice(start, p);
        const v = parseNumber(lit);
        if (v === null) {
          diags.error(pos(start), `bad number literal ${lit}`);
          toks.push({ kind: 'error', text: lit, pos: pos(start) });
        } else {
          toks.push({ kind: 'num', text: lit, pos: pos(start), num: v });
        }
        continue;
      }
      if (c === '"') {
        const r = scanString(text, p);
        if (r.error !== null) {
          diags.error(pos(r.errorAt), r.error);
          toks.push({ kind: 'error', text: text.slice(start, r.end), pos: pos(start) });
        } else {
          toks.push({ kind: 'str', text: text.slice(start, r.end), pos: pos(start), bytes: r.bytes });
        }
        p = r.end;
        continue;
      }
      if (c === "'") {
        const r = scanChar(text, p);
        if (r.error !== null) {
          diags.error(pos(start), r.error);
          toks.push({ kind: 'error', text: text.slice(start, r.end), pos: pos(start) });
        } else {
          toks.push({ kind: 'char', text: text.slice(start, r.end), pos: pos(start), num: BigInt(r.value) });
        }
        p = r.end;
        continue;
      }
      const two = text.slice(p, p + 2);
      if (PUNCT3.includes(two)) {
        toks.push({ kind: 'punct', text: two, pos: pos(start) });
        p += 2;
        continue;
      }
      if (PUNCT1.includes(c)) {
        toks.push({ kind: 'punct', text: c, pos: pos(start) });
        p++;
        continue;
      }
      diags.error(pos(start), c === BOM ? 'invalid BOM in the middle of the file' : `unexpected character ${JSON.stringify(c)}`);
      toks.push({ kind: 'error', text: c, pos: pos(start) });
      p++;
    }
    lines.push({ line: lineNo, toks });
  });
  if (inBlock) diags.error(blockStart, 'comment not terminated');
  return lines;
}

export function parseNumber(lit: string): bigint | null {
  const s = lit.replace(/_/g, '');
  if (lit.endsWith('_') || lit.includes('__')) return null;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) return BigInt(s);
  if (/^0[bB][01]+$/.test(s)) return BigInt(s);
  if (/^0[oO][0-7]+$/.test(s)) return BigInt('0o' + s.slice(2));
  if (/^0[0-7]*$/.test(s)) return s.length > 1 ? BigInt('0o' + s.slice(1)) : 0n;
  if (/^[1-9][0-9]*$/.test(s)) return BigInt(s);
  return null;
}

interface StrScan { end: number; bytes: Uint8Array; error: string | null; errorAt: number }

const SIMPLE_ESC: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39 };

function scanString(text: string, p: number): StrScan {
  const out: number[] = [];
  const enc = new TextEncoder();
  let i = p + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return { end: i + 1, bytes: Uint8Array.from(out), error: null, errorAt: 0 };
    if (c === '\\') {
      const e = scanEscape(text, i, '"');
      if (e.error !== null) return { end: text.length, bytes: new Uint8Array(), error: e.error, errorAt: i };
      if (e.byte) out.push(e.value); else out.push(...enc.encode(String.fromCodePoint(e.value)));
      i = e.end;
      continue;
    }
    const cp = text.codePointAt(i)!;
    out.push(...enc.encode(String.fromCodePoint(cp)));
    i += cp > 0xffff ? 2 : 1;
  }
  return { end: text.length, bytes: new Uint8Array(), error: 'string literal not terminated', errorAt: p };
}

interface EscScan { end: number; value: number; byte: boolean; error: string | null }

function scanEscape(text: string, i: number, quote: string): EscScan {
  const c = text[i + 1];
  if (c === undefined) return { end: i + 1, value: 0, byte: false, error: 'escape sequence not terminated' };
  if (c in SIMPLE_ESC && (c !== "'" || quote === "'") && (c !== '"' || quote === '"')) {
    return { end: i + 2, value: SIMPLE_ESC[c]!, byte: false, error: null };
  }
  const hexEsc = (n: number, byte: boolean): EscScan => {
    const digits = text.slice(i + 2, i + 2 + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) return { end: i + 2, value: 0, byte, error: 'invalid escape sequence' };
    const v = parseInt(digits, 16);
    if (!byte && (v > 0x10ffff || (v >= 0xd800 && v < 0xe000))) return { end: i + 2 + n, value: 0, byte, error: 'escape sequence is invalid Unicode code point' };
    return { end: i + 2 + n, value: v, byte, error: null };
  };
  if (c === 'x') return hexEsc(2, true);
  if (c === 'u') return hexEsc(4, false);
  if (c === 'U') return hexEsc(8, false);
  if (/[0-7]/.test(c)) {
    const digits = text.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(digits)) return { end: i + 2, value: 0, byte: true, error: 'invalid escape sequence' };
    const v = parseInt(digits, 8);
    if (v > 255) return { end: i + 4, value: 0, byte: true, error: 'octal escape value > 255' };
    return { end: i + 4, value: v, byte: true, error: null };
  }
  return { end: i + 2, value: 0, byte: false, error: 'unknown escape sequence' };
}

function scanChar(text: string, p: number): { end: number; value: number; error: string | null } {
  let i = p + 1;
  let value: number;
  if (text[i] === '\\') {
    const e = scanEscape(text, i, "'");
    if (e.error !== null) return { end: Math.min(e.end + 1, text.length), value: 0, error: e.error };
    value = e.value;
    i = e.end;
  } else if (text[i] === undefined || text[i] === "'") {
    return { end: Math.min(i + 1, text.length), value: 0, error: 'empty character literal or unescaped \' in character literal' };
  } else {
    value = text.codePointAt(i)!;
    i += value > 0xffff ? 2 : 1;
  }
  if (text[i] !== "'") return { end: text.length, value: 0, error: 'character literal not terminated' };
  return { end: i + 1, value, error: null };
}
