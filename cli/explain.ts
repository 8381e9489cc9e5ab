// gorun explain: run a program and narrate each stack growth for a learner —
// the split check that failed (the prologue's instructions and how
// stackguard0 is made), what morestack saved, how rewindmorestack decoded
// the jump, the old and new stack, the pointers copystack adjusted (by slot:
// `p` in main.f's args, pointing at `x` in its caller's locals), pointers
// into the stack that copystack cannot see (globals), where execution
// resumes, and, when the growth is fatal, which limit ended the run. With
// goroutines, also the scheduler's switches (the first few; all with
// --verbose), each collection and each stack it shrinks.
// Narration goes to standard output; the program's own output and reports
// stay on standard error.
import { StackForceMove, StackGuard, StackPreempt, StackSmall, maxStackSize } from '../abi/stack.js';
import type { FuncInfo, FuncParam, Image } from '../compiler/image.js';
import { codeReader, symbolizer } from '../compiler/listing.js';
import { decode } from '../isa/decode.js';
import { render } from '../isa/render.js';
import { targetOf, type Target } from '../isa/target.js';
import type { FrameInfo, RuntimeEvent } from '../runtime/events.js';
import { hex } from '../runtime/format.js';
import type { RunResult } from '../runtime/run.js';
import type { Memory } from '../vm/memory.js';

export interface NarratorOptions {
  /** Every adjusted word, not a summary per slot. */
  readonly verbose: boolean;
  /** The run's --max-stack (undefined: the target's default). */
  readonly maxStack?: number;
  /** The run's memory, once it has started (for the globals). */
  readonly memory: () => Memory | null;
}

type Ev<K extends RuntimeEvent['k']> = Extract<RuntimeEvent, { k: K }>;

/** One stack copy's adjusted pointers, grouped by what holds them and what they point at. */
interface Move {
  frames: FrameMap | null;
  readonly groups: Map<string, { count: number; first: string }>;
  adjusted: number;
}

/** One growth, from the failed check to the resume. */
interface Growth extends Move {
  readonly m: Ev<'morestack'>;
  stage: 'morestack' | 'rewind' | 'grow' | 'copy';
  grow: Ev<'grow'> | null;
}

/** Scheduler lines (switches, new and ended goroutines) shown without --verbose. */
const SCHED_LINES = 20;

export class Narrator {
  private readonly t: Target;
  private readonly funcs = new Map<string, FuncInfo>();
  private readonly globalPtrs: { name: string; addr: number }[];
  private growths = 0;
  private moves = 0;
  private cur: Growth | null = null;
  /** A stack the collector is shrinking (its copy's events follow the shrink event). */
  private shrinking: Move | null = null;
  private schedLines = 0;
  private switches = 0;
  private collections = 0;

  constructor(private readonly img: Image, readonly opts: NarratorOptions, private readonly write: (s: string) => void) {
    this.t = targetOf(img.arch);
    for (const f of img.funcs) this.funcs.set(f.name, f);
    this.globalPtrs = globalPointerWords(img);
  }

  event(e: RuntimeEvent): void {
    switch (e.k) {
      case 'morestack': return this.morestack(e);
      case 'rewind': return this.rewind(e);
      case 'preempt':
        this.cur = null;
        this.line(`  newstack: stackguard0 held StackPreempt: goroutine ${e.goid} yields in ${e.fn} (as if it called runtime.Gosched) instead of growing its stack`);
        return;
      case 'grow': return this.grow(e);
      case 'copy': return this.copy(e);
      case 'adjust': return this.adjust(e);
      case 'panic':
        this.line(`panic in goroutine ${e.goid}: ${e.value}`);
        return;
      case 'recovered':
        this.line(`  recovered: the deferring function resumes at ${hex(e.pc)} with SP ${hex(e.sp)}, its deferproc returning 1`);
        return;
      case 'newdefer': case 'freedefer':
        return;
      case 'resume': return this.resume(e);
      case 'switch':
        // The boot sequence's start of goroutine 1 is not a switch.
        if (e.from === 0 && this.switches === 0 && this.schedLines === 0) return;
        this.switches++;
        this.sched(e.from === 0 ? `schedule: goroutine ${e.to} runs, from ${e.fn}` : `schedule: goroutine ${e.from} stops; goroutine ${e.to} runs, from ${e.fn}`);
        return;
      case 'newproc':
        this.sched(`newproc: goroutine ${e.parent} makes goroutine ${e.goid}, to run ${e.fn} (queued; it runs when the scheduler picks it)`);
        return;
      case 'goexit':
        this.sched(`goexit: goroutine ${e.goid} ends; its g is kept for the next GO`);
        return;
      case 'shrink':
        this.endShrink();
        this.shrinking = { frames: null, groups: new Map(), adjusted: 0 };
        this.line(`  shrinkstack: goroutine ${e.goid} uses less than a quarter of its ${e.oldSize}-byte stack: copystack moves it to a new one of ${e.newSize} bytes`);
        return;
      case 'gc':
        this.endShrink();
        this.collections++;
        this.line(`GC #${e.n}: the world stopped; marked from the globals, every goroutine's stack and deferred calls; heap ${e.heapBefore} -> ${e.heapAfter} bytes, ${e.freed} object${e.freed === 1 ? '' : 's'} freed, ${e.shrunk} stack${e.shrunk === 1 ? '' : 's'} shrunk`);
        return;
    }
  }

