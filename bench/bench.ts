// npm run bench: the figures of docs/performance.md, printed in one run.
//   1. fib(32) in gasm on each target: time and VM instructions per second,
//      in-process (median of 5) and as a whole `gorun` process (median of 9).
//   2. recursion 1e6 frames deep: bytes copied in total vs the final stack size.
//   3. copystack throughput vs a plain typed-array copy of the same size.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { compile } from '../compiler/compile.js';
import { ARCHES, type Arch } from '../isa/target.js';
import { runImage } from '../runtime/run.js';

const root = new URL('..', import.meta.url).pathname;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (n: number) => (n / (1 << 20)).toFixed(1) + ' MiB';

function image(file: string, arch: Arch) {
  const r = compile(readFileSync(`${root}${file}`, 'utf8'), file, arch);
  if (!r.image) throw new Error(`${file}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.image;
}

function runQuiet(file: string, arch: Arch) {
  let out = '';
  const t0 = performance.now();
  const res = runImage(image(file, arch), { stderr: (c) => { out += Buffer.from(c).toString(); } });
  return { ms: performance.now() - t0, res, out };
}

console.log(`gorun bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${cpus()[0]?.model ?? '?'} x${cpus().length}\n`);

console.log('1. fib(32) (bench/fib.gasm)');
console.log('   arch    in-process   instr/s     whole process   VM instructions');
for (const arch of ARCHES) {
  const runs = Array.from({ length: 5 }, () => runQuiet('bench/fib.gasm', arch));
  if (runs[0]!.out !== '2178309\n') throw new Error(`fib on ${arch} printed ${JSON.stringify(runs[0]!.out)}`);
  const ms = median(runs.map((r) => r.ms));
  const steps = runs[0]!.res.stats.steps;
  const proc = median(Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    spawnSync(process.execPath, [`${root}dist/gorun.cjs`, `${root}bench/fib.gasm`, '--arch', arch]);
    return performance.now() - t0;
  }));
  console.log(`   ${arch.padEnd(6)}  ${ms.toFixed(0).padStart(6)} ms   ${((steps / ms) / 1000).toFixed(0).padStart(4)} M/s   ${proc.toFixed(0).padStart(6)} ms       ${steps}`);
}

console.log('\n2. recursion 1e6 frames deep (bench/deep.gasm)');
console.log('   arch    time       growths   bytes copied   final stack   copied/final');
for (const arch of ARCHES) {
  const { ms, res, out } = runQuiet('bench/deep.gasm', arch);
  if (out !== '1000000\n') throw new Error(`deep on ${arch} printed ${JSON.stringify(out)}`);
  const s = res.stats;
  console.log(`   ${arch.padEnd(6)}  ${ms.toFixed(0).padStart(5)} ms   ${String(s.stackGrowths).padStart(7)}   ${mb(s.bytesCopied).padStart(12)}   ${mb(s.maxStackSize).padStart(11)}   ${(s.bytesCopied / s.maxStackSize).toFixed(2)}`);
}

console.log('\n3. copystack throughput vs a plain typed-array copy of the same bytes');
for (const arch of ARCHES) {
  const { res } = runQuiet('bench/deep.gasm', arch);
  const s = res.stats;
  const buf = new Uint8Array(s.maxStackSize * 2);
  const t0 = performance.now();
  for (let n = 2048; n <= s.maxStackSize / 2; n *= 2) buf.copyWithin(s.maxStackSize, 0, n);
  const plain = performance.now() - t0;
  console.log(`   ${arch.padEnd(6)}  copystack ${mb(s.bytesCopied)} in ${s.copyMs.toFixed(1)} ms = ${(s.bytesCopied / (1 << 20) / (s.copyMs / 1000)).toFixed(0)} MiB/s`
    + `   plain copy of the same sizes: ${plain.toFixed(1)} ms = ${(s.bytesCopied / (1 << 20) / (plain / 1000)).toFixed(0)} MiB/s   (copystack walks and adjusts every frame)`);
}
