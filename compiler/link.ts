// The linker: lays out text, read-only data and globals at addresses that
// look like the target's, resolves symbols, encodes, and builds the tables
// (function table, pcsp, pcln, stack maps) that traceback and copystack read.
import {
  KIND, RUNTIME_CSTRINGS, RUNTIME_PLAIN_ERRORS, RUNTIME_TYPES, runtimeCStringSym, runtimePlainErrorSym, TypeDesc, typeDescSize,
  type RuntimeCString, type RuntimePlainError, type RuntimeType,
} from '../abi/type.js';
import type { Target } from '../isa/target.js';
import { encodeFunc, sizeFunc, type Sized } from './assemble.js';
import type { FrameLayout } from './frame.js';
import type { FuncInfo, Image, SymbolInfo } from './image.js';
import type { LoweredFunc } from './lowerctx.js';
import type { Prog } from './proglist.js';
import { NO_DEADLINE, type Deadline } from './limits.js';
import type { FuncSig, ProgramInfo } from './symbols.js';
import { wordsOf, type Type } from './types.js';

/** Load addresses per target (the ELF text start Go's linkers use on linux). */
export const TEXT_BASE: Record<string, number> = { amd64: 0x401000, '386': 0x8049000, arm: 0x11000 };

export interface LinkFunc {
  readonly name: string;
  readonly progs: Prog[];
  readonly labels: number[];
  readonly frame: FrameLayout;
  readonly lowered: LoweredFunc | null;
  /** The signature (for runtime stubs, which are not lowered from gasm). */
  readonly sig: FuncSig | null;
  readonly hostId: number;
  readonly line: number;
}

type RoItem =
  | { k: 'bytes'; name: string; bytes: Uint8Array }
  | { k: 'strhdr'; name: string; str: string; len: number }
  | { k: 'funcval'; name: string; fn: string }
  | { k: 'type'; name: string; type: Type; nameStr: string; elem: string | null };

/** Read-only data the compiled code refers to, named on first use. */
export class Rodata {
  readonly items: RoItem[] = [];
  private readonly names = new Map<string, string>();

  constructor(readonly t: Target) {}

  private once(key: string, make: () => RoItem): string {
    const have = this.names.get(key);
    if (have) return have;
    const item = make();
    this.items.push(item);
    this.names.set(key, item.name);
    return item.name;
  }

  strSym(bytes: Uint8Array): string {
    const key = 's:' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return this.once(key, () => ({ k: 'bytes', name: `go.string.${this.items.length}`, bytes }));
  }

  strHdrSym(bytes: Uint8Array): string {
    const str = this.strSym(bytes);
    return this.once('h:' + str, () => ({ k: 'strhdr', name: `${str}.hdr`, str, len: bytes.length }));
  }

  /**
   * The runtime's own read-only data (abi/type.ts): the types of runtime
   * errors and their static C strings. Added last, after all the program's
   * data, so the program's addresses do not depend on it.
   */
  addRuntimeData(): void {
    const W = this.t.ptrSize;
    for (const k of Object.keys(RUNTIME_TYPES) as RuntimeType[]) {
      const { name, words } = RUNTIME_TYPES[k];
      const ptrs = k === 'TypeAssertionError' ? [true] : k === 'plainError' ? [true, false] : new Array<boolean>(words).fill(false);
      this.typeSym({ kind: 'struct', size: words * W, ptrs, name });
    }
    for (const k of Object.keys(RUNTIME_CSTRINGS) as RuntimeCString[]) {
      const bytes = new TextEncoder().encode(RUNTIME_CSTRINGS[k] + '\0');
      this.once('c:' + k, () => ({ k: 'bytes', name: runtimeCStringSym(k), bytes }));
    }
    for (const k of Object.keys(RUNTIME_PLAIN_ERRORS) as RuntimePlainError[]) {
      const str = this.strSym(new TextEncoder().encode(RUNTIME_PLAIN_ERRORS[k]));
      this.once('p:' + k, () => ({ k: 'strhdr', name: runtimePlainErrorSym(k), str, len: new TextEncoder().encode(RUNTIME_PLAIN_ERRORS[k]).length }));
    }
    // sigpanic calls gopanic through its funcval (runtime/signal.ts); the main goroutine runs main.main's.
    this.funcvalSym('runtime.gopanic');
    this.funcvalSym('main.main');
  }

