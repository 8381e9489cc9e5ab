// The gasm parser: token lines -> Program. Errors are collected; a bad line
// is skipped and parsing goes on, so one run reports every problem.
import type { CallTarget, Decl, Expr, Instr, Operand, Param, Program, TextDecl, TypeExpr } from './ast.js';
import type { Diagnostics, Pos } from './diag.js';
import { lex, type Tok } from './lexer.js';
import { MAX_NESTING, nestingMessage, NO_DEADLINE, type Deadline } from './limits.js';

class ParseError extends Error {
  constructor(readonly pos: Pos, message: string) { super(message); }
}

/** A register name R0..R5 (case-insensitive), or -1. */
export function portableReg(name: string): number {
  const m = /^[rR]([0-5])$/.exec(name);
  return m ? Number(m[1]) : -1;
}

/** Names that look like a register of some target: they may not name slots. */
export function looksLikeRegister(name: string): boolean {
  return /^(R[0-9]+|[ABCD]X|[SD]I|[SB]P|SB|FP|PC|TLS|W|G)$/i.test(name);
}

class Cursor {
  i = 0;
  /** Levels of expression and type nesting open at the cursor (see nested()). */
  depth = 0;
  constructor(readonly toks: Tok[], readonly endPos: Pos) {}
  peek(o = 0): Tok | undefined { return this.toks[this.i + o]; }
  next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new ParseError(this.endPos, 'unexpected end of line');
    return t;
  }
  atEnd(): boolean { return this.i >= this.toks.length; }
  isPunct(text: string, o = 0): boolean {
    const t = this.peek(o);
    return t !== undefined && t.kind === 'punct' && t.text === text;
  }
  accept(text: string): boolean {
    if (this.isPunct(text)) { this.i++; return true; }
    return false;
  }
  expect(text: string): Tok {
    const t = this.peek();
    if (!t || t.kind !== 'punct' || t.text !== text) {
      throw new ParseError(t?.pos ?? this.endPos, `expected ${text}, found ${t ? describe(t) : 'end of line'}`);
    }
    this.i++;
    return t;
  }
  ident(what: string): Tok {
    const t = this.peek();
    if (!t || t.kind !== 'ident') throw new ParseError(t?.pos ?? this.endPos, `expected ${what}, found ${t ? describe(t) : 'end of line'}`);
    this.i++;
    return t;
  }
  pos(): Pos { return this.peek()?.pos ?? this.endPos; }
}

/**
 * Parse one level deeper. The parsers recurse once per level, and so do the
 * evaluator and the type resolver on what they build: MAX_NESTING bounds them
 * all, and the level that crosses it is reported at its first token.
 */
function nested<T>(cur: Cursor, at: Pos, what: 'expression' | 'type', parse: () => T): T {
  if (cur.depth >= MAX_NESTING) throw new ParseError(at, nestingMessage(what));
  cur.depth++;
  try {
    return parse();
  } finally {
    cur.depth--;
  }
}

function describe(t: Tok): string {
  return t.kind === 'str' ? 'string literal' : `'${t.text}'`;
}

const DECL_WORDS = new Set(['TEXT', 'GLOBL', 'TYPE']);

