// The runtime: Go's runtime in TypeScript, running "on g0". Its state that
// Go keeps in memory (m, g, stacks) lives in VM memory at documented
// offsets (abi.ts); this class holds only handles to it, the allocators and
// the run's options.
import type { FuncInfo, Image } from '../compiler/image.js';
import { findFunc } from '../compiler/image.js';
import { RUNTIME_FUNCS } from '../compiler/runtimefuncs.js';
import { Op, opId } from '../isa/ops.js';
import { StackGuard, StackMinDefault, targetOf, type Target } from '../isa/target.js';

import { Jit } from '../vm/jit.js';
import { Machine, Next, type Host, type Trap } from '../vm/machine.js';
import { ARENA_BASE, Memory } from '../vm/memory.js';
import { predecode } from '../vm/predecode.js';
import { G, Gstatus, M } from './abi.js';
import { HOST_FUNCS, UNIMPLEMENTED } from './hostfuncs.js';
import { Malloc } from './malloc.js';
import { MHeap, OutOfArena } from './mheap.js';
import { Exit, fatalSignal, throwFatal } from './panic.js';
import type { Observer } from './events.js';
import { StackAllocator } from './stackalloc.js';

const CALL_B = opId(Op.CALL, 'b');

export interface RunOptions {
  stackMin?: number;
  maxStack?: number;
  stackDebug?: number;
  stackPoison?: boolean;
  stackFaultOnFree?: boolean;
  stackForceMove?: boolean;
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
  stderr: (chunk: Uint8Array | string) => void;
}

export interface RunStats {
  steps: number;
  stackGrowths: number;
  bytesCopied: number;
  maxStackSize: number;
  /** Milliseconds spent in copystack (for the benchmark). */
  copyMs: number;
}

export interface RunResult {
  readonly exitCode: number;
  /** Bytes of standard error the program printed before the runtime's report (all of it if none). */
  readonly outputBytes: number;
  /** Set when a --max-steps, --timeout or --max-memory bound ended the run. */
  readonly bound: string | null;
  readonly stats: RunStats;
}

/** Default arena: room for amd64's 512 MiB stack while it is copied from the 256 MiB one. */
export function defaultArena(arch: string): number {
  return arch === 'amd64' ? 1.25 * 1024 ** 3 : 512 * 1024 ** 2;
}

export class Runtime implements Host {
  readonly t: Target;
  readonly W: number;
  readonly mem: Memory;
  readonly machine: Machine;
  readonly heap: MHeap;
  readonly stacks: StackAllocator;
  readonly malloc: Malloc;
  readonly stats: RunStats = { steps: 0, stackGrowths: 0, bytesCopied: 0, maxStackSize: 0, copyMs: 0 };
  readonly maxStack: number;
  readonly stackMin: number;
  mAddr = 0;
  g0 = 0;
  exitCode = 0;
  bound: string | null = null;
  private readonly deadline: number;
  private readonly out: (Uint8Array | string)[] = [];
  private outBytes = 0;
  private written = 0;
  /** Where the runtime's report began (bytes of stderr before it), or -1. */
  reportAt = -1;
  readonly funcByName = new Map<string, FuncInfo>();

  constructor(readonly img: Image, readonly opts: RunOptions) {
    this.t = targetOf(img.arch);
    this.W = this.t.ptrSize;
    const arena = opts.maxMemory ?? defaultArena(img.arch);
    this.mem = new Memory(img, arena);
    this.heap = new MHeap(ARENA_BASE[img.arch], arena);
    this.stackMin = opts.stackMin ?? StackMinDefault;
    this.maxStack = opts.maxStack ?? this.t.maxStack;
    this.stacks = new StackAllocator(this.heap, this.mem, this.stackMin, opts.stackFaultOnFree ?? false, {
      debug: opts.stackDebug ?? 0, print: (s) => this.print(s),
    });
    this.malloc = new Malloc(this);
    for (const f of img.funcs) this.funcByName.set(f.name, f);
    this.machine = new Machine(this.t, this.mem, predecode(img), this);
    this.machine.gBytes = G.words * this.W;
    this.deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : Infinity;
  }

  // ---- memory helpers (words as numbers; exact for addresses and small values)

  ldw(addr: number): number { return this.mem.ldw(addr, this.W); }
  stw(addr: number, v: number): void { this.mem.stw(addr, this.W, v); }
  gField(g: number, f: number): number { return this.ldw(g + f * this.W); }
  setGField(g: number, f: number, v: number): void { this.stw(g + f * this.W, v); }
  mField(f: number): number { return this.ldw(this.mAddr + f * this.W); }
  setMField(f: number, v: number): void { this.stw(this.mAddr + f * this.W, v); }
  get curg(): number { return this.mField(M.curg); }

  func(name: string): FuncInfo {
    const f = this.funcByName.get(name);
    if (!f) throw new Error(`runtime: no function ${name}`);
    return f;
  }
  findFunc(pc: number): FuncInfo | null { return findFunc(this.img, pc); }

  // ---- output: buffered, written in order

  print(s: string | Uint8Array): void {
    const chunk = typeof s === 'string' ? Buffer.from(s) : s;
    this.out.push(chunk);
    this.outBytes += chunk.length;
    this.written += chunk.length;
    if (this.outBytes > 1 << 16) this.flush();
  }

  /** Mark the start of the runtime's own report (a panic, a throw, a signal). */
  beginReport(): void {
    if (this.reportAt < 0) this.reportAt = this.written;
  }
  flush(): void {
    for (const c of this.out) this.opts.stderr(c);
    this.out.length = 0;
    this.outBytes = 0;
  }

