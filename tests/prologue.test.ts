// The stack-split prologues, instruction by instruction, as Go 1.4's
// liblink emits them (obj6.c stacksplit for x86, obj5.c for ARM), and the
// golden disassembly listings of the same programs.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import type { FuncInfo, Image } from '../compiler/image.js';
import { codeReader, listing, symbolizer } from '../compiler/listing.js';
import { decode } from '../isa/decode.js';
import { OPS, Op } from '../isa/ops.js';
import { render } from '../isa/render.js';
import { rewindPC } from '../isa/rewind.js';
import { targetOf, type Arch } from '../isa/target.js';

const callee = 'TEXT main.g()\n    RET\n';

const PROGRAMS: Record<string, string> = {
  small: `TEXT main.f(), $32\n    CALL main.g()\n    RET\n${callee}TEXT main.main()\n    CALL main.f()\n    RET\n`,
  big: `TEXT main.f(), $1024\n    CALL main.g()\n    RET\n${callee}TEXT main.main()\n    CALL main.f()\n    RET\n`,
  huge: `TEXT main.f(), $8192\n    CALL main.g()\n    RET\n${callee}TEXT main.main()\n    CALL main.f()\n    RET\n`,
  nosplit: `TEXT main.f(), NOSPLIT, $16\n    CALL main.g()\n    RET\n${callee}TEXT main.main()\n    CALL main.f()\n    RET\n`,
  closure: [
    'TEXT main.f()',
    '    CAPTURES (y int)',
    '    MOV y, R0',
    '    CALL main.g()',
    '    RET',
    callee + 'TEXT main.main()',
    '    LOCAL c closure main.f',
    '    CLOSURE main.f($7) -> c',
    '    LEA c, R0',
    '    CALL R0()',
    '    RET',
    '',
  ].join('\n'),
};

// Expected prologue of main.f up to and including the frame allocation.
// <ok> is the frame allocation, <call> the morestack call; the branch back names the function.
const EXPECT: Record<Arch, Record<string, string[]>> = {
  amd64: {
    small: ['MOVQ (TLS), CX', 'CMPQ SP, 16(CX)', 'JHI <ok>', 'CALL runtime.morestack_noctxt(SB)', 'JMP main.f(SB)', 'SUBQ $32, SP'],
    big: ['MOVQ (TLS), CX', 'LEAQ -896(SP), AX', 'CMPQ AX, 16(CX)', 'JHI <ok>', 'CALL runtime.morestack_noctxt(SB)', 'JMP main.f(SB)', 'SUBQ $1024, SP'],
    huge: ['MOVQ (TLS), CX', 'MOVQ 16(CX), SI', 'CMPQ SI, $-1314', 'JEQ <call>', 'LEAQ 256(SP), AX', 'SUBQ SI, AX', 'CMPQ AX, $8320', 'JHI <ok>',
      'CALL runtime.morestack_noctxt(SB)', 'JMP main.f(SB)', 'SUBQ $8192, SP'],
    nosplit: ['SUBQ $16, SP'],
    closure: ['MOVQ (TLS), CX', 'CMPQ SP, 16(CX)', 'JHI <ok>', 'CALL runtime.morestack(SB)', 'JMP main.f(SB)', 'SUBQ $8, SP', 'MOVQ DX, 0(SP)'],
  },
  '386': {
    small: ['MOVL (TLS), CX', 'CMPL SP, 8(CX)', 'JHI <ok>', 'CALL runtime.morestack_noctxt(SB)', 'JMP main.f(SB)', 'SUBL $32, SP'],
    big: ['MOVL (TLS), CX', 'LEAL -896(SP), AX', 'CMPL AX, 8(CX)', 'JHI <ok>', 'CALL runtime.morestack_noctxt(SB)', 'JMP main.f(SB)', 'SUBL $1024, SP'],
    huge: ['MOVL (TLS), CX', 'MOVL 8(CX), SI', 'CMPL SI, $-1314', 'JEQ <call>', 'LEAL 256(SP), AX', 'SUBL SI, AX', 'CMPL AX, $8320', 'JHI <ok>',
      'CALL runtime.morestack_noctxt(SB)', 'JMP main.f(SB)', 'SUBL $8192, SP'],
    nosplit: ['SUBL $16, SP'],
    closure: ['MOVL (TLS), CX', 'CMPL SP, 8(CX)', 'JHI <ok>', 'CALL runtime.morestack(SB)', 'JMP main.f(SB)', 'SUBL $4, SP', 'MOVL DX, 0(SP)'],
  },
  arm: {
    small: ['MOVW 8(R10), R1', 'CMP R1, R13', 'MOVW.LS R14, R3', 'BL.LS runtime.morestack_noctxt(SB)', 'B.LS main.f(SB)', 'MOVW.W R14, -36(R13)'],
    big: ['MOVW 8(R10), R1', 'MOVW $-1028(R13), R2', 'CMP R1, R2', 'MOVW.LS R14, R3', 'BL.LS runtime.morestack_noctxt(SB)', 'B.LS main.f(SB)', 'MOVW.W R14, -1028(R13)'],
    huge: ['MOVW 8(R10), R1', 'CMP $-1314, R1', 'MOVW.NE $256(R13), R2', 'SUB.NE R1, R2', 'MOVW.NE $8324, R3', 'CMP.NE R3, R2',
      'MOVW.LS R14, R3', 'BL.LS runtime.morestack_noctxt(SB)', 'B.LS main.f(SB)', 'MOVW.W R14, -8196(R13)'],
    nosplit: ['MOVW.W R14, -20(R13)'],
    closure: ['MOVW 8(R10), R1', 'CMP R1, R13', 'MOVW.LS R14, R3', 'BL.LS runtime.morestack(SB)', 'B.LS main.f(SB)', 'MOVW.W R14, -8(R13)', 'MOVW R7, 4(R13)'],
  },
};

