// The compiler's output: plain data the VM loads and the runtime reads.
// Nothing here runs; the runtime's own state lives in VM memory.
import type { Arch } from '../isa/target.js';

/** Which compare sequence a function's split check uses (compiler/prologue.ts). */
export type SplitKind = 'small' | 'big' | 'huge';

/** A pc-value table: value[i] holds from pc[i] (offset from the function entry) up to pc[i+1]. */
export interface PCTable {
  readonly pc: readonly number[];
  readonly value: readonly number[];
}

/** A named slot of a frame: a parameter, a result or a local. */
export interface FuncParam {
  readonly name: string;
  /** Offset from the argument pointer (parameters, results) or from the start of the locals region. */
  readonly off: number;
  readonly size: number;
}

export interface FuncInfo {
  readonly name: string;
  readonly entry: number;
  readonly end: number;
  /** Source line of the TEXT declaration (0 for runtime functions). */
  readonly line: number;
  /** Go's frame size (x86 autoffset; ARM: autosize - 4, 0 when frameless). */
  readonly frame: number;
  /** Bytes the prologue subtracts from SP (x86 frame; ARM autosize). */
  readonly spDelta: number;
  /** SP offsets, in the body, of the arguments, the locals region and the outgoing area. */
  readonly argBase: number;
  readonly localsBase: number;
  readonly outBase: number;
  readonly argsSize: number;
  readonly paramsSize: number;
  readonly localsSize: number;
  readonly nosplit: boolean;
  readonly autoNosplit: boolean;
  readonly split: SplitKind | null;
  readonly needsCtxt: boolean;
  readonly leaf: boolean;
  /** Stack maps: one flag per word of args+results, and per word of the locals region. */
  readonly argPtrs: readonly boolean[];
  readonly localPtrs: readonly boolean[];
  readonly params: readonly FuncParam[];
  readonly results: readonly FuncParam[];
  /**
   * The locals, by offset in the locals region (at localsBase from SP).
   * Names starting with `.` are the compiler's own slots: `.ctxt` (the saved
   * closure context) and temporaries.
   */
  readonly locals: readonly FuncParam[];
  /** pc -> SP delta from the entry SP; pc -> source line. */
  readonly pcsp: PCTable;
  readonly pcln: PCTable;
  /** HOSTCALL id for runtime functions implemented by the host, else -1. */
  readonly hostId: number;
  /** Entry of the compiler-made deferreturn exit path, or -1. */
  readonly deferReturnPC: number;
}

export interface SymbolInfo {
  readonly addr: number;
  readonly size: number;
  readonly kind: 'text' | 'rodata' | 'data';
  /** A global's pointer map: one flag per word (data symbols only). */
  readonly ptrs?: readonly boolean[];
}

export interface Image {
  readonly arch: Arch;
  readonly file: string;
  readonly textBase: number;
  readonly text: Uint8Array;
  readonly rodataBase: number;
  readonly rodata: Uint8Array;
  readonly dataBase: number;
  readonly data: Uint8Array;
  /** 1 for each word of data that holds a pointer (the globals' types): the GC's roots. */
  readonly dataPtrs: Uint8Array;
  /** Sorted by entry. */
  readonly funcs: readonly FuncInfo[];
  readonly symbols: ReadonlyMap<string, SymbolInfo>;
}

/** The function containing pc, by binary search; null outside text. */
export function findFunc(img: Image, pc: number): FuncInfo | null {
  const fs = img.funcs;
  let lo = 0, hi = fs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = fs[mid]!;
    if (pc < f.entry) hi = mid - 1;
    else if (pc >= f.end) lo = mid + 1;
    else return f;
  }
  return null;
}

/** The value of table tab at pc offset off. */
export function pcValue(tab: PCTable, off: number): number {
  let v = tab.value[0] ?? 0;
  for (let i = 0; i < tab.pc.length && tab.pc[i]! <= off; i++) v = tab.value[i]!;
  return v;
}
