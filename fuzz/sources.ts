// The fuzzer's programs: mutations of every .gasm in the repository, and
// generated valid programs whose output does not depend on the word size
// (so that the three targets must agree on it).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A small seeded generator (mulberry32): a case is reproducible from its seed. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
  chance(p: number): boolean { return this.next() < p; }
}

/** Every .gasm file under root (node_modules, dist and the fuzzer's own failures aside), relative paths. */
export function seedFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (['node_modules', 'dist', '.git', 'fuzz-failures'].includes(e.name)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.gasm')) out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

/** The seeds: every program file, and every gasm block of docs/gasm.md. */
export function loadSeeds(root: string): { name: string; source: string }[] {
  const seeds = seedFiles(root).map((f) => ({ name: f, source: readFileSync(join(root, f), 'utf8') }));
  const doc = readFileSync(join(root, 'docs/gasm.md'), 'utf8');
  [...doc.matchAll(/```gasm\n([\s\S]*?)```/g)].forEach((m, i) => seeds.push({ name: `docs/gasm.md#${i + 1}`, source: m[1]! }));
  return seeds;
}

const MNEMONICS = ['MOV', 'MOVB', 'LEA', 'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'AND', 'OR', 'XOR', 'SHL', 'SHR', 'SAR', 'NEG', 'NOT', 'CMP',
  'JMP', 'JEQ', 'JNE', 'JLT', 'JLE', 'JGT', 'JGE', 'JLO', 'JLS', 'JHI', 'JHS', 'CALL', 'RET', 'NOP', 'BOUNDS', 'PRINT', 'PRINTLN',
  'DEFER', 'PANIC', 'RECOVER', 'UNBOX', 'CONCAT', 'ISNIL', 'NEW', 'CLOSURE', 'GO', 'MAKECHAN', 'SEND', 'RECV', 'CLOSE', 'LOCAL',
  'TEXT', 'GLOBL', 'TYPE', 'CAPTURES', 'MOVQ', 'MOVL'];
const REGISTERS = ['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R15', 'SP', 'FP', 'SB', 'AX', 'R13', 'g'];
const NUMBERS = ['0', '1', '-1', '7', '4095', '4096', '65535', '2147483647', '2147483648', '4294967295', '4294967296', '0x7fffffffffffffff',
  '0x8000000000000000', '18446744073709551615', '18446744073709551616', '-9223372036854775808', '1<<62', '1<<63', '1<<64', '1<<511', '1<<512',
  '99999999999999999999999999999999999', '0x', '0b', '08', '1e9', '-0'];
const HUGE_TYPES = ['[1<<40]byte', '[4294967296]int', '[16777216]byte', '[16777217]byte', '[2097152]int', '[100000000]int', '[0]int', '[-1]byte'];

/** One random change to a program's text. */
export function mutate(src: string, r: Rng): string {
  const lines = src.split('\n');
  const at = () => r.int(Math.max(lines.length, 1));
  switch (r.int(16)) {
    case 0: { // flip a byte
      if (src.length === 0) return src;
      const i = r.int(src.length);
      return src.slice(0, i) + String.fromCharCode(src.charCodeAt(i) ^ (1 << r.int(7))) + src.slice(i + 1);
    }
    case 1: lines.splice(at(), 1); return lines.join('\n');
    case 2: { const i = at(); lines.splice(i, 0, lines[i] ?? ''); return lines.join('\n'); }
    case 3: { const i = at(), j = at(); [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? '']; return lines.join('\n'); }
    case 4: return src.replace(/\b\d+\b/g, (m) => (r.chance(0.3) ? r.pick(NUMBERS) : m));
    case 5: return src.replace(/\[[^\]]*\](byte|int|\*?\w+)/g, (m) => (r.chance(0.5) ? r.pick(HUGE_TYPES) : m));
    case 6: return src.replace(/^(\s+)([A-Z]+)\b/gm, (m, ws: string) => (r.chance(0.15) ? ws + r.pick(MNEMONICS) : m));
    case 7: return src.replace(/\bR[0-5]\b/g, (m) => (r.chance(0.2) ? r.pick(REGISTERS) : m));
    case 8: return src.slice(0, r.int(src.length + 1));
    case 9: { const i = r.int(src.length + 1); return src.slice(0, i) + r.pick(['\0', '\u00e9', '\u{1F600}', '\uFFFD', '\uFEFF', '\u0085', '\u2028', '\r', '\t', '\x7f']) + src.slice(i); }
    case 10: { const i = r.int(src.length + 1); return src.slice(0, i) + r.pick(['"', '"unclosed', '/*', '*/', '(', ')', '[', '$"', '`', '\\']) + src.slice(i); }
    case 11: { // a deep expression
      const depth = r.pick([50, 99, 100, 101, 150, 1000]);
      const expr = '('.repeat(depth) + '1' + ')'.repeat(r.chance(0.8) ? depth : depth - 1);
      lines.splice(at(), 0, `    MOV $${expr}, R0`);
      return lines.join('\n');
    }
    case 12: { // a long chain
      const n = r.pick([100, 10000, 100000]);
      lines.splice(at(), 0, `    MOV $${Array(n).fill('1').join(r.pick(['+', '*', '<<', '-']))}, R0`);
      return lines.join('\n');
    }
    case 13: { // a deep type
      const depth = r.pick([99, 100, 101, 500]);
      lines.splice(at(), 0, `GLOBL main.deep${r.int(1000)} ${'*'.repeat(depth)}int`);
      return lines.join('\n');
    }
    case 14: return src.replace(/\$(\d+)\b/g, (m) => (r.chance(0.3) ? `$${r.pick(NUMBERS)}` : m));
    default: { const i = at(); lines.splice(i, 0, ...lines.slice(i, i + 1 + r.int(20))); return lines.join('\n'); }
  }
}

