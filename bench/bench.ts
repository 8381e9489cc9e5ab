// npm run bench: the figures of docs/performance.md, printed in one run.
//   1. fib(32) in gasm on each target: time and VM instructions per second,
//      in-process (median of 5) and as a whole `gorun` process (median of 9).
//   2. recursion 1e6 frames deep: bytes copied in total vs the final stack size.
//   3. copystack throughput vs a plain typed-array copy of the same size.
//   4. the targets: fib(32) against Go's build of the same program
//      (bench/fixtures/fib/main.go), when go (and qemu-arm) are installed:
//      within 20x of native Go on amd64, within 2x of Go's ARM build under
//      qemu-user on arm.
//   5. 10000 goroutines parked at once with 2 KB stacks: VM bytes per
//      goroutine (target: at most 2.5 KB), on each target.
//   6. 100000 unbuffered ping-pong round trips and a GC-heavy allocation
//      loop (bench/pingpong.gasm, bench/gcloop.gasm) on arm, as whole
//      processes, against the same programs in Go (bench/fixtures/) built
//      for ARM and run under qemu-user with GOMAXPROCS=1 (gorun has one M
//      and one P): target within 3x.
// Exit status 1 when a target is not met.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Median wall time (ms) of 9 runs of a command, process start-up included. */
function wallMs(cmd: string, args: string[], env: Record<string, string> = {}): number {
  return median(Array.from({ length: 9 }, () => {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}`);
    return performance.now() - t0;
  }));
}

const whole = new Map<Arch, number>();
console.log('1. fib(32) (bench/fib.gasm)');
console.log('   arch    in-process   instr/s     whole process   VM instructions');
for (const arch of ARCHES) {
  const runs = Array.from({ length: 5 }, () => runQuiet('bench/fib.gasm', arch));
  if (runs[0]!.out !== '2178309\n') throw new Error(`fib on ${arch} printed ${JSON.stringify(runs[0]!.out)}`);
  const ms = median(runs.map((r) => r.ms));
  const steps = runs[0]!.res.stats.steps;
  const proc = wallMs(process.execPath, [`${root}dist/gorun.cjs`, `${root}bench/fib.gasm`, '--arch', arch]);
  whole.set(arch, proc);
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

console.log('\n4. targets: fib(32) as a whole process against Go (bench/fixtures/fib/main.go)');
const goRef = goReference();
if (typeof goRef === 'string') {
  console.log(`   not checked: ${goRef}`);
} else {
  let missed = 0;
  const targets: [Arch, string, number][] = [['amd64', 'native', 20], ['arm', 'under qemu-arm', 2]];
  for (const [arch, how, limit] of targets) {
    const go = goRef.get(arch);
    if (go === undefined) { console.log(`   ${arch.padEnd(6)}  not checked: no ${arch} reference (qemu-arm missing?)`); continue; }
    const ratio = whole.get(arch)! / go;
    const met = ratio <= limit;
    if (!met) missed++;
    console.log(`   ${arch.padEnd(6)}  gorun ${whole.get(arch)!.toFixed(0)} ms / Go ${how} ${go.toFixed(0)} ms = ${ratio.toFixed(2)}x   target within ${limit}x: ${met ? 'met' : 'NOT met'}`);
  }
  if (missed > 0) process.exitCode = 1;
}

console.log('\n5. 10000 goroutines parked at once, 2 KB stacks (bench/goroutines.gasm)');
for (const arch of ARCHES) {
  const { ms, out } = runQuiet('bench/goroutines.gasm', arch);
  const m = /^goroutines 10001\nbytes (\d+)\n$/.exec(out);
  if (!m) throw new Error(`goroutines on ${arch} printed ${JSON.stringify(out)}`);
  const per = Number(m[1]) / 10000;
  const met = per <= 2560;
  if (!met) process.exitCode = 1;
  console.log(`   ${arch.padEnd(6)}  ${ms.toFixed(0).padStart(5)} ms   ${per.toFixed(0)} VM bytes per goroutine (heap + stacks)   target at most 2560: ${met ? 'met' : 'NOT met'}`);
}

console.log('\n6. goroutines and the collector against Go\'s ARM build under qemu-user (GOMAXPROCS=1)');
for (const [name, want] of [['pingpong', '100000\n'], ['gcloop', '1023475200\n']] as const) {
  const { out } = runQuiet(`bench/${name}.gasm`, 'arm');
  if (out !== want) throw new Error(`${name} on arm printed ${JSON.stringify(out)}`);
  const ours = wallMs(process.execPath, [`${root}dist/gorun.cjs`, `${root}bench/${name}.gasm`, '--arch', 'arm']);
  const go = goBuild(name, 'arm');
  if ('why' in go) { console.log(`   ${name.padEnd(9)} gorun ${ours.toFixed(0)} ms   not checked: ${go.why}`); continue; }
  const theirs = wallMs('qemu-arm', [go.bin], { GOMAXPROCS: '1' });
  const ratio = ours / theirs, met = ratio <= 3;
  if (!met) process.exitCode = 1;
  console.log(`   ${name.padEnd(9)} gorun ${ours.toFixed(0)} ms / Go under qemu-arm ${theirs.toFixed(0)} ms = ${ratio.toFixed(2)}x   target within 3x: ${met ? 'met' : 'NOT met'}`);
}

/** Go's build of bench/fixtures/NAME/main.go for arch, or why there is none. */
function goBuild(name: string, arch: 'amd64' | 'arm'): { bin: string } | { why: string; noQemu?: true } {
  if (spawnSync('go', ['version']).status !== 0) return { why: 'go is not installed (Debian: apt-get install golang-go qemu-user)' };
  if (arch === 'arm' && spawnSync('qemu-arm', ['--version']).status !== 0) return { why: 'qemu-arm is not installed (Debian: apt-get install qemu-user)', noQemu: true };
  const dir = mkdtempSync(join(tmpdir(), 'gorun-bench-'));
  copyFileSync(`${root}bench/fixtures/${name}/main.go`, join(dir, 'main.go'));
  writeFileSync(join(dir, 'go.mod'), `module ${name}\n\ngo 1.19\n`);
  const bin = join(dir, `${name}_${arch}`);
  const b = spawnSync('go', ['build', '-o', bin, '.'], { cwd: dir, env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: arch } });
  if (b.status !== 0) return { why: `go build for ${arch} failed: ${b.stderr.toString().trim()}` };
  return { bin };
}

/** Go's fib(32), built with the installed go for amd64 (run natively) and arm (run under qemu-arm): median ms. */
function goReference(): Map<Arch, number> | string {
  const ref = new Map<Arch, number>();
  for (const arch of ['amd64', 'arm'] as const) {
    const b = goBuild('fib', arch);
    if ('why' in b) {
      if (b.noQemu) continue;
      return b.why;
    }
    ref.set(arch, arch === 'arm' ? wallMs('qemu-arm', [b.bin]) : wallMs(b.bin, []));
  }
  return ref;
}
