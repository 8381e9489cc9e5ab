// docs/isa.md, derived from the OPS table (tests/isadoc.test.ts keeps it current).
import { ARM_OPCODE, X86_OPCODE, realArm, realX86 } from './encoding.js';
import { OPS } from './ops.js';

const hex2 = (n: number) => '0x' + n.toString(16).padStart(2, '0');

export function isaDocument(): string {
  const rows = OPS.map((r, id) => {
    const x86 = realX86(r) ? 'real' : hex2(X86_OPCODE.code[id]!);
    const arm = !r.arm ? '—' : realArm(r) ? 'real' : hex2(ARM_OPCODE.code[id]!);
    return `| ${id} | ${r.name}${r.byte ? ' (byte)' : ''} | \`${r.form || '-'}\` | ${x86} | ${arm} | ${r.doc} |`;
  });
  return [
    '# The gorun instruction set',
    '',
    'Generated from `isa/ops.ts` by `isa/doc.ts`; do not edit by hand.',
    '',
    'Operand forms: `r` register, `i` immediate word, `m` memory (base register',
    '+ 32-bit displacement, or an absolute SB address), `b` branch target.',
    'Two-operand forms are Plan 9 order, `OP from, to`; `CMP a, b` sets the flags',
    'from a − b. On ARM every instruction may carry a condition (`.LS`, `.NE` …).',
    '',
    'Encodings. x86 (amd64, 386): one opcode byte (the x86 column), then each',
    'operand in form order: a register is one byte, an immediate a full word, a',
    'memory operand a base byte (0xff = SB) and a 32-bit displacement. ARM: one',
    'word `cond<<28 | opcode<<20 | Ra<<16 | Rb<<12 | Rc<<8` (the arm column; never',
    '0xa0–0xbf, the B/BL space), then one word per immediate or displacement.',
    '"real" rows use the machine encoding: x86 `EB rel8`/`E9 rel32` JMP, `7x',
    'rel8`/`0F 8x rel32` Jcc, `E8 rel32` CALL, `C3` RET, `CC` INT 3; ARM `B`/`BL`',
    'words with their condition. "—": the row does not exist on ARM (the compiler',
    'lowers through R11 instead).',
    '',
    '| id | op | form | x86 | arm | meaning |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
