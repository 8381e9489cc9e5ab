// The playground's Web Worker: compiles the program with the same compiler
// and runs it with the same runtime as the CLI (runtime/run.ts), stepping by
// resume(budget) so that the page's Stop is read between slices. The
// observer keeps the events of the current stack growth, pauses the run at
// the event the page steps to (Run.pause), and builds the --trace file.
import { compile } from '../compiler/compile.js';
import { formatDiagnostic, sortDiagnostics } from '../compiler/diag.js';
import { funcHeader, listing } from '../compiler/listing.js';
import type { Image } from '../compiler/image.js';
import { targetOf } from '../isa/target.js';
import type { RuntimeEvent } from '../runtime/events.js';
import { RUNNING, start, type Run, type RunResult } from '../runtime/run.js';
import { Narrator } from '../cli/explain.js';
import { TraceRecorder } from '../cli/trace.js';
import type { AsmLine, FromWorker, FuncView, Growth, PageOptions, StopAt, ToWorker } from './protocol.js';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);

/** Adjust events kept per growth for the picture (the count is always exact). */
const ADJUST_CAP = 4000;
/** Narration lines kept per growth. */
const NARRATION_CAP = 400;
/** Program output sent to the page at most (a print loop must not flood it). */
const OUTPUT_CAP = 1 << 20;
/** Milliseconds of running between two looks at the page's messages. */
const SLICE_MS = 40;

let session: Session | null = null;

class Session {
  run: Run | null = null;
  stopAt: StopAt = null;
  stopRequested = false;
  private paused: 'morestack' | 'copy' | null = null;
  private growth: Growth | null = null;
  private growths = 0;
  private narration: string[] = [];
  private narrationDropped = 0;
  private readonly narrator: Narrator;
  private readonly trace: TraceRecorder;
  private readonly decoder = new TextDecoder();
  private outBytes = 0;
  private pending = '';

  constructor(readonly img: Image, file: string, opts: PageOptions) {
    this.narrator = new Narrator(img, { verbose: false, memory: () => this.run?.memory ?? null }, (s) => {
      if (this.narration.length < NARRATION_CAP) this.narration.push(s); else this.narrationDropped++;
    });
    this.trace = new TraceRecorder({ program: file, arch: img.arch, options: { ...opts } as Record<string, number | boolean> }, () => this.run?.steps ?? 0, targetOf(img.arch).ptrSize);
    this.run = start(img, {
      stackMin: opts.stackMin, stackPoison: opts.stackPoison, stackForceMove: opts.stackForceMove,
      maxSteps: opts.maxSteps, maxMemory: opts.maxMemory,
      stderr: (c) => this.output(c),
      observer: (e) => this.event(e),
    });
  }

  private output(c: Uint8Array): void {
    if (this.outBytes >= OUTPUT_CAP) return;
    this.outBytes += c.length;
    this.pending += this.decoder.decode(c, { stream: true });
    if (this.outBytes >= OUTPUT_CAP) this.pending += `\n[the page shows the first ${OUTPUT_CAP} bytes of output only]\n`;
  }

  flushOutput(): void {
    if (this.pending) { post({ t: 'output', text: this.pending }); this.pending = ''; }
  }

  private event(e: RuntimeEvent): void {
    this.trace.event(e);
    if (e.k === 'morestack') {
      this.growths++;
      this.narration = [];
      this.narrationDropped = 0;
      this.growth = { n: this.growths, steps: this.run?.steps ?? 0, events: [], adjusted: 0, narration: '' };
    }
    const g = this.growth;
    // A growth's events end at its resume (or its preemption): a later collection's shrink copies are not part of it.
    const last = g?.events[g.events.length - 1]?.k;
    if (!g || last === 'resume' || last === 'preempt') return;
    if (e.k === 'adjust') {
      g.adjusted++;
      if (g.adjusted > ADJUST_CAP) return;
    }
    g.events.push(e);
    if (e.k !== 'adjust' || g.adjusted <= NARRATION_CAP) this.narrator.event(e);
    else this.narrationDropped++;
    if (e.k === this.stopAt) { this.paused = e.k; this.run!.pause(); }
  }