  funcvalSym(fn: string): string {
    return this.once('f:' + fn, () => ({ k: 'funcval', name: `${fn}·f`, fn }));
  }

  typeSym(type: Type): string {
    const elem = type.elem && type.kind !== 'array' ? this.typeSym(type.elem) : null;
    const nameStr = this.strSym(new TextEncoder().encode(type.name));
    return this.once('t:' + type.name, () => ({ k: 'type', name: `type.${type.name}`, type, nameStr, elem }));
  }
}

function itemSize(t: Target, it: RoItem): number {
  const W = t.ptrSize;
  switch (it.k) {
    case 'bytes': return Math.max(it.bytes.length, 1);
    case 'strhdr': return 2 * W;
    case 'funcval': return W;
    case 'type': return typeDescSize(W, it.type.ptrs.length);
  }
}

export function link(t: Target, file: string, info: ProgramInfo, ro: Rodata, funcs: readonly LinkFunc[], deadline: Deadline = NO_DEADLINE): Image {
  const W = t.ptrSize;
  ro.addRuntimeData();
  const align = t.family === 'x86' ? 16 : 4;
  const sized: Sized[] = funcs.map((f) => { deadline.check(); return sizeFunc(t, f.progs, f.labels); });
  const symbols = new Map<string, SymbolInfo>();
  let pc = TEXT_BASE[t.arch]!;
  const entries = sized.map((s, i) => {
    pc = Math.ceil(pc / align) * align;
    const e = pc;
    symbols.set(funcs[i]!.name, { addr: e, size: s.size, kind: 'text' });
    pc += s.size;
    return e;
  });
  const textBase = TEXT_BASE[t.arch]!;
  const textEnd = pc;
  // Read-only data after the text, page-aligned; then the globals.
  const rodataBase = Math.ceil(textEnd / 0x1000) * 0x1000 + 0x1000;
  let ro0 = rodataBase;
  const roAddr = ro.items.map((it) => {
    ro0 = Math.ceil(ro0 / W) * W;
    const a = ro0;
    symbols.set(it.name, { addr: a, size: itemSize(t, it), kind: 'rodata' });
    ro0 += itemSize(t, it);
    return a;
  });
  const dataBase = Math.ceil(ro0 / 0x1000) * 0x1000 + 0x1000;
  let d0 = dataBase;
  const globals = [...info.globals.values()];
  const gAddr = globals.map((g) => {
    d0 = Math.ceil(d0 / W) * W;
    const a = d0;
    symbols.set(g.name, { addr: a, size: g.type.size, kind: 'data', ptrs: g.type.ptrs });
    d0 += Math.max(g.type.size, 1);
    return a;
  });
  const sym = (name: string): number => {
    const s = symbols.get(name);
    if (!s) throw new Error(`link: undefined symbol ${name}`);
    return s.addr;
  };

  const text = new Uint8Array(textEnd - textBase).fill(t.family === 'x86' ? 0xcc : 0);
  const fis: FuncInfo[] = funcs.map((f, i) => {
    deadline.check();
    const s = sized[i]!;
    const entry = entries[i]!;
    const { pcsp, pcln } = encodeFunc(t, s, entry, { sym }, text, entry - textBase);
    const exit = f.lowered && f.lowered.exitLabel >= 0 ? entry + s.offs[f.labels[f.lowered.exitLabel]!]! : -1;
    return funcInfo(t, f, entry, s.size, pcsp, pcln, exit);
  });

  const rodata = new Uint8Array(Math.max(ro0 - rodataBase, 0));
  const rv = new DataView(rodata.buffer);
  const putWord = (dv: DataView, off: number, v: number) => (W === 8 ? dv.setBigUint64(off, BigInt(v), true) : dv.setUint32(off, v >>> 0, true));
  ro.items.forEach((it, i) => {
    const off = roAddr[i]! - rodataBase;
    switch (it.k) {
      case 'bytes': rodata.set(it.bytes, off); break;
      case 'strhdr': putWord(rv, off, sym(it.str)); putWord(rv, off + W, it.len); break;
      case 'funcval': putWord(rv, off, sym(it.fn)); break;
      case 'type': {
        const word = (field: number, v: number) => putWord(rv, off + field * W, v);
        word(TypeDesc.size, it.type.size);
        word(TypeDesc.kind, KIND[it.type.kind]);
        word(TypeDesc.elem, it.elem ? sym(it.elem) : 0);
        word(TypeDesc.name, sym(it.nameStr));
        word(TypeDesc.nameLen, new TextEncoder().encode(it.type.name).length);
        word(TypeDesc.ptrWords, it.type.ptrs.length);
        it.type.ptrs.forEach((p, w) => { if (p) rodata[off + TypeDesc.bitmap * W + (w >> 3)]! |= 1 << (w & 7); });
        break;
      }
    }
  });

  const data = new Uint8Array(Math.max(d0 - dataBase, 0));
  const dv = new DataView(data.buffer);
  globals.forEach((g, i) => {
    const off = gAddr[i]! - dataBase;
    const init = g.decl.init;
    if (!init) return;
    if (init.k === 'str') { putWord(dv, off, sym(ro.strSym(init.bytes))); putWord(dv, off + W, init.bytes.length); }
    else if (init.k === 'bool') data[off] = init.v ? 1 : 0;
    else if (g.type.size === 1) data[off] = Number(BigInt.asUintN(8, info.initValue(g.decl)));
    else if (W === 8) dv.setBigUint64(off, BigInt.asUintN(64, info.initValue(g.decl)), true);
    else dv.setUint32(off, Number(BigInt.asUintN(32, info.initValue(g.decl))), true);
  });
  // The GC's roots among the globals: which data words hold pointers.
  const dataPtrs = new Uint8Array(Math.ceil(data.length / W));
  globals.forEach((g, i) => g.type.ptrs.forEach((p, w) => { if (p) dataPtrs[(gAddr[i]! - dataBase) / W + w] = 1; }));
  return { arch: t.arch, file, textBase, text, rodataBase, rodata, dataBase, data, dataPtrs, funcs: fis, symbols };
}