  /** A scheduler line: the first SCHED_LINES of them, or all with --verbose. */
  private sched(s: string): void {
    this.schedLines++;
    if (this.opts.verbose || this.schedLines <= SCHED_LINES) this.line(s);
    else if (this.schedLines === SCHED_LINES + 1) this.line(`(further scheduler events are not shown: gorun explain --verbose shows them all)`);
  }

  private endShrink(): void {
    if (this.shrinking) this.summarise(this.shrinking);
    this.shrinking = null;
  }

  /** The end of the run: a growth it ended in, then the summary. */
  finish(res: RunResult): void {
    const ended = this.cur !== null;
    if (this.cur) this.fatal(this.cur, res);
    this.cur = null;
    const moves = `${this.moves} stack move${this.moves === 1 ? '' : 's'}`;
    const summary = this.growths === 0 ? 'No stack growth: every split check passed.'
      : ended ? `${moves}; the run ended in the ${ordinal(this.growths)} failed split check.` : `${moves}.`;
    const sched = this.switches > 0 ? ` ${this.switches} goroutine switch${this.switches === 1 ? '' : 'es'}.` : '';
    const gcs = this.collections > 0 ? ` ${this.collections} garbage collection${this.collections === 1 ? '' : 's'}.` : '';
    this.line(`${summary}${sched}${gcs} ${res.stats.steps} instructions.`);
  }

  private line(s: string): void {
    this.write(s + '\n');
  }

  // ---- the failed check

  private morestack(e: Ev<'morestack'>): void {
    this.growths++;
    this.cur = { m: e, stage: 'morestack', grow: null, frames: null, groups: new Map(), adjusted: 0 };
    const f = this.funcs.get(e.fn);
    this.line(`#${this.growths} ${e.fn}: split check failed: ${checkText(this.t, f, e)}`);
    if (f) this.line(`  its prologue: ${prologue(this.img, f, e.schedPC)}`);
    this.line(`  ${guardText(this.t, e)}`);
    this.line(`  morestack saved g.sched = {pc: ${hex(e.schedPC)} (the jump after the call), sp: ${hex(e.schedSP)}, ctxt: ${hex(e.ctxt)}}`);
    const caller = e.caller === '?' ? 'outside gasm code' : `in the caller ${e.caller}`;
    this.line(`           and m.morebuf = {pc: ${hex(e.morebufPC)} (${caller}), sp: ${hex(e.morebufSP)}}, then switched to g0`);
  }

  private rewind(e: Ev<'rewind'>): void {
    if (this.cur) this.cur.stage = 'rewind';
    const bytes = e.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const what = this.t.family === 'arm' ? 'B.LS (cond LS, B): pc + 8 + 4*imm24'
      : e.bytes[0] === 0xeb ? 'JMP rel8: pc + 2 + rel8' : 'JMP rel32: pc + 5 + rel32';
    this.line(`  rewindmorestack: bytes ${bytes} at ${hex(e.jmpPC)} are ${what} = ${hex(e.resumePC)}, the start of ${e.fn}`);
  }

  private grow(e: Ev<'grow'>): void {
    if (this.cur) { this.cur.stage = 'grow'; this.cur.grow = e; }
    this.line(e.forced
      ? `  newstack: no growth needed; --stackforcemove moves the ${e.oldSize}-byte stack anyway`
      : `  newstack: stack [${hex(e.oldLo)}, ${hex(e.oldHi)}) of ${e.oldSize} bytes doubles to ${e.newSize}`);
  }

