// A compiling engine: each gasm function becomes one JavaScript function,
// generated from the predecoded instructions with their operands baked in.
// It runs a `switch` over the function's entry points and loops inside for
// branches, and for calls and returns that stay within the function
// (recursion); it RETURNS to the dispatcher (run below) at every other call
// and return, host call, trap and the end of its step budget — so a gasm
// call never recurses in JavaScript, and the runtime always sees memory and
// registers as the interpreter (machine.ts) would leave them. Same semantics
// as the interpreter, which stays the reference (tests/engines.test.ts).
import { Fault } from './memory.js';
import { Next, type Engine, type Machine } from './machine.js';
import { Exit, generate, SP_MARGIN } from './jitgen.js';

type Compiled = (entry: number) => number;

/** State the generated code shares with the dispatcher: the clock and flags (typed arrays), and the slot it stopped at. */
export class JitState {
  /** [steps, the step count at which the run's budget ends]. (Typed arrays: compiled code's stores never change an object's shape.) */
  readonly clock = new Float64Array(2);
  /** The flags, CMP's operands: a's low and high words, b's low and high words. */
  readonly flags = new Int32Array(4);
  /** The slot that trapped or called the host. */
  at = 0;
  constructor(readonly m: Machine) {}

  /** Slow path of a load or store: faults precisely, at slot. */
  off(addr: number, n: number, write: boolean, slot: number): number {
    try {
      return this.m.mem.off(addr, n, write ? 'write' : 'read');
    } catch (e) {
      this.at = slot;
      throw e;
    }
  }
  slotAt(pc: number, from: number): number {
    const code = this.m.code;
    const o = pc - code.base;
    const s = o >= 0 && o < code.slotOf.length ? code.slotOf[o]! : -1;
    if (s < 0) { this.at = from; throw new Fault(pc, 'read', 'unmapped'); }
    return s;
  }
  cond(c: number, fal: number, fah: number, fbl: number, fbh: number): boolean {
    const m = this.m;
    m.fal = fal; m.fah = fah; m.fbl = fbl; m.fbh = fbh;
    return m.cond(c);
  }
  alu64(op: number, sl: number, sh: number, dl: number, dh: number): void {
    this.m.alu64(op, sl, sh, dl, dh);
  }
}

export class Jit implements Engine {
  private readonly fnAt: (Compiled | undefined)[];
  readonly S: JitState;

  /** 1 for every slot that is an entry of its compiled function. */
  private readonly entry: Uint8Array;
  /** For every slot, where its block ends (the next entry): compiled code counts a block's steps at its entry. */
  private readonly blockEnd: Int32Array;

  /** margin: how far a guarded block's SP-relative accesses may reach (jitgen.ts; tests vary it). */
  constructor(readonly m: Machine, private readonly margin = SP_MARGIN) {
    this.S = new JitState(m);
    this.fnAt = new Array(m.code.n + 1);
    this.entry = new Uint8Array(m.code.n + 1);
    this.blockEnd = new Int32Array(m.code.n + 1);
  }

  /** The compiled gasm function containing slot (compiled on first use). */
  private compiled(slot: number): Compiled {
    const c = this.fnAt[slot];
    if (c) return c;
    const code = this.m.code;
    if (slot >= code.n) throw new Fault(code.pc[slot] || code.base, 'read', 'unmapped');
    const from = code.fnFrom[slot]!, to = code.fnTo[slot]!;
    const { src, ents } = generate(this.m, from, to, this.margin);
    for (const e of ents) this.entry[e] = 1;
    for (let i = to - 1, end = to; i >= from; i--) {
      this.blockEnd[i] = end;
      if (this.entry[i]) end = i;
    }
    const mem = this.m.mem;
    const make = new Function('S', 'CLK', 'FL', 'GW', 'RF', 'HF', 'U8', 'I32', 'DV', 'Fault', 'ENTRY', 'FNARGS',
      `return function gasm_${from}(entry) {\n${src}\n};`);
    const fn = make(this.S, this.S.clock, this.S.flags, this.m.gw, this.m.r, this.m.h, mem.u8, mem.i32, mem.dv, Fault, this.entry, code.fnArgs) as Compiled;
    for (let i = from; i < to; i++) this.fnAt[i] = fn;
    return fn;
  }

