// The bottom of the runtime: one run's memory and machine, the g and m
// structures in that memory, the options (normalised once), the report sink
// and the run's end. Everything above takes a State; nothing here calls up.
//
// The runtime's own data that Go keeps in memory (m, g, stacks, and later
// defers, panics, sudogs) lives in VM memory at the offsets of abi/; this
// object holds only where it is (m's and g0's addresses) and the host-side
// things a run needs: options, statistics, the output buffer.
import { G, Gobuf, M } from '../abi/runtime2.js';
import { maxStackSize, StackMinDefault } from '../abi/stack.js';
import type { FuncInfo, Image } from '../compiler/image.js';
import { findFunc } from '../compiler/image.js';
import { targetOf, type Target } from '../isa/target.js';
import { Machine, type Host } from '../vm/machine.js';
import { ARENA_BASE, Memory } from '../vm/memory.js';
import { predecode } from '../vm/predecode.js';
import type { Observer, RuntimeEvent } from './events.js';

export interface RunOptions {
  stackMin?: number;
  maxStack?: number;
  stackDebug?: number;
  stackPoison?: boolean;
  stackFaultOnFree?: boolean;
  stackForceMove?: boolean;
  /** Throw when a pointer into a stack is stored outside every stack (Go's -d=checkptr for this mistake). */
  checkptr?: boolean;
  /** Print a line per collection and the scavenger's lines (GODEBUG=gctrace=1). */
  gctrace?: boolean;
  maxSteps?: number;
  timeoutMs?: number;
  /** Size of the arena (heap and stacks); running out ends the run with exit 3. */
  maxMemory?: number;
  /** Execution engine: compiled to JavaScript (default), or the reference interpreter. */
  engine?: 'jit' | 'interp';
  /** The compiling engine's stack-guard margin in bytes (vm/jitgen.ts); tests vary it to drive every path. */
  jitMargin?: number;
  /** Receives the runtime's events (gorun explain). */
  observer?: Observer;
  /** Standard error: program output, reports, tracebacks. */
  stderr: (chunk: Uint8Array) => void;
}

/** The options with every default filled in. */
export interface Config {
  readonly stackMin: number;
  readonly maxStack: number;
  readonly stackDebug: number;
  readonly stackPoison: boolean;
  readonly stackFaultOnFree: boolean;
  readonly stackForceMove: boolean;
  readonly checkptr: boolean;
  readonly gctrace: boolean;
  readonly maxSteps: number;
  /** Date.now() after which the run is stopped (Infinity: never). */
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly arenaSize: number;
  readonly engine: 'jit' | 'interp';
  readonly jitMargin: number | undefined;
  readonly observer: Observer | null;
  readonly stderr: (chunk: Uint8Array) => void;
}

/** Default arena: room for amd64's 512 MiB stack while it is copied from the 256 MiB one. */
export function defaultArena(arch: string): number {
  return arch === 'amd64' ? 1.25 * 1024 ** 3 : 512 * 1024 ** 2;
}

function configOf(img: Image, o: RunOptions): Config {
  const ptrSize = targetOf(img.arch).ptrSize;
  return {
    stackMin: o.stackMin ?? StackMinDefault,
    maxStack: o.maxStack ?? maxStackSize(ptrSize),
    stackDebug: o.stackDebug ?? 0,
    stackPoison: o.stackPoison ?? false,
    stackFaultOnFree: o.stackFaultOnFree ?? false,
    stackForceMove: o.stackForceMove ?? false,
    checkptr: o.checkptr ?? false,
    gctrace: o.gctrace ?? false,
    maxSteps: o.maxSteps ?? Infinity,
    timeoutMs: o.timeoutMs ?? 0,
    deadline: o.timeoutMs ? Date.now() + o.timeoutMs : Infinity,
    arenaSize: o.maxMemory ?? defaultArena(img.arch),
    // Protected pages (--stackfaultonfree) and stored stack pointers (--checkptr) are checked by the interpreter only.
    engine: o.engine === 'interp' || o.stackFaultOnFree || o.checkptr ? 'interp' : 'jit',
    jitMargin: o.jitMargin,
    observer: o.observer ?? null,
    stderr: o.stderr,
  };
}

/** How a run ended: Go's exit status, or 3 with the bound that stopped it. */
export interface Status {
  readonly code: number;
  readonly bound: string | null;
}

/**
 * The runtime's one non-local exit: a throw (a fatal error, already reported)
 * or a bound reached inside runtime work unwinds to the host adapter
 * (runtime/host.ts), which ends the run with this status.
 */
export class Unwind {
  constructor(readonly status: Status) {}
}

export interface RunStats {
  steps: number;
  stackGrowths: number;
  bytesCopied: number;
  maxStackSize: number;
  /** Milliseconds spent in copystack (for the benchmark). */
  copyMs: number;
}

const utf8 = new TextEncoder();