  // ---- the copy

  private copy(e: Ev<'copy'>): void {
    const frames = new FrameMap(this.t, this.funcs, e.frames, e.framesTruncated);
    if (this.cur) { this.cur.stage = 'copy'; this.cur.frames = frames; }
    if (this.shrinking) this.shrinking.frames = frames;
    this.line(`  copystack: ${e.used} bytes in use move from [${hex(e.oldHi - e.used)}, ${hex(e.oldHi)}) to [${hex(e.newHi - e.used)}, ${hex(e.newHi)}); new stack [${hex(e.newLo)}, ${hex(e.newHi)}), delta ${e.delta >= 0 ? '+' : '-'}${hex(Math.abs(e.delta))}`);
    this.staleGlobals(e, frames);
  }

  /** Globals holding pointers into the old stack: copystack does not look at them. */
  private staleGlobals(e: Ev<'copy'>, frames: FrameMap): void {
    const mem = this.opts.memory();
    if (!mem) return;
    for (const g of this.globalPtrs) {
      const p = mem.ldw(g.addr, this.t.ptrSize);
      if (p < e.oldLo || p >= e.oldHi) continue;
      const at = frames.name(p);
      this.line(`  ${g.name} holds ${hex(p)}${at ? ` (the address of ${at})` : ''} — a pointer into the stack outside any frame: copystack does not fix it, so from now on it points into the old stack, which is freed`);
    }
  }

  private adjust(e: Ev<'adjust'>): void {
    const g: Move | null = this.cur ?? this.shrinking;
    const frames = g?.frames ?? null;
    const holder = e.where === 'locals' || e.where === 'args' ? frames?.holder(e.fn, e.where, e.addr) ?? null : null;
    // A defer record's argp is the deferring frame's outgoing area: naming the callee's slot there would mislead.
    const names = !(e.where === 'defer' && e.fn.endsWith(': argp'));
    const target = names ? frames?.name(e.from) ?? null : null;
    const what = adjusted(e.fn, e.where);
    if (this.opts.verbose) {
      const names = [holder?.slot, target && `pointing at ${target}`].filter(Boolean).join(', ');
      this.line(`    adjusted ${what} at ${hex(e.addr)}: ${hex(e.from)} -> ${hex(e.to)}${names ? ` (${names})` : ''}`);
    }
    if (!g) return;
    g.adjusted++;
    const relTarget = names ? frames?.name(e.from, holder?.frame) ?? null : null;
    const key = holder ? `${holder.slot} in ${e.fn}'s ${e.where}` : what;
    const groupKey = `${key}\u0000${relTarget ?? ''}`;
    const have = g.groups.get(groupKey);
    if (have) have.count++;
    else g.groups.set(groupKey, { count: 1, first: `${hex(e.from)} -> ${hex(e.to)}` });
  }

  private resume(e: Ev<'resume'>): void {
    this.moves++;
    if (this.cur) this.summarise(this.cur);
    this.cur = null;
    this.line(e.atStart
      ? `  resume ${e.fn} at its start ${hex(e.pc)} with SP ${hex(e.sp)}: the split check runs again, on the new stack`
      : `  resume ${e.fn} at ${hex(e.pc)}, past its split check, with SP ${hex(e.sp)}`);
  }

  /** The adjusted pointers of one stack copy, a line per slot and what it points at. */
  private summarise(g: Move): void {
    if (this.opts.verbose) {
      if (g.adjusted === 0) this.line('    (no pointer into the stack needed adjusting)');
      return;
    }
    if (g.adjusted === 0) { this.line('  copystack: no pointer into the stack needed adjusting'); return; }
    this.line(`  copystack adjusted ${g.adjusted} pointer${g.adjusted === 1 ? '' : 's'} into the old stack, in place, before copying:`);
    for (const [key, { count, first }] of g.groups) {
      const [holder, target] = key.split('\u0000') as [string, string];
      const times = count === 1 ? '' : ` (${count} frames)`;
      const points = target ? `, ${count === 1 ? '' : 'each '}pointing at ${target}` : '';
      this.line(`    ${holder}${times}${points}: ${first}${count === 1 ? '' : ' in the innermost, …'}`);
    }
  }

  // ---- a growth the run ended in