  /**
   * The dispatcher: run compiled functions for `steps` instructions, or until
   * the host says stop. Compiled code checks the budget once per block, at
   * its entry; the last instructions of a budget that no longer hold a whole
   * block run in the interpreter, so that a run stops at exactly `steps`.
   */
  run(steps: number): Next {
    const m = this.m, S = this.S, code = m.code;
    const end = m.steps + steps;
    // A budget that ended in the interpreter may have stopped inside a block:
    // the interpreter takes it on to the next entry of compiled code.
    let slot = m.slotAt(m.pc);
    for (;;) {
      this.compiled(slot);
      if (this.entry[slot] === 1) break;
      if (m.steps >= end) return Next.Continue;
      const n = m.run(1);
      if (n !== Next.Continue) return n;
      slot = m.slotAt(m.pc);
    }
    if (m.steps >= end) return Next.Continue;
    // The machine's flags and clock are the truth now (the interpreter may have run since).
    this.load();
    S.clock[1] = end;
    try {
      for (;;) {
        let r: number;
        try {
          r = this.compiled(slot)(slot);
        } catch (e) {
          if (!(e instanceof Fault)) throw e;
          m.pc = code.pc[S.at]!;
          this.uncount(S.at);
          this.sync();
          const n = m.host.trap(m, { k: 'fault', fault: e, pc: m.pc });
          if (n !== Next.Continue) return n;
          slot = m.slotAt(m.pc);
          continue;
        }
        if (r >= 0) { slot = r; continue; }
        m.pc = code.pc[S.at]!;
        this.sync();
        let next: Next;
        switch (r) {
          case Exit.HostCall:
            m.jumped = false;
            next = m.host.hostcall(m, code.ilo[S.at]!);
            if (next !== Next.Stop && !m.jumped) m.pc = code.next[S.at]!;
            break;
          case Exit.Tick: {
            // The block at m.pc does not fit what is left of the budget.
            const next = m.run(S.clock[1]! - S.clock[0]!);
            this.load();
            return next;
          }
          case Exit.Divide: this.uncount(S.at); this.sync(); next = m.host.trap(m, { k: 'divide', pc: m.pc }); break;
          case Exit.BadCall: {
            const target = m.reg(code.ra[S.at]!);
            next = m.host.trap(m, { k: 'badcall', pc: m.pc, target, size: code.ilo[S.at]! });
            break;
          }
          default: next = m.host.trap(m, { k: 'breakpoint', pc: m.pc }); break;
        }
        if (next !== Next.Continue) return next;
        slot = m.slotAt(m.pc);
      }
    } finally {
      this.sync();
    }
  }

  /**
   * A block that stopped at slot `at` (a fault, a zero divisor) was counted
   * whole at its entry: take back the instructions after `at`, which did not
   * run (the interpreter counts the faulting instruction itself, and so do we).
   */
  private uncount(at: number): void {
    this.S.clock[0]! -= this.blockEnd[at]! - at - 1;
  }

  /** Take the machine's steps and flags after the interpreter ran. */
  private load(): void {
    const m = this.m, S = this.S, f = S.flags;
    S.clock[0] = m.steps;
    f[0] = m.fal; f[1] = m.fah; f[2] = m.fbl; f[3] = m.fbh;
  }

  /** Make the machine's view (steps, flags) current for the runtime. */
  private sync(): void {
    const m = this.m, S = this.S;
    m.steps = S.clock[0]!;
    const f = S.flags;
    m.fal = f[0]!; m.fah = f[1]!; m.fbl = f[2]!; m.fbh = f[3]!;
  }
}