export function parse(source: string, diags: Diagnostics, deadline: Deadline = NO_DEADLINE): Program {
  const lines = lex(source, diags, deadline);
  const decls: Decl[] = [];
  let fn: TextDecl | null = null;
  for (const { line, toks } of lines) {
    deadline.tick();
    if (toks.length === 0) continue;
    if (toks.some((t) => t.kind === 'error')) { // already diagnosed by the lexer
      if (fn) fn.broken = true;
      continue;
    }
    const last = toks[toks.length - 1]!;
    const cur = new Cursor(toks, { line, col: last.pos.col + last.text.length });
    try {
      const head = toks[0]!;
      const word = head.kind === 'ident' ? head.text.toUpperCase() : '';
      if (DECL_WORDS.has(word) && !cur.isPunct(':', 1)) {
        cur.next();
        if (fn) fn.endLine = line - 1;
        fn = null;
        if (word === 'TEXT') { fn = parseText(cur, head.pos, diags); decls.push(fn); continue; }
        else if (word === 'GLOBL') decls.push(parseGlobal(cur, head.pos));
        else decls.push({ k: 'type', ...parseTypeDecl(cur) });
        expectEnd(cur);
        continue;
      }
      if (!fn) throw new ParseError(head.pos, 'instruction outside of a function (missing TEXT)');
      fn.endLine = line;
      if (word === 'LOCAL' || word === 'CAPTURES') {
        if (fn.body.length > 0 || fn.labels.size > 0) throw new ParseError(head.pos, `${word} must come before the first instruction`);
        if (word === 'CAPTURES' && (fn.captures.length > 0 || fn.locals.length > 0)) {
          throw new ParseError(head.pos, 'CAPTURES must come right after TEXT');
        }
        cur.next();
        if (word === 'LOCAL') {
          const name = cur.ident('local name');
          fn.locals.push({ name: name.text, pos: name.pos, type: parseType(cur) });
        } else {
          fn.captures.push(...parseParamList(cur, true));
        }
        expectEnd(cur);
        continue;
      }
      while (cur.peek()?.kind === 'ident' && cur.isPunct(':', 1)) {
        const label = cur.next();
        cur.next();
        if (fn.labels.has(label.text)) {
          diags.error(label.pos, `label ${label.text} already defined at line ${fn.labels.get(label.text)!.pos.line}`);
        } else {
          fn.labels.set(label.text, { index: fn.body.length, pos: label.pos });
        }
      }
      if (cur.atEnd()) continue;
      fn.body.push(parseInstr(cur, line));
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      diags.error(e.pos, e.message);
      if (fn) fn.broken = true;
    }
  }
  return { decls };
}

function expectEnd(cur: Cursor) {
  const t = cur.peek();
  if (t) throw new ParseError(t.pos, `unexpected ${describe(t)} at end of line`);
}

/** A TEXT line; an error after the name is reported and the function still exists (no cascade). */
function parseText(cur: Cursor, pos: Pos, diags: Diagnostics): TextDecl {
  const name = cur.ident('function name');
  const decl: TextDecl = {
    k: 'text', name: name.text, pos: name.pos ?? pos, params: [], results: [], nosplit: false, noframe: false, frame: null,
    locals: [], captures: [], body: [], labels: new Map(), endLine: name.pos.line, broken: false,
  };
  const d = decl as { -readonly [K in keyof TextDecl]: TextDecl[K] };
  try {
    cur.expect('(');
    d.params = parseParamList(cur, false);
    if (cur.isPunct('(')) {
      cur.next();
      d.results = parseParamList(cur, false);
    }
    while (cur.accept(',')) {
      if (cur.accept('$')) {
        if (d.frame) throw new ParseError(cur.pos(), 'frame size given twice');
        d.frame = parseExpr(cur);
        continue;
      }
      do {
        const f = cur.ident('NOSPLIT, NOFRAME or $frame');
        const up = f.text.toUpperCase();
        if (up === 'NOSPLIT') d.nosplit = true;
        else if (up === 'NOFRAME') d.noframe = true;
        else throw new ParseError(f.pos, `unknown function flag ${f.text} (want NOSPLIT or NOFRAME)`);
      } while (cur.accept('|'));
    }
    expectEnd(cur);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    diags.error(e.pos, e.message);
    cur.i = cur.toks.length;
  }
  return decl;
}

/** `(a, b int, p *T)` after the opening parenthesis; consumes the closing one. */
function parseParamList(cur: Cursor, open: boolean): Param[] {
  if (open) cur.expect('(');
  const entries: { name: Tok; type: TypeExpr | null }[] = [];
  if (cur.accept(')')) return [];
  for (;;) {
    const name = cur.ident('parameter name');
    let type: TypeExpr | null = null;
    if (!cur.isPunct(',') && !cur.isPunct(')')) type = parseType(cur);
    entries.push({ name, type });
    if (cur.accept(')')) break;
    cur.expect(',');
  }
  const out: Param[] = [];
  let pending: Tok[] = [];
  for (const e of entries) {
    pending.push(e.name);
    if (e.type) {
      for (const n of pending) out.push({ name: n.text, pos: n.pos, type: e.type });
      pending = [];
    }
  }
  if (pending.length > 0) throw new ParseError(pending[pending.length - 1]!.pos, `missing type for ${pending[pending.length - 1]!.text}`);
  return out;
}

