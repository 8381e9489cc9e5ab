// Whole-program symbols for one target: named types, function signatures
// (user and runtime), globals. Reports duplicates and bad types.
import { RUNTIME_FUNCS, type RuntimeFunc, type SigEntry } from '../abi/funcs.js';
import type { Target } from '../isa/target.js';
import type { GlobalDecl, Param, Program, TextDecl, TypeExpr } from './ast.js';
import type { Diagnostics, Pos } from './diag.js';
import { MAX_NESTING, MAX_SIZE, MAX_TOTAL_SIZE, SIZE_LIMIT_NOTE, TOTAL_LIMIT_NOTE, nestingMessage } from './limits.js';
import { looksLikeRegister } from './parser.js';
import {
  ConstError, arrayOf, basicType, chanOf, closureOf, evalConst, fitsWord, memStatsType, named, panicType, ptrTo, wordsOf, type Kind, type Type,
} from './types.js';

export interface Slot {
  readonly name: string;
  readonly type: Type;
  /** Byte offset in its region (args: from the first parameter; captures: from the funcval). */
  readonly off: number;
  readonly pos: Pos;
}

export interface FuncSig {
  readonly name: string;
  readonly params: readonly Slot[];
  readonly results: readonly Slot[];
  /** Bytes of parameters (word-aligned); results start here. */
  readonly paramsSize: number;
  /** Bytes of parameters and results: the callee's argument frame. */
  readonly argsSize: number;
  readonly captures: readonly Slot[];
  readonly decl: TextDecl | null;
  readonly runtime: RuntimeFunc | null;
}

export interface GlobalSym {
  readonly name: string;
  readonly type: Type;
  readonly decl: GlobalDecl;
}

const BUILTIN: Kind[] = ['int', 'uint', 'uintptr', 'byte', 'bool', 'string', 'any', 'error', 'func'];

export class ProgramInfo {
  readonly funcs = new Map<string, FuncSig>();
  readonly globals = new Map<string, GlobalSym>();
  private readonly typeDecls = new Map<string, { type: TypeExpr; pos: Pos }>();
  private readonly resolved = new Map<string, Type | null>();
  /**
   * Named types and closure types (by function) being resolved (the names
   * clash only in a program already rejected for redeclaring one).
   */
  private readonly resolving = new Set<string>();
  private readonly closures = new Map<string, Type | null>();
  /** Array types by name: a big array's pointer map is built once, however often it is spelled. */
  private readonly arrays = new Map<string, Type>();
  /** Levels of type nesting open in resolveType (see deeper()). */
  private depth = 0;
  /** Bytes charged against MAX_TOTAL_SIZE (see charge()). */
  private total = 0;
  private overBudget = false;

  constructor(readonly t: Target, readonly prog: Program, readonly diags: Diagnostics, testFuncs = false) {
    const seen = new Map<string, Pos>();
    const declare = (name: string, pos: Pos, what: string): boolean => {
      const prev = seen.get(name);
      if (prev) {
        diags.error(pos, `${name} redeclared (previous ${what === 'type' ? 'declaration' : 'definition'} at line ${prev.line})`);
        return false;
      }
      if (!name.includes('.')) diags.error(pos, `${what} name ${name} must be package-qualified (main.${name})`);
      seen.set(name, pos);
      return true;
    };
    for (const d of prog.decls) {
      if (d.k === 'type' && declare(d.name, d.pos, 'type')) this.typeDecls.set(d.name, { type: d.type, pos: d.pos });
    }
    let dataSize = 0;
    for (const d of prog.decls) {
      if (d.k === 'text' && d.name.startsWith('runtime.')) {
        diags.error(d.pos, `cannot define ${d.name}: the runtime package belongs to gorun`);
      } else if (d.k === 'text' && declare(d.name, d.pos, 'function')) {
        this.funcs.set(d.name, this.sigOf(d));
      } else if (d.k === 'global' && declare(d.name, d.pos, 'global')) {
        const type = this.resolveType(d.type);
        if (type && this.checkInit(d, type)) this.globals.set(d.name, { name: d.name, type, decl: d });
        dataSize = this.chargeData(d, type, dataSize);
      }
    }
    // Every named type is resolved, used or not, so a bad declaration is always reported.
    for (const name of this.typeDecls.keys()) this.namedType(name, this.typeDecls.get(name)!.pos);
    for (const r of RUNTIME_FUNCS) if (testFuncs || !r.test) this.funcs.set(r.name, this.runtimeSig(r));
  }

  /** The data segment holds every global: it may not grow past MAX_SIZE (the global that crosses it is reported). */
  private chargeData(d: GlobalDecl, type: Type | null, before: number): number {
    const W = this.t.ptrSize;
    const after = before + (type ? wordsOf(type.size, W) * W : 0);
    if (before <= MAX_SIZE && after > MAX_SIZE) this.diags.error(d.pos, `globals are too large: ${after} bytes up to ${d.name} ${SIZE_LIMIT_NOTE}`);
    return after;
  }

