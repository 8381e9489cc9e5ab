// The ISA table: every row encodes and decodes back to itself on every
// target, and rewindmorestack's decoder reads exactly the prologue branch
// encodings sys_x86.c and sys_arm.c accepted.
import { describe, expect, it } from 'vitest';
import { decode } from '../isa/decode.js';
import { armBranchWord, encode, instSize } from '../isa/encode.js';
import type { Inst, Operand } from '../isa/inst.js';
import { BASE_SB, Cond, OPS, Op, opId } from '../isa/ops.js';
import { render } from '../isa/render.js';
import { rewindPC } from '../isa/rewind.js';
import { ARCHES, targetOf } from '../isa/target.js';

const reader = (buf: Uint8Array, base: number) => (a: number) => (a - base >= 0 && a - base < buf.length ? buf[a - base]! : -1);

function sample(letter: string, i: number, ptr: number): Operand {
  switch (letter) {
    case 'r': return { k: 'r', reg: (i * 3 + 1) % (ptr === 8 ? 16 : 8) };
    case 'i': return { k: 'i', imm: ptr === 8 ? -0x123456789an : -1314n };
    case 'm': return i % 2 === 0 ? { k: 'm', base: 4, disp: -408 } : { k: 'm', base: BASE_SB, disp: 0x4b0010 };
    default: return { k: 'b', target: 0x1000 + 0x40 };
  }
}

describe('ISA table round trip', () => {
  for (const arch of ARCHES) {
    const t = targetOf(arch);
    it(`every ${arch} row encodes, decodes to the same instruction, and renders`, () => {
      let n = 0;
      OPS.forEach((row, id) => {
        if (t.family === 'arm' && !row.arm) return;
        if (t.family === 'x86' && row.op === Op.JCC) return; // covered below with conditions
        const args = row.form.split('').map((l, i) => sample(l, i, t.ptrSize));
        const cond = row.op === Op.JCC ? Cond.LS : Cond.AL;
        for (const long of row.op === Op.JMP && t.family === 'x86' ? [false, true] : [false]) {
          const inst: Inst = { id, cond, args, long };
          const buf = new Uint8Array(64);
          const size = encode(t, inst, 0x1000, buf, 0);
          expect(size).toBe(instSize(t, inst));
          const d = decode(t, reader(buf, 0x1000), 0x1000);
          expect(d, `${row.name} ${row.form}`).not.toBeNull();
          expect(d!.size).toBe(size);
          expect(d!.inst.id).toBe(id);
          expect(d!.inst.args).toEqual(args);
          expect(render(t, d!.inst).length).toBeGreaterThan(0);
          n++;
        }
      });
      expect(n).toBeGreaterThan(30);
    });
  }

  it('x86 conditional jumps use the real 7x rel8 and 0F 8x rel32 encodings', () => {
    const t = targetOf('amd64');
    const buf = new Uint8Array(8);
    encode(t, { id: opId(Op.JCC, 'b'), cond: Cond.HI, args: [{ k: 'b', target: 0x1010 }] }, 0x1000, buf, 0);
    expect([...buf.subarray(0, 2)]).toEqual([0x77, 0x0e]); // JHI = JA
    encode(t, { id: opId(Op.JCC, 'b'), cond: Cond.EQ, long: true, args: [{ k: 'b', target: 0x2000 }] }, 0x1000, buf, 0);
    expect([...buf.subarray(0, 6)]).toEqual([0x0f, 0x84, 0xfa, 0x0f, 0x00, 0x00]);
    const d = decode(t, reader(buf, 0x1000), 0x1000)!;
    expect(d.inst.cond).toBe(Cond.EQ);
    expect(d.inst.args[0]).toEqual({ k: 'b', target: 0x2000 });
  });

  it('x86 CALL is E8 rel32 and RET is C3', () => {
    const t = targetOf('386');
    const buf = new Uint8Array(8);
    encode(t, { id: opId(Op.CALL, 'b'), cond: Cond.AL, args: [{ k: 'b', target: 0x1000 }] }, 0x1000, buf, 0);
    expect([...buf.subarray(0, 5)]).toEqual([0xe8, 0xfb, 0xff, 0xff, 0xff]);
    encode(t, { id: opId(Op.RET, ''), cond: Cond.AL, args: [] }, 0x1000, buf, 0);
    expect(buf[0]).toBe(0xc3);
  });

  it('ARM B.LS and BL.LS are the real branch words', () => {
    expect(armBranchWord(Cond.LS, false, 0x11020, 0x11000) >>> 24).toBe(0x9a);
    expect(armBranchWord(Cond.LS, true, 0x11018, 0x12000) >>> 24).toBe(0x9b);
    expect(armBranchWord(Cond.AL, false, 0x11000, 0x11000) >>> 0).toBe(0xeafffffe);
  });

  it('rejects a condition on an x86 instruction other than a jump', () => {
    const t = targetOf('amd64');
    expect(() => encode(t, { id: opId(Op.MOV, 'rr'), cond: Cond.LS, args: [{ k: 'r', reg: 0 }, { k: 'r', reg: 1 }] }, 0, new Uint8Array(8), 0)).toThrow(/conditional/);
  });

  it('decodes garbage as no instruction instead of guessing', () => {
    expect(decode(targetOf('amd64'), reader(Uint8Array.of(0xff, 0xff), 0), 0)).toBeNull();
    expect(decode(targetOf('arm'), reader(Uint8Array.of(0, 0, 0, 0xf0), 0), 0)).toBeNull();
    expect(decode(targetOf('arm'), reader(new Uint8Array(8), 0), 2)).toBeNull();
  });
});