function parseGlobal(cur: Cursor, pos: Pos): Decl {
  const name = cur.ident('global name');
  const type = parseType(cur);
  let init: Operand | null = null;
  if (cur.accept('=')) {
    cur.accept('$');
    const t = cur.peek();
    if (t?.kind === 'str') { cur.next(); init = { k: 'str', bytes: t.bytes!, pos: t.pos }; }
    else if (t?.kind === 'ident' && (t.text === 'true' || t.text === 'false')) { cur.next(); init = { k: 'bool', v: t.text === 'true', pos: t.pos }; }
    else { const p = cur.pos(); init = { k: 'imm', expr: parseExpr(cur), pos: p }; }
  }
  return { k: 'global', name: name.text, type, init, pos: name.pos ?? pos };
}

function parseTypeDecl(cur: Cursor): { name: string; type: TypeExpr; pos: Pos } {
  const name = cur.ident('type name');
  return { name: name.text, pos: name.pos, type: parseType(cur) };
}

export function parseType(cur: Cursor): TypeExpr {
  const pos = cur.pos();
  if (cur.accept('*')) return nested(cur, pos, 'type', () => ({ k: 'ptr', elem: parseType(cur), pos }));
  if (cur.accept('[')) {
    return nested(cur, pos, 'type', () => {
      const len = parseExpr(cur);
      cur.expect(']');
      return { k: 'array', len, elem: parseType(cur), pos };
    });
  }
  const t = cur.ident('type');
  if (t.text === 'chan') return nested(cur, pos, 'type', () => ({ k: 'chan', elem: parseType(cur), pos }));
  if (t.text === 'closure') return { k: 'closure', fn: cur.ident('function name').text, pos };
  return { k: 'name', name: t.text, pos };
}

// ---- constant expressions (Go precedence: * / % << >> & &^ bind tighter than + - | ^)

const MUL_OPS = new Set(['*', '/', '%', '<<', '>>', '&', '&^']);
const ADD_OPS = new Set(['+', '-', '|', '^']);

export function parseExpr(cur: Cursor): Expr {
  let l = parseTerm(cur);
  for (;;) {
    const t = cur.peek();
    if (!t || t.kind !== 'punct' || !ADD_OPS.has(t.text)) return l;
    cur.next();
    l = { k: 'bin', op: t.text, l, r: parseTerm(cur), pos: t.pos };
  }
}

function parseTerm(cur: Cursor): Expr {
  let l = parseUnary(cur);
  for (;;) {
    const t = cur.peek();
    if (!t || t.kind !== 'punct' || !MUL_OPS.has(t.text)) return l;
    cur.next();
    l = { k: 'bin', op: t.text, l, r: parseUnary(cur), pos: t.pos };
  }
}

function parseUnary(cur: Cursor): Expr {
  const t = cur.peek();
  if (t?.kind === 'punct' && (t.text === '-' || t.text === '+' || t.text === '^')) {
    cur.next();
    return nested(cur, t.pos, 'expression', () => ({ k: 'un', op: t.text as '-' | '+' | '^', x: parseUnary(cur), pos: t.pos }));
  }
  return parsePrimary(cur);
}

function parsePrimary(cur: Cursor): Expr {
  const t = cur.next();
  if (t.kind === 'num' || t.kind === 'char') return { k: 'num', v: t.num!, pos: t.pos };
  if (t.kind === 'ident' && t.text === 'W') return { k: 'W', pos: t.pos };
  if (t.kind === 'punct' && t.text === '(') {
    return nested(cur, t.pos, 'expression', () => {
      const e = parseExpr(cur);
      cur.expect(')');
      return e;
    });
  }
  throw new ParseError(t.pos, `expected constant expression, found ${describe(t)}`);
}

// ---- instructions

const CALLISH = new Set(['CALL', 'DEFER', 'GO', 'CLOSURE']);
const TYPE_FIRST = new Set(['NEW', 'MAKECHAN']);

function parseInstr(cur: Cursor, line: number): Instr {
  const m = cur.ident('instruction');
  const mnem = m.text.toUpperCase();
  const operands: Operand[] = [];
  let call: CallTarget | null = null;
  let deferPrint: 'PRINT' | 'PRINTLN' | null = null;
  if (mnem === 'DEFER' && cur.peek()?.kind === 'ident' && /^PRINT(LN)?$/i.test(cur.peek()!.text) && !cur.isPunct('(', 1)) {
    deferPrint = cur.next().text.toUpperCase() as 'PRINT' | 'PRINTLN';
    if (!cur.atEnd()) operands.push(...parseOperandList(cur, mnem));
  } else if (CALLISH.has(mnem)) {
    call = parseCallTarget(cur);
  } else if (!cur.atEnd() && !cur.isPunct('->')) {
    operands.push(...parseOperandList(cur, mnem));
  }
  const results: Operand[] = [];
  if (cur.accept('->')) {
    results.push(parseOperand(cur));
    while (cur.accept(',')) results.push(parseOperand(cur));
  }
  expectEnd(cur);
  return { mnem, pos: m.pos, line, operands, call, deferPrint, results };
}