// ---- generated programs

/**
 * A valid program whose output is the same on every target: values stay
 * below 2^15 (masked after each step), only integers and strings are
 * printed, and every function is a chain of calls whose depth argument
 * decreases, so it ends. Frames of every class (small, big, huge, NOSPLIT
 * leaves), recursion, and pointers into the stack passed down and written
 * through.
 */
export function generate(r: Rng): string {
  const nf = 1 + r.int(5);
  const fanout = r.chance(0.2) ? 2 : 1;
  const depth = fanout === 2 ? r.int(9) : r.pick([0, 1, 5, 50, 300, 2000]);
  const out: string[] = [`// generated: ${nf} functions, fan-out ${fanout}, depth ${depth}`, 'GLOBL main.total int', ''];
  out.push('TEXT main.leaf(a int) (r int), NOSPLIT, $0', '    MOV a, R0', '    ADD $3, R0', '    AND $32767, R0', '    MOV R0, r', '    RET', '');
  for (let i = 0; i < nf; i++) out.push(...genFunc(r, i, nf, fanout), '');
  out.push('TEXT main.main()', '    LOCAL x int', `    CALL main.f0($${depth}, &x) -> R0`, '    PRINTLN $"r =", R0, $"x =", x', '    MOV main.total, R1', '    PRINTLN $"total =", R1', '    RET', '');
  return out.join('\n');
}

const PADS = [0, 8, 64, 120, 200, 1000, 3000, 5000, 12000];

function arith(r: Rng, reg: string): string[] {
  const op = r.pick(['ADD', 'SUB', 'MUL', 'AND', 'OR', 'XOR', 'SHL', 'SHR', 'SAR', 'DIV', 'MOD']);
  const k = op === 'SHL' || op === 'SHR' || op === 'SAR' ? 1 + r.int(8) : op === 'DIV' || op === 'MOD' ? 1 + r.int(100) : r.int(1000);
  return [`    ${op} $${k}, ${reg}`, `    AND $32767, ${reg}`];
}

function genFunc(r: Rng, i: number, nf: number, fanout: number): string[] {
  const name = `main.f${i}`;
  const pad = r.pick(PADS);
  const lines = [`TEXT ${name}(n int, p *int) (r int)`, '    LOCAL x int', '    LOCAL acc int'];
  if (pad > 0) lines.push(`    LOCAL pad [${pad}]byte`);
  if (r.chance(0.2)) lines.push('    LOCAL s string');
  lines.push('    MOV n, R0', '    MOV R0, acc');
  for (let k = r.int(4); k > 0; k--) lines.push('    MOV acc, R1', ...arith(r, 'R1'), '    MOV R1, acc');
  if (pad > 0) lines.push('    LEA pad, R2', '    MOV acc, R1', `    MOVB R1, ${r.int(Math.min(pad, 8))}(R2)`);
  if (r.chance(0.3)) lines.push('    CALL main.leaf(acc) -> R1', '    MOV R1, acc');
  if (r.chance(0.15)) lines.push(`    DEFER PRINTLN $"defer ${name}"`);
  lines.push('    MOV n, R0', '    CMP R0, $0', '    JLE done');
  for (let c = 0; c < fanout; c++) {
    // Calls go to this function or a later one, with n-1: every chain ends.
    const callee = `main.f${i + r.int(nf - i)}`;
    lines.push('    MOV n, R0', '    SUB $1, R0', `    CALL ${callee}(R0, &x) -> R1`, '    MOV acc, R2', '    ADD R1, R2', '    ADD x, R2', '    AND $32767, R2', '    MOV R2, acc');
  }
  lines.push('done:', '    MOV acc, R0', '    MOV p, R1', '    MOV R0, (R1)', '    MOV main.total, R2', '    ADD $1, R2', '    AND $32767, R2', '    MOV R2, main.total');
  if (r.chance(0.1)) lines.push('    MOV n, R3', '    CMP R3, $1', '    JNE fine', '    PANIC $"generated panic"', 'fine:');
  lines.push('    MOV acc, R0', '    MOV R0, r', '    RET');
  return lines;
}