describe('rewindmorestack decoding (sys_x86.c, sys_arm.c)', () => {
  const x86 = targetOf('amd64');
  const arm = targetOf('arm');

  it('JMP rel8 (EB): pc + 2 + rel8', () => {
    const r = rewindPC(x86, reader(Uint8Array.of(0xeb, 0xe7), 0x401017), 0x401017);
    expect(r).toEqual({ ok: true, pc: 0x401000 });
  });

  it('JMP rel32 (E9): pc + 5 + rel32', () => {
    const r = rewindPC(x86, reader(Uint8Array.of(0xe9, 0x00, 0xff, 0xff, 0xff), 0x402000), 0x402000);
    expect(r).toEqual({ ok: true, pc: 0x402000 + 5 - 0x100 });
  });

  it('INT 3 (CC) on the jmp: resume at the jmp itself', () => {
    expect(rewindPC(x86, reader(Uint8Array.of(0xcc), 0x1000), 0x1000)).toEqual({ ok: true, pc: 0x1000 });
  });

  it('x86 misuse: prints pc and five bytes as runtime·printf does', () => {
    const r = rewindPC(x86, reader(Uint8Array.of(0x90, 0x01, 0x02, 0x03, 0x04), 0x1000), 0x1000);
    expect(r).toEqual({ ok: false, message: 'runtime: pc=0x1000 0x90 0x1 0x2 0x3 0x4\n' });
  });

  it('ARM B.LS: pc + 8 + 4*imm24', () => {
    const w = armBranchWord(Cond.LS, false, 0x110e0, 0x110cc);
    const buf = new Uint8Array(4);
    new DataView(buf.buffer).setUint32(0, w, true);
    expect(rewindPC(arm, reader(buf, 0x110e0), 0x110e0)).toEqual({ ok: true, pc: 0x110cc });
  });

  it('ARM misuse: an unconditional B, a BL.LS, or a misaligned pc', () => {
    for (const [w, pc] of [[armBranchWord(Cond.AL, false, 0x1000, 0x1000), 0x1000], [armBranchWord(Cond.LS, true, 0x1000, 0x1000), 0x1000]] as const) {
      const buf = new Uint8Array(4);
      new DataView(buf.buffer).setUint32(0, w, true);
      const r = rewindPC(arm, reader(buf, pc), pc);
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.message).toBe(`runtime: pc=0x${pc.toString(16)} 0x${(w >>> 0).toString(16)}\n`);
    }
    const buf = Uint8Array.of(0, 0xfe, 0xff, 0xff, 0x9a);
    expect(rewindPC(arm, reader(buf, 0x1001), 0x1002).ok).toBe(false);
  });
});