function parseOperandList(cur: Cursor, mnem: string): Operand[] {
  const out: Operand[] = [];
  let i = 0;
  do {
    const typeSlot = (TYPE_FIRST.has(mnem) && i === 0) || (mnem === 'UNBOX' && i === 1);
    if (typeSlot) {
      const pos = cur.pos();
      out.push({ k: 'type', type: parseType(cur), pos });
    } else {
      out.push(parseOperand(cur));
    }
    i++;
  } while (cur.accept(','));
  return out;
}

function parseCallTarget(cur: Cursor): CallTarget {
  const t = cur.peek();
  if (!t) throw new ParseError(cur.pos(), 'expected function to call');
  let fn: string | null = null;
  let via: Operand | null = null;
  const fnPos = t.pos;
  if (t.kind === 'ident' && portableReg(t.text) < 0) {
    cur.next();
    if (t.text.includes('.')) fn = t.text;
    else via = { k: 'name', name: t.text, off: null, addr: false, pos: t.pos };
  } else {
    via = parseOperand(cur);
  }
  const open = cur.expect('(');
  const args: Operand[] = [];
  if (!cur.accept(')')) {
    do { args.push(parseOperand(cur)); } while (cur.accept(','));
    cur.expect(')');
  }
  return { fn, fnPos, via, args, argsPos: open.pos };
}

export function parseOperand(cur: Cursor): Operand {
  const t = cur.peek();
  if (!t) throw new ParseError(cur.pos(), 'expected operand');
  const pos = t.pos;
  if (cur.accept('$')) {
    const v = cur.peek();
    if (v?.kind === 'str') { cur.next(); return { k: 'str', bytes: v.bytes!, pos }; }
    if (v?.kind === 'ident' && (v.text === 'true' || v.text === 'false')) { cur.next(); return { k: 'bool', v: v.text === 'true', pos }; }
    if (v?.kind === 'ident' && v.text.includes('.')) { cur.next(); return { k: 'fsym', name: v.text, pos }; }
    if (v?.kind === 'ident' && v.text !== 'W') throw new ParseError(v.pos, `${v.text} is not a constant (functions are package-qualified: $main.${v.text})`);
    return { k: 'imm', expr: parseExpr(cur), pos };
  }
  if (cur.accept('&')) {
    const n = cur.ident('slot or global name');
    return { k: 'name', name: n.text, off: parseOffset(cur), addr: true, pos };
  }
  if (t.kind === 'ident' && t.text !== 'W') {
    cur.next();
    const r = portableReg(t.text);
    if (r >= 0) return { k: 'reg', reg: r, pos };
    if (cur.isPunct('(')) throw new ParseError(t.pos, `unknown register ${t.text} in memory operand`);
    return { k: 'name', name: t.text, off: parseOffset(cur), addr: false, pos };
  }
  if (t.kind === 'str') throw new ParseError(pos, `unexpected string literal in operand (a string constant is written $${t.text})`);
  if (t.kind === 'punct' && t.text === '(' && cur.peek(1)?.kind === 'ident' && cur.isPunct(')', 2)) {
    const r = regOperand(cur.peek(1)!);
    cur.i += 3;
    return { k: 'mem', reg: r, off: null, pos };
  }
  if (t.kind === 'num' || t.kind === 'char' || t.kind === 'punct' || (t.kind === 'ident' && t.text === 'W')) {
    const off = parseExpr(cur);
    if (!cur.isPunct('(')) throw new ParseError(pos, 'constant operand needs $ (or a memory operand needs (Rn))');
    cur.next();
    const r = regOperand(cur.ident('register'));
    cur.expect(')');
    return { k: 'mem', reg: r, off, pos };
  }
  throw new ParseError(pos, `unexpected ${describe(t)} in operand`);
}

function regOperand(t: Tok): number {
  const r = portableReg(t.text);
  if (r < 0) throw new ParseError(t.pos, `unknown register ${t.text} (gasm has R0 through R5)`);
  return r;
}

function parseOffset(cur: Cursor): Expr | null {
  if (!cur.accept('+')) return null;
  return parseExpr(cur);
}
