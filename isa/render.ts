// Rendering: Inst -> the target's Go assembler syntax.
import type { Inst, Operand } from './inst.js';
import { BASE_SB, COND_NAMES, Cond, Op, OPS, X86_JCC_NAMES } from './ops.js';
import type { Target } from './target.js';

/** Names code and data addresses: `main.f` for a function entry, `main.x+8` for data. */
export interface Symbolizer {
  /** The symbol exactly at addr (a function entry or a global), with an offset if inside one. */
  symbol(addr: number): string | null;
  /** The name of host runtime function number id. */
  hostName(id: number): string;
}

export const NO_SYMBOLS: Symbolizer = { symbol: () => null, hostName: (id) => `#${id}` };

const hex = (n: number) => '0x' + (n >>> 0).toString(16);

export function render(t: Target, inst: Inst, sym: Symbolizer = NO_SYMBOLS): string {
  return t.family === 'arm' ? renderArm(t, inst, sym) : renderX86(t, inst, sym);
}

function regName(t: Target, r: number): string {
  return t.regNames[r] ?? `R?${r}`;
}

function memStr(t: Target, a: { base: number; disp: number }, sym: Symbolizer): string {
  if (a.base === BASE_SB) return `${sym.symbol(a.disp) ?? hex(a.disp)}(SB)`;
  return `${a.disp}(${regName(t, a.base)})`;
}

function operand(t: Target, a: Operand, sym: Symbolizer): string {
  switch (a.k) {
    case 'r': return regName(t, a.reg);
    case 'i': {
      // An immediate that is exactly a symbol's address prints as Go's address constant.
      const s = a.imm >= 0x1000n && a.imm < 0x100000000n ? sym.symbol(Number(a.imm)) : null;
      return s !== null && !s.includes('+') ? `$${s}(SB)` : `$${a.imm}`;
    }
    case 'm': return memStr(t, a, sym);
    case 'b': {
      const s = sym.symbol(a.target);
      return s !== null && !s.includes('+') ? `${s}(SB)` : hex(a.target);
    }
  }
}

const X86_NAMES: Partial<Record<Op, string>> = {
  [Op.MOV]: 'MOV', [Op.LEA]: 'LEA', [Op.ADD]: 'ADD', [Op.SUB]: 'SUB', [Op.MUL]: 'IMUL',
  [Op.AND]: 'AND', [Op.OR]: 'OR', [Op.XOR]: 'XOR', [Op.SHL]: 'SHL', [Op.SHR]: 'SHR',
  [Op.SAR]: 'SAR', [Op.DIV]: 'DIV', [Op.MOD]: 'MOD', [Op.NEG]: 'NEG', [Op.NOT]: 'NOT', [Op.CMP]: 'CMP',
};

function renderX86(t: Target, inst: Inst, sym: Symbolizer): string {
  const row = OPS[inst.id]!;
  const ops = inst.args.map((a) => operand(t, a, sym));
  const w = t.wordSuffix;
  switch (row.op) {
    case Op.NOP: return 'NOP';
    case Op.JMP: return `JMP ${ops[0]}`;
    case Op.JCC: return `${X86_JCC_NAMES[inst.cond]} ${ops[0]}`;
    case Op.CALL: return row.form === 'ri' ? `CALL ${ops[0]} // ${ops[1]!.slice(1)} bytes of args` : `CALL ${ops[0]}`;
    case Op.RET: return 'RET';
    case Op.BREAK: return 'INT $3';
    case Op.MOVTLS: return `MOV${w} (TLS), ${ops[0]}`;
    case Op.HOSTCALL: return `HOSTCALL ${sym.hostName(Number(inst.args[0]!.k === 'i' ? inst.args[0]!.imm : 0))}`;
    case Op.BLKZERO: return `BLKZERO ${ops[1]}, ${ops[0]}`;
    case Op.BLKCOPY: return `BLKCOPY ${ops[2]}, ${ops[0]}, ${ops[1]}`;
    case Op.MOVB:
      return row.form === 'mr' ? `MOVB${w}ZX ${ops[0]}, ${ops[1]}` : `MOVB ${ops.join(', ')}`;
    case Op.PUSHFRAME: case Op.POPRET: return `${row.name} ${ops.join(', ')}`;
    default: return `${X86_NAMES[row.op]}${w} ${ops.join(', ')}`;
  }
}

const ARM_NAMES: Partial<Record<Op, string>> = {
  [Op.ADD]: 'ADD', [Op.SUB]: 'SUB', [Op.MUL]: 'MUL', [Op.AND]: 'AND', [Op.OR]: 'ORR',
  [Op.XOR]: 'EOR', [Op.SHL]: 'SLL', [Op.SHR]: 'SRL', [Op.SAR]: 'SRA', [Op.DIV]: 'DIV', [Op.MOD]: 'MOD',
};

function renderArm(t: Target, inst: Inst, sym: Symbolizer): string {
  const row = OPS[inst.id]!;
  const c = inst.cond === Cond.AL ? '' : '.' + COND_NAMES[inst.cond];
  const ops = inst.args.map((a) => operand(t, a, sym));
  switch (row.op) {
    case Op.NOP: return `NOP${c}`;
    case Op.JMP: return row.form === 'r' ? `B${c} (${ops[0]})` : `B${c} ${ops[0]}`;
    case Op.JCC: return `B${c} ${ops[0]}`;
    case Op.CALL: return row.form === 'ri' ? `BL${c} (${ops[0]}) // ${ops[1]!.slice(1)} bytes of args` : row.form === 'r' ? `BL${c} (${ops[0]})` : `BL${c} ${ops[0]}`;
    case Op.MOV: return `MOVW${c} ${ops.join(', ')}`;
    case Op.MOVB: return row.form === 'mr' ? `MOVBU${c} ${ops.join(', ')}` : `MOVB${c} ${ops.join(', ')}`;
    case Op.LEA: return `MOVW${c} $${ops[0]}, ${ops[1]}`;
    case Op.CMP: return `CMP${c} ${ops[1]}, ${ops[0]}`;
    case Op.NEG: return `RSB${c} $0, ${ops[0]}, ${ops[0]}`;
    case Op.NOT: return `MVN${c} ${ops[0]}, ${ops[0]}`;
    case Op.PUSHFRAME: return `MOVW.W${c} ${ops[0]}, ${ops[1]}`;
    case Op.POPRET: return `MOVW.P${c} ${ops[0]}, R15`;
    case Op.BREAK: return `BREAK${c}`;
    case Op.HOSTCALL: return `HOSTCALL${c} ${sym.hostName(Number(inst.args[0]!.k === 'i' ? inst.args[0]!.imm : 0))}`;
    case Op.BLKZERO: return `BLKZERO${c} ${ops[1]}, ${ops[0]}`;
    case Op.BLKCOPY: return `BLKCOPY${c} ${ops[2]}, ${ops[0]}, ${ops[1]}`;
    default: return `${ARM_NAMES[row.op] ?? row.name}${c} ${ops.join(', ')}`;
  }
}