  private current(): Growth | null {
    if (!this.growth) return null;
    const more = this.narrationDropped > 0 ? `    … and ${this.narrationDropped} more lines\n` : '';
    return { ...this.growth, narration: this.narration.join('') + more };
  }

  /** Run one slice; schedule the next unless paused, stopped or done. */
  pump(): void {
    if (this.stopRequested) return this.finish(null);
    let r: RunResult | typeof RUNNING;
    try {
      r = this.run!.resume({ ms: SLICE_MS });
    } catch (e) {
      this.flushOutput();
      post({ t: 'error', message: `gorun: internal error: ${e instanceof Error ? e.message : String(e)}` });
      session = null;
      return;
    }
    this.flushOutput();
    if (r !== RUNNING) return this.finish(r);
    if (this.paused) {
      const at = this.paused;
      this.paused = null;
      post({ t: 'paused', at, steps: this.run!.steps, growth: this.current()! });
      return;
    }
    post({ t: 'progress', steps: this.run!.steps, growths: this.growths });
    setTimeout(() => session === this && this.pump(), 0);
  }

  private finish(r: RunResult | null): void {
    const steps = this.run!.steps;
    this.trace.end(r, r ? undefined : 'stopped from the page');
    this.flushOutput();
    post({
      t: 'done', last: this.current(), trace: this.trace.json(),
      outcome: r
        ? { exitCode: r.exitCode, bound: r.bound, steps, growths: r.stats.stackGrowths, bytesCopied: r.stats.bytesCopied, maxStackSize: r.stats.maxStackSize, stopped: false }
        : { exitCode: -1, bound: null, steps, growths: this.growths, bytesCopied: 0, maxStackSize: 0, stopped: true },
    });
    session = null;
  }
}

/** The image's functions as the page shows them, with the listing of each. */
function funcViews(img: Image): FuncView[] {
  return img.funcs.filter((f) => f.hostId < 0).map((f) => {
    const lines: AsmLine[] = [];
    for (const l of listing(img, f.name).split('\n')) {
      const cols = l.trim().split('\t');
      if (cols.length < 3 || !cols[0]!.startsWith('0x')) continue;
      const where = cols[3] ?? '';
      lines.push({ pc: parseInt(cols[0]!, 16), bytes: cols[1]!, text: cols[2]!, line: Number(where.slice(where.lastIndexOf(':') + 1)) || 0 });
    }
    return {
      name: f.name, entry: f.entry, end: f.end, line: f.line, header: funcHeader(img, f), frame: f.frame,
      argsSize: f.argsSize, params: f.params.map((p) => p.name), lines,
    };
  });
}

function startRun(m: Extract<ToWorker, { t: 'run' }>): void {
  session = null;
  const r = compile(m.source, m.file, m.arch);
  const diagnostics = sortDiagnostics(r.diagnostics).map((d) => ({ line: d.pos.line, col: d.pos.col, message: d.message, text: formatDiagnostic(m.file, m.source, d) }));
  post({ t: 'compiled', diagnostics, funcs: r.image ? funcViews(r.image) : [] });
  if (!r.image) return;
  try {
    session = new Session(r.image, m.file, m.opts);
  } catch (e) {
    const msg = e instanceof RangeError ? `cannot allocate the VM's memory in this browser (${e.message}): lower --max-memory`
      : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    post({ t: 'error', message: `gorun: ${msg}` });
    return;
  }
  session.stopAt = m.stopAt;
  session.pump();
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  if (m.t === 'run') startRun(m);
  else if (m.t === 'continue' && session) { session.stopAt = m.stopAt; session.pump(); }
  else if (m.t === 'stop' && session) { session.stopRequested = true; session.pump(); }
};