  private fatal(g: Growth, res: RunResult): void {
    const e = g.m;
    if (res.bound) {
      this.line(`  the run stopped here: ${res.bound}`);
      return;
    }
    if (res.exitCode !== 2) return;
    const sp = this.t.family === 'x86' ? e.schedSP - this.t.ptrSize : e.schedSP;
    const size = e.hi - e.lo;
    const maxStack = this.opts.maxStack ?? maxStackSize(this.t.ptrSize);
    if (g.stage === 'rewind' && sp < e.lo) {
      this.line(`  newstack: SP ${hex(sp)} is ${e.lo - sp} bytes below the stack's low end ${hex(e.lo)} (stack [${hex(e.lo)}, ${hex(e.hi)})): frames have already been written below the stack, by code that did not check (NOSPLIT functions sank SP past the guard), so there is no stack left to copy.`);
      this.line('  The runtime throws: fatal error: runtime: split stack overflow (its report, on standard error, says the same: SP < lo).');
    } else if (g.stage === 'rewind' && e.guard !== StackPreempt && 2 * size > maxStack) {
      this.line(`  newstack: doubling the ${size}-byte stack would make it ${2 * size} bytes, more than the maximum stack of ${maxStack} bytes (--max-stack; Go's debug.SetMaxStack).`);
      this.line('  The runtime throws: fatal error: stack overflow (its report, on standard error, gives the limit and the stack).');
    } else {
      this.line(`  the run ended here, in ${g.stage === 'copy' ? 'copystack' : 'newstack'}, with a fatal error: the runtime's report is on standard error`);
    }
  }
}

// ---- the split check in words

/** The comparison the prologue made, with its values. */
function checkText(t: Target, f: FuncInfo | undefined, e: Ev<'morestack'>): string {
  const guard = hex(BigInt.asUintN(t.ptrSize * 8, BigInt(e.guard)));
  if (!f || f.split === 'small') return `SP ${hex(e.sp)} <= stackguard0 ${guard}`;
  if (f.split === 'big' && t.family === 'arm') return `SP ${hex(e.sp)} - ${f.spDelta} (its autosize) <= stackguard0 ${guard}`;
  if (f.split === 'big') return `SP ${hex(e.sp)} - ${f.spDelta - StackSmall} (its frame beyond StackSmall) <= stackguard0 ${guard}`;
  return `SP ${hex(e.sp)} leaves less than its ${f.spDelta}-byte frame above stackguard0 ${guard}`;
}

/** What stackguard0 held: lo + StackGuard, or a sentinel that makes every check fail. */
function guardText(t: Target, e: Ev<'morestack'>): string {
  const stack = `the stack [${hex(e.lo)}, ${hex(e.hi)}) of ${e.hi - e.lo} bytes`;
  const real = `stack.lo ${hex(e.lo)} + StackGuard ${StackGuard} = ${hex(e.lo + StackGuard)}`;
  const word = hex(BigInt.asUintN(t.ptrSize * 8, BigInt(e.guard)));
  if (e.guard === StackForceMove) return `stackguard0 holds StackForceMove (${word}, above every SP): --stackforcemove makes every check fail; the real guard is ${real}, on ${stack}`;
  if (e.guard === StackPreempt) return `stackguard0 holds StackPreempt (${word}, above every SP): a preemption request; the real guard is ${real}, on ${stack}`;
  if (e.guard === e.lo + StackGuard) return `stackguard0 ${word} = ${real.replace(/ = .*/, '')}, on ${stack}`;
  return `stackguard0 ${word} (${real}), on ${stack}`;
}

/** The function's prologue, rendered, from its entry up to the jump after the morestack call. */
function prologue(img: Image, f: FuncInfo, jmpPC: number): string {
  const t = targetOf(img.arch);
  const read = codeReader(img), sym = symbolizer(img);
  const out: string[] = [];
  for (let pc = f.entry; pc < jmpPC && pc < f.end && out.length < 16;) {
    const d = decode(t, read, pc);
    if (!d) break;
    out.push(render(t, d.inst, sym));
    pc += d.size;
  }
  return `${out.join('; ')} (at ${hex(f.entry)})`;
}

// ---- naming what is in the old stack

interface Region {
  readonly lo: number;
  readonly hi: number;
  readonly frame: number;
  readonly kind: 'args' | 'locals';
}

