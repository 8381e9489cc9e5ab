// The bodies of the runtime.* functions (each a HOSTCALL stub in the image).
// A host function reads its arguments from the caller's outgoing area
// (rt.arg), writes results after them, and returns how the loop goes on.
import { MEMSTATS_FIELDS } from '../compiler/types.js';
import { Next, type Machine } from '../vm/machine.js';
import { callerOfHostcall, Exit, fatalPanic } from './panic.js';
import type { Runtime } from './runtime.js';
import { morestack } from './stack.js';
import { printTraceback } from './traceback.js';
import { hex } from './format.js';

type HostFunc = (rt: Runtime, m: Machine) => Next;

/** Runtime functions whose mechanics (defer/recover, goroutines, channels, GC) are not built yet. */
export const UNIMPLEMENTED = new Set([
  'runtime.deferproc', 'runtime.deferreturn', 'runtime.gorecover', 'runtime.newproc',
  'runtime.makechan', 'runtime.chansend1', 'runtime.chanrecv1', 'runtime.chanrecv2', 'runtime.closechan',
  'runtime.GC', 'runtime.Goexit',
]);


// Kinds in type descriptors (compiler/link.ts KIND_CODE).
const KIND_INT = 1, KIND_STRING = 6;

/** A type descriptor's name (type.NAME in read-only data). */
export function typeName(rt: Runtime, typ: number): string {
  const W = rt.W;
  const p = rt.ldw(typ + 3 * W), n = rt.ldw(typ + 4 * W);
  return new TextDecoder().decode(rt.mem.readBytes(p, n));
}

function readString(rt: Runtime, ptr: number, len: number): Uint8Array {
  return len === 0 ? new Uint8Array() : rt.mem.readBytes(ptr, len);
}

/** printpanicval: how Go 1.19 prints a panic value. */
function panicValue(rt: Runtime, typ: number, data: number): string {
  if (typ === 0) return 'nil';
  const kind = rt.ldw(typ + rt.W);
  if (kind === KIND_INT) return (rt.W === 8 ? rt.mem.ld64(data) : BigInt(rt.mem.ld32(data))).toString();
  if (kind === KIND_STRING) return new TextDecoder().decode(readString(rt, rt.ldw(data), rt.ldw(data + rt.W)));
  return `(${typeName(rt, typ)}) ${hex(data)}`;
}

function printOut(rt: Runtime, s: string | Uint8Array): Next {
  rt.print(s);
  return Next.Continue;
}

/** Put result word i (after the parameters) of the current runtime call. */
function result(rt: Runtime, paramWords: number, i: number, v: number): void {
  rt.stw(rt.argp() + (paramWords + i) * rt.W, v);
}

function boundsPanic(rt: Runtime, x: bigint, y: bigint): never {
  const msg = x < 0n ? `index out of range [${x}]` : `index out of range [${x}] with length ${y}`;
  fatalPanic(rt, `runtime error: ${msg}`, callerOfHostcall(rt), false);
}

function interfaceConversion(rt: Runtime, typ: number, want: string): never {
  const have = typ === 0 ? 'nil' : typeName(rt, typ);
  fatalPanic(rt, `interface conversion: interface {} is ${have}, not ${want}`, callerOfHostcall(rt), false);
}

