// `gorun disasm`: an objdump-style listing decoded back from the image's
// code bytes (so it shows what the VM will execute), with each function's
// frame, argument size and stack maps.
import { RUNTIME_FUNCS } from '../abi/funcs.js';
import { decode } from '../isa/decode.js';
import { render, type Symbolizer } from '../isa/render.js';
import { targetOf } from '../isa/target.js';
import { pcValue, type FuncInfo, type Image } from './image.js';

export function symbolizer(img: Image): Symbolizer {
  const byAddr = new Map<number, string>();
  for (const [name, s] of img.symbols) if (!byAddr.has(s.addr)) byAddr.set(s.addr, name);
  const sorted = [...img.symbols.entries()].filter(([, s]) => s.kind !== 'text').sort((a, b) => a[1].addr - b[1].addr);
  return {
    symbol(addr) {
      const exact = byAddr.get(addr);
      if (exact) return exact;
      for (const [name, s] of sorted) if (addr > s.addr && addr < s.addr + s.size) return `${name}+${addr - s.addr}`;
      return null;
    },
    hostName: (id) => RUNTIME_FUNCS[id]?.name ?? `#${id}`,
  };
}

export function codeReader(img: Image) {
  return (addr: number) => {
    const off = addr - img.textBase;
    return off >= 0 && off < img.text.length ? img.text[off]! : -1;
  };
}

const hexBytes = (img: Image, a: number, n: number) =>
  Array.from(img.text.subarray(a - img.textBase, a - img.textBase + n), (b) => b.toString(16).padStart(2, '0')).join('');

function mapString(bits: readonly boolean[]): string {
  return bits.length === 0 ? '(none)' : bits.map((b) => (b ? '1' : '0')).join('');
}

export function funcHeader(img: Image, f: FuncInfo): string[] {
  const t = targetOf(img.arch);
  const lines = [`TEXT ${f.name}(SB) ${f.hostId >= 0 ? '<runtime>' : img.file}`];
  const flags = f.nosplit ? (f.autoNosplit ? 'NOSPLIT (leaf)' : 'NOSPLIT') : `split=${f.split}`;
  const arm = t.family === 'arm' ? ` autosize=${f.spDelta}` : '';
  lines.push(`  # frame=$${f.frame}${arm} args=${f.argsSize} (params ${f.paramsSize}, results ${f.argsSize - f.paramsSize}) locals=${f.localsSize} ${flags}${f.needsCtxt ? ' ctxt' : ''}`);
  lines.push(`  # stack map: args ${mapString(f.argPtrs)} at ${f.argBase}(SP); locals ${mapString(f.localPtrs)} at ${f.localsBase}(SP)`);
  return lines;
}

/** The listing of one function, or of all non-runtime functions. */
export function listing(img: Image, only?: string): string {
  const t = targetOf(img.arch);
  const sym = symbolizer(img);
  const read = codeReader(img);
  const out: string[] = [];
  const funcs = img.funcs.filter((f) => (only ? f.name === only : f.hostId < 0));
  for (const f of funcs) {
    out.push(...funcHeader(img, f));
    for (let pc = f.entry; pc < f.end;) {
      const d = decode(t, read, pc);
      if (!d) { out.push(`  0x${pc.toString(16)}\t${hexBytes(img, pc, 1)}\t?`); pc++; continue; }
      const line = pcValue(f.pcln, pc - f.entry);
      const where = f.hostId >= 0 ? '' : `\t${img.file}:${line}`;
      out.push(`  0x${pc.toString(16)}\t${hexBytes(img, pc, d.size)}\t${render(t, d.inst, sym)}${where}`);
      pc += d.size;
    }
    out.push('');
  }
  return out.join('\n');
}
