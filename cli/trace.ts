// The --trace file: a Chrome trace-event file (the JSON that Perfetto and
// chrome://tracing open) built from the runtime's observer events. One track
// per goroutine; a slice per stack growth (newstack → copystack → resume) with
// its sizes, bytes copied and pointers adjusted; instants for preemption and
// for the end of the run. No Node.js here: the playground builds the same file.
//
// The clock is the VM's instruction clock (Run.steps), so the file is the same
// on every run. Runtime work takes no VM instruction, so a growth would last
// no time at all; the trace clock therefore also counts one tick per word a
// stack copy moved (docs/decisions.md): ts = Run.steps + the words copied by
// the growths before. Every event carries Run.steps itself in args.steps.
import type { RuntimeEvent } from '../runtime/events.js';
import { hex } from '../runtime/format.js';
import type { RunResult } from '../runtime/run.js';

/** One trace event, the fields in the order they are written. */
export interface TraceEvent {
  readonly name: string;
  readonly cat?: string;
  readonly ph: 'M' | 'B' | 'E' | 'i' | 'C';
  readonly ts: number;
  readonly pid: number;
  readonly tid: number;
  readonly s?: 't' | 'p' | 'g';
  readonly args?: Record<string, string | number | boolean>;
}

/** What the file says about the run it records. */
export interface TraceMeta {
  readonly program: string;
  readonly arch: string;
  /** The run options that were given (numbers and flags only). */
  readonly options: Record<string, string | number | boolean>;
}

const PID = 1;

/**
 * Runtime events shown as instants on the running goroutine's track (the
 * scheduler's events — switch, newproc, shrinkstack — are placed by
 * `event` itself). This is the extension point: for another event of
 * runtime/events.ts, add a line here (the name shown, and the args worth
 * reading).
 */
const INSTANTS: { [K in RuntimeEvent['k']]?: (e: Extract<RuntimeEvent, { k: K }>) => Record<string, string | number | boolean> } = {
  preempt: (e) => ({ fn: e.fn, goroutine: e.goid }),
  gc: (e) => ({ collection: e.n, heapBefore: e.heapBefore, heapAfter: e.heapAfter, objectsFreed: e.freed, stacksShrunk: e.shrunk }),
  goexit: (e) => ({ goroutine: e.goid }),
  panic: (e) => ({ goroutine: e.goid, value: e.value }),
  recovered: (e) => ({ goroutine: e.goid, resumePC: hex(e.pc) }),
};

/** The events of one stack growth, gathered until execution resumes. */
interface Growth {
  fn: string; caller: string; sp: number; guard: number;
  oldLo: number; oldHi: number; oldSize: number; newSize: number; forced: boolean;
  newLo: number; newHi: number; used: number; frames: number; adjusted: number;
  /** Run.steps when newstack decided. */
  steps: number;
}

const kb = (n: number) => (n >= 1 << 20 && n % (1 << 20) === 0 ? `${n >> 20} MB` : n >= 1024 && n % 1024 === 0 ? `${n >> 10} KB` : `${n} B`);

export class TraceRecorder {
  private readonly events: TraceEvent[] = [];
  private readonly tracks = new Set<number>();
  /** Ticks the stack copies added to the instruction clock so far. */
  private shift = 0;
  /** The goroutine running: 1 (main.main) until an event names another. */
  private goid = 1;
  private lastTs = 0;
  private morestack: Extract<RuntimeEvent, { k: 'morestack' }> | null = null;
  private growth: Growth | null = null;
  private sizeCounted = false;
  private ended = false;

  /** `steps` reads Run.steps (exact inside an observer). */
  constructor(private readonly meta: TraceMeta, private readonly steps: () => number, private readonly ptrSize: number) {
    this.events.push({ name: 'process_name', ph: 'M', ts: 0, pid: PID, tid: 0, args: { name: `gorun ${meta.arch} ${meta.program}` } });
    this.track(this.goid);
  }

  private now(): number {
    // Never behind an event already written (the clock only moves forward).
    this.lastTs = Math.max(this.lastTs, this.steps() + this.shift);
    return this.lastTs;
  }