  /** An initialiser must suit the global's type: a string, a bool, or an integer that fits the word. */
  private checkInit(d: GlobalDecl, type: Type): boolean {
    const init = d.init;
    if (!init) return true;
    const bad = (what: string) => { this.diags.error(init.pos, `cannot initialise ${d.name} of type ${type.name} with ${what}`); return false; };
    if (init.k === 'str') return type.kind === 'string' || bad('a string');
    if (init.k === 'bool') return type.kind === 'bool' || bad('a bool');
    if (init.k !== 'imm') return bad('this value');
    if (!['int', 'uint', 'uintptr', 'byte'].includes(type.kind)) return bad('an integer');
    try {
      const v = evalConst(init.expr, this.t.ptrSize);
      const fits = type.kind === 'byte' ? v >= -128n && v < 256n : fitsWord(v, this.t.ptrSize);
      if (!fits) { this.diags.error(init.pos, `constant ${v} overflows ${type.name} on ${this.t.arch}`); return false; }
    } catch (e) {
      if (!(e instanceof ConstError)) throw e;
      this.diags.error(e.pos, e.message);
      return false;
    }
    return true;
  }

  /** The value of an integer initialiser (checked by checkInit). */
  initValue(d: GlobalDecl): bigint {
    return d.init?.k === 'imm' ? evalConst(d.init.expr, this.t.ptrSize) : 0n;
  }

  /** Resolve a type expression for this target; null (after a diagnostic) if it is bad. */
  resolveType(te: TypeExpr): Type | null {
    const W = this.t.ptrSize;
    switch (te.k) {
      case 'name': {
        if ((BUILTIN as string[]).includes(te.name)) return basicType(te.name as Kind, W);
        if (te.name === 'runtime.MemStats') return memStatsType(W);
        if (te.name === 'runtime._panic') return panicType(W);
        return this.namedType(te.name, te.pos);
      }
      case 'ptr': return this.deeper(te.pos, () => {
        const elem = this.resolveType(te.elem);
        return elem ? ptrTo(elem, W) : null;
      });
      case 'chan': return this.deeper(te.pos, () => this.chanType(te));
      case 'array': return this.deeper(te.pos, () => this.arrayType(te));
      case 'closure': return this.deeper(te.pos, () => this.closureType(te));
    }
  }

  /**
   * Resolve one level deeper. Named types and closures nest through
   * declarations on other lines, out of the parser's sight, and resolving
   * recurses once per level: every level open at once counts (limits.ts).
   */
  private deeper(pos: Pos, resolve: () => Type | null): Type | null {
    if (this.depth >= MAX_NESTING) { this.diags.error(pos, nestingMessage('type')); return null; }
    this.depth++;
    try {
      return resolve();
    } finally {
      this.depth--;
    }
  }

  private chanType(te: TypeExpr & { k: 'chan' }): Type | null {
    const W = this.t.ptrSize;
    const elem = this.resolveType(te.elem);
    if (!elem) return null;
    if (elem.size > W) {
      this.diags.error(te.pos, `channel element type ${elem.name} is larger than a word`);
      return null;
    }
    return chanOf(elem, W);
  }

  private arrayType(te: TypeExpr & { k: 'array' }): Type | null {
    const W = this.t.ptrSize;
    const elem = this.resolveType(te.elem);
    let n: bigint;
    try { n = evalConst(te.len, W); } catch (e) {
      if (e instanceof ConstError) { this.diags.error(e.pos, e.message); return null; }
      throw e;
    }
    if (n < 0n) { this.diags.error(te.len.pos, `invalid array length ${n} (negative)`); return null; }
    if (!elem) return null;
    const name = `[${n}]${elem.name}`;
    const size = n * BigInt(elem.size);
    if (size > BigInt(MAX_SIZE)) { this.diags.error(te.pos, `array ${name} is too large: ${size} bytes ${SIZE_LIMIT_NOTE}`); return null; }
    let t = this.arrays.get(name);
    if (t) return t;
    if (!this.charge(Number(size), te.pos, `array ${name}`)) return null;
    t = arrayOf(elem, Number(n), W);
    this.arrays.set(name, t);
    return t;
  }

  /**
   * Count bytes that get a per-word pointer map against MAX_TOTAL_SIZE. The
   * one that crosses it is reported; from then on the program is rejected
   * and nothing more is charged or built: false means "do not build it"
   * (its diagnostic is the one already given).
   */
  charge(bytes: number, pos: Pos, what: string): boolean {
    if (this.overBudget) return false;
    this.total += bytes;
    if (this.total <= MAX_TOTAL_SIZE) return true;
    this.overBudget = true;
    this.diags.error(pos, `${what} brings the program's types and frames to ${this.total} bytes ${TOTAL_LIMIT_NOTE}`);
    return false;
  }