/** The frames of the old stack (the copy event's), to name the slot an address is in. */
class FrameMap {
  private readonly regions: Region[] = [];

  constructor(t: Target, private readonly funcs: ReadonlyMap<string, FuncInfo>, private readonly frames: readonly FrameInfo[], private readonly truncated: boolean) {
    const W = t.ptrSize, x86 = t.family === 'x86';
    frames.forEach((fr, i) => {
      const fn = funcs.get(fr.fn);
      if (!fn) return;
      const argp = x86 ? fr.fp : fr.fp + 4, varp = x86 ? fr.fp - W : fr.fp;
      // Locals exist once the prologue has made the frame (past the saved LR on ARM).
      if (fn.localsSize > 0 && varp - fr.sp > (x86 ? 0 : 4)) this.regions.push({ lo: varp - fn.localsSize, hi: varp, frame: i, kind: 'locals' });
      if (fn.argsSize > 0) this.regions.push({ lo: argp, hi: argp + fn.argsSize, frame: i, kind: 'args' });
    });
    this.regions.sort((a, b) => a.lo - b.lo);
  }

  private find(addr: number): Region | null {
    let lo = 0, hi = this.regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, r = this.regions[mid]!;
      if (addr < r.lo) hi = mid - 1;
      else if (addr >= r.hi) lo = mid + 1;
      else return r;
    }
    return null;
  }

  private slotAt(r: Region, addr: number): string {
    const fn = this.funcs.get(this.frames[r.frame]!.fn)!;
    const off = addr - r.lo;
    const slots: readonly FuncParam[] = r.kind === 'args' ? [...fn.params, ...fn.results] : fn.locals;
    const s = slots.find((x) => off >= x.off && off < x.off + Math.max(x.size, 1));
    if (!s) return `the word at +${off}`;
    const name = s.name === '.ctxt' ? 'the saved closure context' : s.name.startsWith('.') ? `a compiler temporary (${s.name})` : `\`${s.name}\``;
    return off === s.off ? name : `${name}+${off - s.off}`;
  }

  /** The slot holding a pointer being adjusted (in fn's locals or args), and its frame. */
  holder(fn: string, kind: 'args' | 'locals', addr: number): { slot: string; frame: number } | null {
    const r = this.find(addr);
    if (!r || r.kind !== kind || this.frames[r.frame]!.fn !== fn) return null;
    return { slot: this.slotAt(r, addr), frame: r.frame };
  }

  /**
   * What addr is the address of: a slot of a frame (`x` in main.main's
   * locals), said relative to the frame `from` (the holder's) when given:
   * its own frame, or its caller.
   */
  name(addr: number, from?: number): string | null {
    const r = this.find(addr);
    if (!r) return this.truncated ? null : 'a word of the old stack in no frame\'s slots';
    const fr = this.frames[r.frame]!, slot = this.slotAt(r, addr);
    if (from !== undefined && r.frame === from) return `${slot} in its own ${r.kind} (${fr.fn})`;
    if (from !== undefined && r.frame === from + 1) return `${slot} in its caller ${fr.fn}'s ${r.kind}`;
    return `${slot} in ${fr.fn}'s ${r.kind}`;
  }
}

/** Every pointer word of the program's globals (the image's data symbols and their pointer maps). */
function globalPointerWords(img: Image): { name: string; addr: number }[] {
  const W = targetOf(img.arch).ptrSize;
  const out: { name: string; addr: number }[] = [];
  for (const [name, s] of img.symbols) {
    if (s.kind !== 'data' || !s.ptrs) continue;
    s.ptrs.forEach((p, i) => { if (p) out.push({ name: i === 0 ? name : `${name}+${i * W}`, addr: s.addr + i * W }); });
  }
  return out;
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return `${n}${teen ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** What an adjusted pointer was, in a learner's words. */
function adjusted(fn: string, where: string): string {
  switch (where) {
    case 'ctxt': return 'the saved closure context';
    case 'deferargs': return `a pointer in the arguments of the deferred call of ${fn} (kept in its defer record, in the heap)`;
    case 'defer': {
      const [name, field] = fn.split(': ');
      return `the ${field} field of the defer record of ${name}`;
    }
    case 'panic': return 'g._panic (the panic record lives on the stack)';
    case 'sudog': return 'the elem of the sudog of a goroutine blocked on a channel (where the value goes or comes from)';
    default: return `a pointer in ${fn}'s ${where}`;
  }
}