export const HOST_FUNCS: Record<string, HostFunc> = {
  'runtime.morestack': (rt, m) => morestack(rt, m, true),
  'runtime.morestack_noctxt': (rt, m) => morestack(rt, m, false),
  'runtime.goexit': (rt) => {
    // main.main returned: runtime.main exits the program with status 0.
    rt.exitCode = 0;
    throw new Exit(0);
  },
  'runtime.newstack': (rt) => rt.throw('runtime.newstack called from gasm'),
  'runtime.throw': (rt) => rt.throw('runtime.throw called from gasm'),

  'runtime.printlock': () => Next.Continue,
  'runtime.printunlock': () => Next.Continue,
  'runtime.printint': (rt) => printOut(rt, rt.argBig(0).toString()),
  'runtime.printuint': (rt) => printOut(rt, BigInt.asUintN(rt.W * 8, rt.argBig(0)).toString()),
  'runtime.printbool': (rt) => printOut(rt, (rt.arg(0) & 0xff) !== 0 ? 'true' : 'false'),
  'runtime.printpointer': (rt) => printOut(rt, hex(BigInt.asUintN(rt.W * 8, rt.argBig(0)))),
  'runtime.printstring': (rt) => printOut(rt, readString(rt, rt.arg(0), rt.arg(1))),
  'runtime.printeface': (rt) => printOut(rt, `(${hex(rt.arg(0))},${hex(rt.arg(1))})`),
  'runtime.printsp': (rt) => printOut(rt, ' '),
  'runtime.printnl': (rt) => printOut(rt, '\n'),

  'runtime.gopanic': (rt) => fatalPanic(rt, panicValue(rt, rt.arg(0), rt.arg(1)), callerOfHostcall(rt), false),
  'runtime.panicdivide': (rt) => fatalPanic(rt, 'runtime error: integer divide by zero', callerOfHostcall(rt), false),
  'runtime.panicIndex': (rt) => boundsPanic(rt, rt.argBig(0), rt.argBig(1)),

  'runtime.convT64': (rt) => {
    const p = rt.malloc.alloc(rt.W);
    if (rt.W === 8) rt.mem.dv.setBigInt64(rt.mem.off(p, 8, 'write'), rt.argBig(0), true);
    else rt.stw(p, rt.arg(0));
    result(rt, 1, 0, p);
    return Next.Continue;
  },
  'runtime.convTstring': (rt) => {
    const p = rt.malloc.alloc(2 * rt.W);
    rt.stw(p, rt.arg(0));
    rt.stw(p + rt.W, rt.arg(1));
    result(rt, 2, 0, p);
    return Next.Continue;
  },
  'runtime.newobject': (rt) => {
    const size = rt.ldw(rt.arg(0));
    result(rt, 1, 0, rt.malloc.alloc(size));
    return Next.Continue;
  },
  'runtime.concatstring2': (rt) => {
    const a = readString(rt, rt.arg(0), rt.arg(1)), b = readString(rt, rt.arg(2), rt.arg(3));
    const n = a.length + b.length;
    let p = 0;
    if (n > 0) {
      p = rt.malloc.alloc(n);
      const o = rt.mem.off(p, n, 'write');
      rt.mem.u8.set(a, o);
      rt.mem.u8.set(b, o + a.length);
    }
    result(rt, 4, 0, p);
    result(rt, 4, 1, n);
    return Next.Continue;
  },
  'runtime.assertE2int': (rt) => {
    const typ = rt.arg(0);
    if (typ === 0 || rt.ldw(typ + rt.W) !== KIND_INT) interfaceConversion(rt, typ, 'int');
    const data = rt.arg(1);
    if (rt.W === 8) rt.mem.dv.setBigInt64(rt.mem.off(rt.argp() + 2 * rt.W, 8, 'write'), rt.mem.ld64(data), true);
    else result(rt, 2, 0, rt.ldw(data));
    return Next.Continue;
  },
  'runtime.assertE2string': (rt) => {
    const typ = rt.arg(0);
    if (typ === 0 || rt.ldw(typ + rt.W) !== KIND_STRING) interfaceConversion(rt, typ, 'string');
    const data = rt.arg(1);
    result(rt, 2, 0, rt.ldw(data));
    result(rt, 2, 1, rt.ldw(data + rt.W));
    return Next.Continue;
  },
  'runtime.assertE2error': (rt) => {
    // No value of an error type exists in gasm until recover hands out runtime errors.
    const typ = rt.arg(0);
    if (typ === 0) fatalPanic(rt, 'interface conversion: interface is nil, not error', callerOfHostcall(rt), false);
    fatalPanic(rt, `interface conversion: ${typeName(rt, typ)} is not error: missing method Error`, callerOfHostcall(rt), false);
  },

  'runtime.Gosched': () => Next.Continue, // one goroutine: nothing else to run
  'runtime.NumGoroutine': (rt) => { result(rt, 0, 0, 1); return Next.Continue; },
  'runtime.Stack': (rt) => {
    const at = callerOfHostcall(rt);
    printTraceback(rt, rt.curg, at.pc, at.sp, at.lr, { withRegs: false, topIsFault: false });
    rt.print('\n');
    return Next.Continue;
  },
  'runtime.ReadMemStats': (rt) => {
    const p = rt.arg(0);
    const s = rt.stats, ma = rt.malloc;
    const values: Record<string, number> = {
      Mallocs: ma.mallocs, Frees: ma.frees, HeapAlloc: ma.heapAlloc, HeapSys: ma.heapSys,
      StackInuse: rt.stacks.inuse, StackSys: rt.stacks.sys, NumGC: 0, StackGrowths: s.stackGrowths, StackShrinks: 0,
    };
    MEMSTATS_FIELDS.forEach((f, i) => rt.stw(p + i * rt.W, values[f]!));
    return Next.Continue;
  },
  'runtime.Breakpoint': (rt, m) => rt.trap(m, { k: 'breakpoint', pc: callerOfHostcall(rt).pc }),
};