export class State {
  readonly t: Target;
  readonly W: number;
  readonly cfg: Config;
  readonly mem: Memory;
  readonly m: Machine;
  readonly stats: RunStats = { steps: 0, stackGrowths: 0, bytesCopied: 0, maxStackSize: 0, copyMs: 0 };
  /** Addresses of m0, g0 and the scheduler's state (set by the boot sequence, runtime/proc.ts). */
  mAddr = 0;
  g0 = 0;
  schedAddr = 0;
  /** Set once the run has ended. */
  status: Status | null = null;
  /** Asked for by Run.pause (an observer may ask): the engine yields after the current runtime work. */
  pauseRequested = false;
  /** The runtime's tests: move the stack in gopanic after each deferred call (runtime/testfuncs.ts). */
  testMoveStackInPanic = false;
  private readonly funcByName = new Map<string, FuncInfo>();
  private readonly out: Uint8Array[] = [];
  private outBytes = 0;
  private written = 0;
  /** Where the runtime's report began (bytes of stderr before it), or -1. */
  private reportAt = -1;

  constructor(readonly img: Image, opts: RunOptions, host: Host) {
    this.t = targetOf(img.arch);
    this.W = this.t.ptrSize;
    this.cfg = configOf(img, opts);
    this.mem = new Memory(img, this.cfg.arenaSize);
    this.m = new Machine(this.t, this.mem, predecode(img), host);
    for (const f of img.funcs) this.funcByName.set(f.name, f);
  }

  get arenaBase(): number { return ARENA_BASE[this.img.arch]; }

  // ---- words (as numbers: exact for addresses and values below 2^53)

  ldw(addr: number): number { return this.mem.ldw(addr, this.W); }
  /** A word read as signed (stackguard0's sentinels are small negative words). */
  lds(addr: number): number {
    return this.W === 8 ? this.mem.ld32(addr + 4) * 4294967296 + (this.mem.ld32(addr) >>> 0) : this.mem.ld32(addr);
  }
  /** Store a word: a non-negative address or value, or a small negative one (two's complement). */
  stw(addr: number, v: number): void { this.mem.stw(addr, this.W, v); }
  /** A word as a signed integer, exact on every target. */
  ldBig(addr: number): bigint { return this.W === 8 ? this.mem.ld64(addr) : BigInt(this.mem.ld32(addr)); }
  stBig(addr: number, v: bigint): void {
    if (this.W === 8) this.mem.dv.setBigInt64(this.mem.off(addr, 8, 'write'), BigInt.asIntN(64, v), true);
    else this.mem.st32(addr, Number(BigInt.asIntN(32, v)));
  }

  gField(g: number, f: number): number { return this.ldw(g + f * this.W); }
  setGField(g: number, f: number, v: number): void { this.stw(g + f * this.W, v); }
  /** g.sched's field f (a Gobuf offset). */
  sched(g: number, f: number): number { return this.gField(g, G.sched + f); }
  setSched(g: number, f: number, v: number): void { this.setGField(g, G.sched + f, v); }
  mField(f: number): number { return this.ldw(this.mAddr + f * this.W); }
  setMField(f: number, v: number): void { this.stw(this.mAddr + f * this.W, v); }
  morebuf(f: number): number { return this.mField(M.morebuf + f); }
  setMorebuf(f: number, v: number): void { this.setMField(M.morebuf + f, v); }
  /** The goroutine the m runs (m.curg). */
  get curg(): number { return this.mField(M.curg); }
  schedField(f: number): number { return this.ldw(this.schedAddr + f * this.W); }

  /** Where g resumes (g.sched), as a traceback starting point. */
  schedWhere(g: number): { pc: number; sp: number; lr: number } {
    return { pc: this.sched(g, Gobuf.pc), sp: this.sched(g, Gobuf.sp), lr: this.sched(g, Gobuf.lr) };
  }

  // ---- the image

  func(name: string): FuncInfo {
    const f = this.funcByName.get(name);
    if (!f) throw new Error(`runtime: no function ${name}`);
    return f;
  }
  findFunc(pc: number): FuncInfo | null { return findFunc(this.img, pc); }
  funcName(pc: number): string { return this.findFunc(pc)?.name ?? '?'; }

  // ---- observers

  get observing(): boolean { return this.cfg.observer !== null; }
  emit(e: RuntimeEvent): void { this.cfg.observer?.(e); }

  // ---- the report sink: standard error, buffered, written in order

  print(s: string | Uint8Array): void {
    const chunk = typeof s === 'string' ? utf8.encode(s) : s;
    this.out.push(chunk);
    this.outBytes += chunk.length;
    this.written += chunk.length;
    if (this.outBytes > 1 << 16) this.flush();
  }
  /** Mark the start of the runtime's own report (a panic, a throw, a signal). */
  beginReport(): void {
    if (this.reportAt < 0) this.reportAt = this.written;
  }
  /** Bytes the program printed before the runtime's report (all of them if there is none). */
  get outputBytes(): number { return this.reportAt >= 0 ? this.reportAt : this.written; }
  flush(): void {
    for (const c of this.out) this.cfg.stderr(c);
    this.out.length = 0;
    this.outBytes = 0;
  }

  // ---- the end of the run

  /** End the run with Go's exit status (returning to the engine with Next.Stop). */
  exit(code: number): void {
    this.status ??= { code, bound: null };
  }
  /** End the run because a bound was reached: exit 3 and the message. */
  bound(message: string): void {
    this.status ??= { code: 3, bound: message };
  }
}