  // ---- boot: m0, g0 and the main goroutine, then run main.main

  private newG(stackSize: number, goid: number): number {
    const g = this.heap.alloc(G.words * this.W);
    const stk = this.stacks.alloc(stackSize);
    this.setGField(g, G.stackLo, stk.lo);
    this.setGField(g, G.stackHi, stk.hi);
    this.setGField(g, G.stackguard0, stk.lo + StackGuard);
    this.setGField(g, G.stackguard1, stk.lo + StackGuard);
    this.setGField(g, G.m, this.mAddr);
    this.setGField(g, G.goid, goid);
    this.setGField(g, G.status, Gstatus.running);
    return g;
  }

  boot(): void {
    this.mAddr = this.heap.alloc(M.words * this.W);
    this.g0 = this.newG(64 * 1024, 0);
    this.setMField(M.g0, this.g0);
    const g = this.newG(this.stackMin, 1);
    this.setMField(M.curg, g);
    this.stats.maxStackSize = this.stackMin;
    if (this.opts.stackForceMove) this.setGField(g, G.stackguard0, forceMoveGuard(this.W));
    const m = this.machine;
    const hi = this.gField(g, G.stackHi);
    const goexit = this.func('runtime.goexit').entry;
    // As gostartcall: main.main is entered as if called from runtime.goexit.
    if (this.t.family === 'x86') {
      m.sp = hi - this.W;
      this.stw(m.sp, goexit);
    } else {
      m.sp = hi - 4;
      m.setReg(this.t.lr, goexit);
    }
    this.setG(g);
    m.pc = this.func('main.main').entry;
  }

  /** Make g the running goroutine (TLS on x86, R10 on ARM). */
  setG(g: number): void {
    this.machine.g = g;
    if (this.t.family === 'arm') this.machine.setReg(this.t.g, g);
  }

  run(): RunResult {
    const unimplemented = this.unimplementedCalls();
    if (unimplemented.length > 0) {
      throw new NotImplemented(unimplemented);
    }
    try {
      this.boot();
      // Protected pages (--stackfaultonfree) are checked by the interpreter's slow path only.
      if (this.opts.engine === 'interp' || this.opts.stackFaultOnFree) this.machine.run();
      else new Jit(this.machine, this.opts.jitMargin).run();
    } catch (e) {
      if (e instanceof OutOfArena) {
        this.bound = `memory limit reached: ${e.message} (raise --max-memory)`;
      } else if (!(e instanceof Exit)) {
        throw e;
      }
    }
    this.stats.steps = this.machine.steps;
    this.flush();
    return {
      exitCode: this.bound ? 3 : this.exitCode, bound: this.bound, stats: this.stats,
      outputBytes: this.reportAt >= 0 ? this.reportAt : this.written,
    };
  }

  /** Runtime functions the program calls that gorun does not implement yet (refused before running). */
  private unimplementedCalls(): string[] {
    const code = this.machine.code;
    const used = new Set<string>();
    for (let i = 0; i < code.n; i++) {
      if (code.op[i] !== CALL_B) continue;
      const callee = this.findFunc(code.d1[i]!);
      if (callee && UNIMPLEMENTED.has(callee.name)) used.add(callee.name);
    }
    return [...used].sort();
  }

  // ---- Host

  hostcall(m: Machine, id: number): Next {
    const name = RUNTIME_FUNCS[id]?.name ?? '';
    const fn = HOST_FUNCS[name];
    if (!fn) throw new Error(`runtime: no host implementation for ${name}`);
    return fn(this, m);
  }

  trap(_m: Machine, t: Trap): Next {
    return fatalSignal(this, t);
  }

  /** --timeout also bounds long runtime work (stack copies), not only instructions. */
  checkDeadline(): void {
    if (Date.now() > this.deadline) {
      this.bound = `the program ran for more than ${this.opts.timeoutMs} ms (--timeout)`;
      throw new Exit(3);
    }
  }

  tick(m: Machine): Next {
    if (this.opts.maxSteps !== undefined && m.steps >= this.opts.maxSteps) {
      this.bound = `the program ran for more than ${this.opts.maxSteps} instructions (--max-steps)`;
      return Next.Stop;
    }
    if (Date.now() > this.deadline) {
      this.bound = `the program ran for more than ${this.opts.timeoutMs} ms (--timeout)`;
      return Next.Stop;
    }
    return Next.Continue;
  }

  /** Arguments of the runtime function being called: its caller's outgoing area. */
  argp(): number {
    return this.t.family === 'x86' ? this.machine.sp + this.W : this.machine.sp + 4;
  }

  /** Words of the current runtime call's arguments. */
  arg(i: number): number { return this.ldw(this.argp() + i * this.W); }
  argBig(i: number): bigint {
    const a = this.argp() + i * this.W;
    return this.W === 8 ? this.mem.ld64(a) : BigInt(this.mem.ld32(a));
  }

  throw(msg: string): never {
    throwFatal(this, msg);
  }
}

/** --stackforcemove keeps stackguard0 at StackPreempt, so every split check fails. */
export function forceMoveGuard(W: number): number {
  return W === 8 ? 2 ** 64 - 1314 : 2 ** 32 - 1314;
}

export class NotImplemented extends Error {
  constructor(readonly funcs: string[]) {
    super(`this program uses ${funcs.join(', ')}, which gorun does not implement yet (see docs/status.md)`);
  }
}