  /** `closure main.f`: resolved once per function; a closure that captures itself is recursive. */
  private closureType(te: TypeExpr & { k: 'closure' }): Type | null {
    if (this.closures.has(te.fn)) return this.closures.get(te.fn)!;
    const decl = this.prog.decls.find((d): d is TextDecl => d.k === 'text' && d.name === te.fn);
    if (!decl) { this.diags.error(te.pos, `undefined function ${te.fn} in closure type`); return null; }
    if (this.resolving.has(te.fn)) { this.diags.error(te.pos, `invalid recursive type closure ${te.fn}`); return null; }
    this.resolving.add(te.fn);
    const caps = decl.captures.map((c) => this.resolveType(c.type));
    this.resolving.delete(te.fn);
    const t = caps.some((c) => c === null) ? null : this.sizedClosure(te, caps as Type[]);
    this.closures.set(te.fn, t);
    return t;
  }

  private sizedClosure(te: TypeExpr & { k: 'closure' }, caps: readonly Type[]): Type | null {
    const W = this.t.ptrSize;
    const size = caps.reduce<number>((n, c) => n + wordsOf(c.size, W) * W, W);
    if (size > MAX_SIZE) { this.diags.error(te.pos, `closure ${te.fn} is too large: ${size} bytes ${SIZE_LIMIT_NOTE}`); return null; }
    return this.charge(size, te.pos, `closure ${te.fn}`) ? closureOf(te.fn, caps, W) : null;
  }

  private namedType(name: string, pos: Pos): Type | null {
    if (this.resolved.has(name)) return this.resolved.get(name)!;
    const d = this.typeDecls.get(name);
    if (!d) { this.diags.error(pos, `undefined type ${name}`); return null; }
    if (this.resolving.has(name)) { this.diags.error(d.pos, `invalid recursive type ${name}`); return null; }
    this.resolving.add(name);
    const under = this.deeper(pos, () => this.resolveType(d.type));
    this.resolving.delete(name);
    const t = under ? named(under, name) : null;
    this.resolved.set(name, t);
    return t;
  }

  /**
   * Lay out slots word-aligned from `start`; bad types are dropped after
   * their diagnostic. The region (`what`) may not end past MAX_SIZE: the slot
   * that crosses it is reported.
   */
  layoutSlots(params: readonly Param[], start: number, seen: Map<string, Pos>, what: string): { slots: Slot[]; end: number } {
    const W = this.t.ptrSize;
    const slots: Slot[] = [];
    let off = start;
    for (const p of params) {
      checkSlotName(p, seen, this.diags);
      const type = this.resolveType(p.type);
      if (!type) continue;
      slots.push({ name: p.name, type, off, pos: p.pos });
      const end = off + wordsOf(type.size, W) * W;
      if (off <= MAX_SIZE && end > MAX_SIZE) this.diags.error(p.pos, `${what} are too large: ${end} bytes up to ${p.name} ${SIZE_LIMIT_NOTE}`);
      off = end;
    }
    return { slots, end: off };
  }

  sigOf(d: TextDecl): FuncSig {
    const seen = new Map<string, Pos>();
    const ps = this.layoutSlots(d.params, 0, seen, `arguments of ${d.name}`);
    const rs = this.layoutSlots(d.results, ps.end, seen, `arguments and results of ${d.name}`);
    const cs = this.layoutSlots(d.captures, this.t.ptrSize, seen, `captures of ${d.name}`);
    return { name: d.name, params: ps.slots, results: rs.slots, paramsSize: ps.end, argsSize: rs.end, captures: cs.slots, decl: d, runtime: null };
  }

  private runtimeSig(r: RuntimeFunc): FuncSig {
    const W = this.t.ptrSize;
    const pos = { line: 0, col: 0 };
    let off = 0;
    const mk = (list: readonly SigEntry[]) => list.map(([name, tn]) => {
      const type = tn === '*runtime.MemStats' ? ptrTo(memStatsType(W), W) : tn === 'unsafe.Pointer' ? ptrTo(basicType('byte', W)!, W) : basicType(tn as Kind, W)!;
      const s: Slot = { name, type, off, pos };
      off += wordsOf(type.size, W) * W;
      return s;
    });
    const params = mk(r.params);
    const paramsSize = off;
    const results = mk(r.results);
    return { name: r.name, params, results, paramsSize, argsSize: off, captures: [], decl: null, runtime: r };
  }
}

function checkSlotName(p: Param, seen: Map<string, Pos>, diags: Diagnostics) {
  if (looksLikeRegister(p.name)) diags.error(p.pos, `slot name ${p.name} looks like a register`);
  const prev = seen.get(p.name);
  if (prev) diags.error(p.pos, `duplicate slot ${p.name} (previous at line ${prev.line})`);
  else seen.set(p.name, p.pos);
}
