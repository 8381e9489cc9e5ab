// Targets: what differs between amd64, 386 and arm for the whole toolchain.
//
// The target is a parameter of every compile, never a global. Register
// numbers are the target's own (x86: AX=0 CX=1 DX=2 BX=3 SP=4 BP=5 SI=6 DI=7
// R8..R15; ARM: R0..R15), so the VM's register file is the target's.

export type Arch = 'amd64' | '386' | 'arm';
export const ARCHES: readonly Arch[] = ['amd64', '386', 'arm'];

export function isArch(s: string): s is Arch {
  return (ARCHES as readonly string[]).includes(s);
}

export interface Target {
  readonly arch: Arch;
  readonly family: 'x86' | 'arm';
  /** Pointer and register size in bytes. */
  readonly ptrSize: 8 | 4;
  /** Bytes a CALL pushes (the return address); 0 on ARM, which has a link register. */
  readonly callSize: number;
  /** Register names indexed by register number. */
  readonly regNames: readonly string[];
  /** gasm's portable R0..R5, as target register numbers. */
  readonly portable: readonly number[];
  readonly sp: number;
  /** Closure context register (Go: DX on x86, R7 on ARM). */
  readonly ctxt: number;
  /** A register the compiler may clobber inside one gasm instruction. */
  readonly tmp: number;
  /** The register an indirect call goes through (after loading the funcval's code pointer). */
  readonly call: number;
  /** ARM only: link register and the register that holds g. */
  readonly lr: number;
  readonly g: number;
  readonly pc: number;
  /** Go assembler operand-size suffix of word instructions: Q, L or W. */
  readonly wordSuffix: 'Q' | 'L' | 'W';
}

const X86_REGS = ['AX', 'CX', 'DX', 'BX', 'SP', 'BP', 'SI', 'DI', 'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15'];
const ARM_REGS = ['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15'];

export const AX = 0, CX = 1, DX = 2, BX = 3, SP_X86 = 4, BP = 5, SI = 6, DI = 7, R8 = 8, R11_X86 = 11;

const amd64: Target = {
  arch: 'amd64', family: 'x86', ptrSize: 8, callSize: 8,
  regNames: X86_REGS, portable: [AX, BX, CX, SI, DI, R8],
  sp: SP_X86, ctxt: DX, tmp: R11_X86, call: R11_X86, lr: -1, g: -1, pc: -1,
  wordSuffix: 'Q',
};

const i386: Target = {
  arch: '386', family: 'x86', ptrSize: 4, callSize: 4,
  regNames: X86_REGS.slice(0, 8), portable: [AX, BX, CX, SI, DI, BP],
  // DX is the closure context only on entry (the compiler saves it at once),
  // so it doubles as the scratch register on 386, which has no R8..R15.
  sp: SP_X86, ctxt: DX, tmp: DX, call: BX, lr: -1, g: -1, pc: -1,
  wordSuffix: 'L',
};

const arm: Target = {
  arch: 'arm', family: 'arm', ptrSize: 4, callSize: 0,
  regNames: ARM_REGS, portable: [0, 1, 2, 3, 4, 5],
  // R11 is REGTMP in Go's ARM assembler, R10 is g, R7 the closure context.
  sp: 13, ctxt: 7, tmp: 11, call: 11, lr: 14, g: 10, pc: 15,
  wordSuffix: 'W',
};

const TARGETS: Record<Arch, Target> = { amd64, '386': i386, arm };

export function targetOf(arch: Arch): Target {
  return TARGETS[arch];
}
