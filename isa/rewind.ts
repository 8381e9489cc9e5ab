// The core of runtime·rewindmorestack (sys_x86.c, sys_arm.c): decode the
// `jmp start` that follows the morestack call, to find where the function
// that needed more stack begins.
import type { ByteReader } from './decode.js';
import type { Target } from './target.js';

export type RewindResult =
  | { readonly ok: true; readonly pc: number }
  /** The bytes are not a prologue branch: print `message`, then throw "runtime: misuse of rewindmorestack". */
  | { readonly ok: false; readonly message: string };

// runtime·printf's %p and %x both print 0x-prefixed hex (runtime·printhex).
const hex = (n: number) => '0x' + (n >>> 0).toString(16);

/** Given gobuf.pc (the return address of the morestack call), the pc to resume at. */
export function rewindPC(t: Target, read: ByteReader, pc: number): RewindResult {
  return t.family === 'arm' ? rewindArm(read, pc) : rewindX86(read, pc);
}

function rewindX86(read: ByteReader, pc: number): RewindResult {
  const b0 = read(pc);
  if (b0 === 0xe9) { // JMP rel32
    let rel = 0;
    for (let i = 4; i >= 1; i--) rel = rel * 256 + Math.max(read(pc + i), 0);
    return { ok: true, pc: pc + 5 + (rel | 0) };
  }
  if (b0 === 0xeb) { // JMP rel8
    return { ok: true, pc: pc + 2 + ((read(pc + 1) << 24) >> 24) };
  }
  if (b0 === 0xcc) { // a debugger's breakpoint on the jmp: resume at the jmp itself
    return { ok: true, pc };
  }
  const bytes = [0, 1, 2, 3, 4].map((i) => hex(Math.max(read(pc + i), 0))).join(' ');
  return { ok: false, message: `runtime: pc=${hex(pc)} ${bytes}\n` };
}

function rewindArm(read: ByteReader, pc: number): RewindResult {
  let inst = 0;
  for (let i = 3; i >= 0; i--) inst = inst * 256 + Math.max(read(pc + i), 0);
  if ((pc & 3) === 0 && (inst >>> 24) === 0x9a) { // B.LS start
    return { ok: true, pc: pc + ((inst << 8) >> 6) + 8 };
  }
  return { ok: false, message: `runtime: pc=${hex(pc)} ${hex(inst)}\n` };
}