  private track(goid: number): void {
    if (this.tracks.has(goid)) return;
    this.tracks.add(goid);
    this.events.push({ name: 'thread_name', ph: 'M', ts: 0, pid: PID, tid: goid, args: { name: `goroutine ${goid}` } });
    this.events.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: PID, tid: goid, args: { sort_index: goid } });
  }

  private stackSize(ts: number, bytes: number): void {
    this.events.push({ name: `stack size (goroutine ${this.goid})`, cat: 'stack', ph: 'C', ts, pid: PID, tid: this.goid, args: { bytes } });
  }

  /** The observer: give it every runtime event, in order. */
  event(e: RuntimeEvent): void {
    if (this.ended) return;
    switch (e.k) {
      case 'morestack':
        this.morestack = e;
        return;
      case 'grow': {
        const m = this.morestack;
        this.growth = {
          fn: m?.fn ?? '?', caller: m?.caller ?? '?', sp: m?.sp ?? 0, guard: m?.guard ?? 0,
          oldLo: e.oldLo, oldHi: e.oldHi, oldSize: e.oldSize, newSize: e.newSize, forced: e.forced,
          newLo: 0, newHi: 0, used: 0, frames: 0, adjusted: 0, steps: this.steps(),
        };
        if (!this.sizeCounted) {
          // The size the goroutine started with, at the start of the track.
          this.sizeCounted = true;
          const at = this.events.findIndex((x) => x.ph !== 'M');
          this.events.splice(at < 0 ? this.events.length : at, 0,
            { name: `stack size (goroutine ${this.goid})`, cat: 'stack', ph: 'C', ts: 0, pid: PID, tid: this.goid, args: { bytes: e.oldSize } });
        }
        return;
      }
      case 'copy':
        // A shrink's copy (during a collection) is of another goroutine's stack: the running one stays.
        if (!this.growth) return;
        this.goid = e.goid;
        this.track(e.goid);
        Object.assign(this.growth, { newLo: e.newLo, newHi: e.newHi, used: e.used, frames: e.frames.length });
        return;
      case 'switch':
        this.goid = e.to;
        this.track(e.to);
        this.instant('switch', { from: e.from, to: e.to, fn: e.fn }, 'sched');
        return;
      case 'newproc':
        this.track(e.goid);
        this.instant('newproc', { goroutine: e.goid, fn: e.fn, parent: e.parent }, 'sched');
        return;
      case 'shrink': {
        const running = this.goid;
        this.goid = e.goid;
        this.track(e.goid);
        this.instant('shrinkstack', { goroutine: e.goid, oldSize: e.oldSize, newSize: e.newSize }, 'stack');
        this.goid = running;
        return;
      }
      case 'adjust':
        if (this.growth) this.growth.adjusted++;
        return;
      case 'resume':
        if (this.growth) this.closeGrowth({ resumeFn: e.fn, resumePC: hex(e.pc), resumeAtStart: e.atStart });
        this.morestack = null;
        return;
      case 'rewind':
        return;
      default: {
        const f = INSTANTS[e.k] as ((x: RuntimeEvent) => Record<string, string | number | boolean>) | undefined;
        if ('goid' in e && typeof e.goid === 'number') { this.goid = e.goid; this.track(e.goid); }
        if (f) this.instant(e.k, f(e), 'runtime');
      }
    }
  }

  private instant(name: string, args: Record<string, string | number | boolean>, cat: string): void {
    this.events.push({ name, cat, ph: 'i', ts: this.now(), pid: PID, tid: this.goid, s: 't', args: { ...args, steps: this.steps() } });
  }

  /** Write the growth's slice: B at newstack, E after the copy, one tick per word copied. */
  private closeGrowth(end: Record<string, string | number | boolean>, unfinished?: string): void {
    const g = this.growth!;
    this.growth = null;
    const ts = this.now();
    const words = Math.max(1, Math.ceil(g.used / this.ptrSize));
    const name = g.forced ? `stack move ${kb(g.oldSize)} (forced)` : `stack growth ${kb(g.oldSize)} → ${kb(g.newSize)}`;
    this.events.push({
      name, cat: 'stack', ph: 'B', ts, pid: PID, tid: this.goid, args: {
        fn: g.fn, caller: g.caller, sp: hex(g.sp), stackguard0: hex(BigInt.asUintN(this.ptrSize * 8, BigInt(g.guard))),
        oldStack: `[${hex(g.oldLo)}, ${hex(g.oldHi)})`, oldSize: g.oldSize, newSize: g.newSize, forced: g.forced,
        ...(g.newHi ? { newStack: `[${hex(g.newLo)}, ${hex(g.newHi)})` } : {}),
        bytesCopied: g.used, pointersAdjusted: g.adjusted, frames: g.frames, ...end,
        ...(unfinished ? { unfinished } : {}), steps: g.steps,
      },
    });
    this.shift += unfinished ? 0 : words;
    const endTs = unfinished ? ts : this.now();
    this.events.push({ name, cat: 'stack', ph: 'E', ts: endTs, pid: PID, tid: this.goid });
    if (!unfinished) this.stackSize(endTs, g.newSize);
  }

  /** The run has ended (or failed): close what is open and mark the end on the track. */
  end(result: RunResult | null, failure?: string): void {
    if (this.ended) return;
    if (this.growth) this.closeGrowth({}, failure ?? 'the run ended during this stack growth');
    const during: Record<string, string> = this.morestack ? { endedInMorestackOf: this.morestack.fn } : {};
    const args: Record<string, string | number | boolean> = result
      ? { exitCode: result.exitCode, ...(result.bound ? { bound: result.bound } : {}), stackGrowths: result.stats.stackGrowths, bytesCopied: result.stats.bytesCopied, ...during }
      : { error: failure ?? 'the run did not finish', ...during };
    this.instant(result ? (result.bound ? 'stopped by a bound' : `exit ${result.exitCode}`) : 'gorun error', args, 'run');
    this.ended = true;
  }

  get traceEvents(): readonly TraceEvent[] { return this.events; }

  /** The file: one event per line, fields in a fixed order, so that two runs give the same bytes. */
  json(): string {
    const other = { program: this.meta.program, arch: this.meta.arch, options: this.meta.options,
      clock: 'ts = VM instructions executed (Run.steps) + one tick per word moved by the stack copies before; args.steps is Run.steps' };
    return `{"traceEvents":[\n${this.events.map((e) => JSON.stringify(e)).join(',\n')}\n],\n"otherData":${JSON.stringify(other)}}\n`;
  }
}