function funcInfo(t: Target, f: LinkFunc, entry: number, size: number, pcsp: FuncInfo['pcsp'], pcln: FuncInfo['pcln'], deferReturnPC: number): FuncInfo {
  const W = t.ptrSize;
  const fr = f.frame;
  const lf = f.lowered;
  const sig = lf?.sig ?? f.sig ?? undefined;
  const argPtrs = ptrMap(wordsOf(sig?.argsSize ?? 0, W), [...(sig?.params ?? []), ...(sig?.results ?? [])], W);
  const localPtrs = ptrMap(wordsOf(lf?.localsSize ?? 0, W), lf?.locals ?? [], W);
  return {
    name: f.name, entry, end: entry + size, line: f.line,
    frame: fr.frame, spDelta: fr.spDelta, argBase: fr.argBase, localsBase: fr.localsBase, outBase: fr.outBase,
    argsSize: sig?.argsSize ?? 0, paramsSize: sig?.paramsSize ?? 0, localsSize: lf?.localsSize ?? 0,
    nosplit: fr.nosplit, autoNosplit: fr.autoNosplit, split: fr.split, needsCtxt: fr.needsCtxt, leaf: fr.leaf,
    argPtrs, localPtrs,
    params: (sig?.params ?? []).map(slotInfo), results: (sig?.results ?? []).map(slotInfo), locals: (lf?.locals ?? []).map(slotInfo),
    pcsp, pcln, hostId: f.hostId, deferReturnPC,
  };
}

const slotInfo = (s: { name: string; off: number; type: Type }) => ({ name: s.name, off: s.off, size: s.type.size });

/** A region's pointer map, one entry per word; its slots lie inside it. */
function ptrMap(words: number, slots: readonly { off: number; type: Type }[], W: number): boolean[] {
  const out = new Array<boolean>(words).fill(false);
  for (const s of slots) s.type.ptrs.forEach((p, w) => { if (p) out[s.off / W + w] = true; });
  return out;
}