function build(arch: Arch, name: string): { img: Image; f: FuncInfo } {
  const r = compile(PROGRAMS[name]!, 'prog.gasm', arch);
  expect(r.diagnostics).toEqual([]);
  const f = r.image!.funcs.find((x) => x.name === 'main.f')!;
  return { img: r.image!, f };
}

/** Decode the first n instructions of f, naming branch targets. */
function prologue(img: Image, f: FuncInfo, n: number): { text: string[]; pcs: number[] } {
  const t = targetOf(img.arch);
  const read = codeReader(img);
  const sym = symbolizer(img);
  const decoded: { pc: number; size: number; inst: NonNullable<ReturnType<typeof decode>>['inst'] }[] = [];
  for (let pc = f.entry, i = 0; i < n; i++) {
    const d = decode(t, read, pc)!;
    decoded.push({ pc, size: d.size, inst: d.inst });
    pc += d.size;
  }
  const callIdx = decoded.findIndex((d) => OPS[d.inst.id]!.op === Op.CALL);
  const names = new Map<number, string>();
  if (callIdx >= 0) {
    names.set(decoded[callIdx]!.pc, '<call>');
    names.set(decoded[callIdx + 2]?.pc ?? -1, '<ok>');
  }
  const text = decoded.map((d) => {
    const s = render(t, d.inst, sym);
    const b = d.inst.args[0];
    if (b?.k === 'b' && names.has(b.target)) return s.replace(/0x[0-9a-f]+$/, names.get(b.target)!);
    return s;
  });
  return { text, pcs: decoded.map((d) => d.pc) };
}

describe('stack-split prologues match Go 1.4 liblink (facts §2.4)', () => {
  for (const arch of ['amd64', '386', 'arm'] as const) {
    for (const name of Object.keys(PROGRAMS)) {
      it(`${arch} ${name}`, () => {
        const { img, f } = build(arch, name);
        const want = EXPECT[arch][name]!;
        expect(prologue(img, f, want.length).text).toEqual(want);
      });
    }
  }
});

describe('the jmp start after morestack is stored in the target encoding', () => {
  for (const arch of ['amd64', '386', 'arm'] as const) {
    for (const name of ['small', 'big', 'huge', 'closure']) {
      it(`${arch} ${name}: rewindmorestack decodes the branch back to the function entry`, () => {
        const { img, f } = build(arch, name);
        const t = targetOf(arch);
        const want = EXPECT[arch][name]!;
        const { pcs } = prologue(img, f, want.length);
        const jmpIdx = want.findIndex((s) => s.startsWith('JMP main.f') || s.startsWith('B.LS main.f'));
        const jmpPC = pcs[jmpIdx]!;
        const byte0 = img.text[jmpPC - img.textBase]!;
        if (t.family === 'x86') expect(byte0).toBe(0xeb); // JMP rel8: the prologue is short
        else expect(img.text[jmpPC - img.textBase + 3]).toBe(0x9a); // cond LS, B
        // morestack's saved pc is the return address of the call: the jmp itself.
        expect(rewindPC(t, codeReader(img), jmpPC)).toEqual({ ok: true, pc: f.entry });
      });
    }
  }
});

describe('frame classes and leaf functions', () => {
  it('amd64/386: a leaf with a small frame is NOSPLIT automatically (no prologue)', () => {
    for (const arch of ['amd64', '386'] as const) {
      const r = compile('TEXT main.leaf(), $16\n    MOV $1, R0\n    RET\nTEXT main.main()\n    CALL main.leaf()\n    RET\n', 'p.gasm', arch);
      const f = r.image!.funcs.find((x) => x.name === 'main.leaf')!;
      expect(f.nosplit && f.autoNosplit).toBe(true);
      expect(prologue(r.image!, f, 1).text[0]).toMatch(/^SUB[QL] \$16, SP$/);
    }
  });
  it('arm: a frameless leaf saves no LR and has no split check; a leaf with a frame keeps both', () => {
    const r = compile('TEXT main.leaf()\n    RET\nTEXT main.leaf2(), $16\n    RET\nTEXT main.main()\n    CALL main.leaf()\n    CALL main.leaf2()\n    RET\n', 'p.gasm', 'arm');
    const img = r.image!;
    const leaf = img.funcs.find((x) => x.name === 'main.leaf')!;
    expect(prologue(img, leaf, 1).text).toEqual(['B (R14)']);
    const leaf2 = img.funcs.find((x) => x.name === 'main.leaf2')!;
    expect(prologue(img, leaf2, 1).text).toEqual(['MOVW 8(R10), R1']);
  });
});

// Golden listings: regenerate with UPDATE_GOLDEN=1 after reviewing the change.
describe('golden disassembly listings', () => {
  const dir = new URL('./golden/', import.meta.url);
  for (const arch of ['amd64', '386', 'arm'] as const) {
    for (const name of Object.keys(PROGRAMS)) {
      it(`${arch} ${name}`, () => {
        const r = compile(PROGRAMS[name]!, 'prog.gasm', arch);
        const got = listing(r.image!, 'main.f');
        const file = new URL(`${arch}-${name}.disasm`, dir);
        if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
          if (process.env.CI) throw new Error(`missing golden ${file.pathname}`);
          mkdirSync(dir, { recursive: true });
          writeFileSync(file, got);
        }
        expect(got).toBe(readFileSync(file, 'utf8'));
      });
    }
  }
});
