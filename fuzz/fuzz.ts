// npm run fuzz -- --minutes N [--workers W] [--seed S]
//
// Fuzzes gorun for N minutes (default 1) on W worker processes (default:
// one per CPU). Each case is a program — a mutation of a .gasm of the
// repository or of a docs/gasm.md example, or a generated valid program —
// and a command (check, run, disasm, explain) with random flags, target and
// engine, judged by fuzz/judge.ts; about one case in thirty also goes
// through the real bundle (dist/gorun.cjs). Each failure is written, with
// its program minimised by lines, to fuzz-failures/ (CLASS-N.gasm and
// CLASS-N.json: the case and what was seen). At the end: the counts per
// command and class, also in fuzz-failures/summary.json. Exit status 1 if
// anything failed. A case is reproducible from its seed.
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ARCHES } from '../isa/target.js';
import { COMMANDS, evaluate, viaBundle, type Case, type Command, type Failure } from './judge.js';
import { minimize } from './minimize.js';
import { generate, loadSeeds, mutate, Rng } from './sources.js';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/gorun.cjs');
const OUT = join(ROOT, 'fuzz-failures');

type Counts = Record<Command, Record<string, number>>;
interface Found { cls: string; file: string; command: Command; seed: number }
interface WorkerResult { counts: Counts; found: Found[] }

// ---- cases

const TIMEOUTS = ['100', '300', '1000', '2000', '2000'];
const ODD = ['0', '-1', 'abc', '1.5', '0x10', '', '9007199254740993', '1e3'];

function value(r: Rng, good: readonly (string | number)[]): string {
  return r.chance(0.08) ? r.pick(ODD) : String(r.pick(good));
}

/** Random run options, as typed; a generated program gets none that change its output per target. */
function runFlags(r: Rng, generated: boolean): string[] {
  const f: string[] = ['--timeout', r.chance(0.03) ? r.pick(ODD) : r.pick(TIMEOUTS)];
  if (r.chance(0.6)) f.push('--max-steps', value(r, [1, 1000, 100_000, 2_000_000, 10_000_000]));
  if (r.chance(0.75)) f.push('--max-memory', value(r, [1 << 20, (1 << 20) + 1, 4_000_000, 16 << 20, 64 << 20, 256 << 20, 3 * 2 ** 30]));
  if (r.chance(0.2)) f.push('--stack-min', value(r, [1024, 2048, 4096, 65536, 1 << 20, 1000]));
  if (r.chance(0.2)) f.push('--max-stack', value(r, [1, 100, 4096, 100_000, 1_000_000, 2 ** 31, 2 ** 32]));
  if (!generated && r.chance(0.1)) f.push('--stackdebug', String(r.int(5)));
  if (r.chance(0.2)) f.push('--stackpoison');
  if (r.chance(0.15)) f.push('--stackforcemove');
  if (r.chance(0.1)) f.push('--stackfaultonfree');
  return f;
}

function makeCase(r: Rng, seeds: readonly { name: string; source: string }[]): Case {
  let generated = r.chance(0.3);
  let source: string, origin: string;
  if (generated) {
    source = generate(r);
    origin = 'generated';
    // One in ten is changed too: valid programs are the best seeds, but then their targets may differ.
    if (r.chance(0.1)) { source = mutate(source, r); origin = 'generated, mutated'; generated = false; }
  } else {
    const s = r.pick(seeds);
    source = s.source;
    origin = s.name;
    const n = r.chance(0.1) ? 0 : 1 + r.int(3);
    for (let i = 0; i < n; i++) source = mutate(source, r);
  }
  const command: Command = r.pick(generated ? ['run', 'run', 'run', 'explain', 'check', 'disasm'] : ['check', 'run', 'run', 'disasm', 'explain']);
  const arch = command === 'check' && r.chance(0.5) ? null : r.pick(ARCHES);
  const flags = command === 'run' || command === 'explain' ? runFlags(r, generated)
    : command === 'disasm' && r.chance(0.3) ? ['--func', r.pick(['main.main', 'main.f0', 'runtime.morestack', 'main.nope'])] : [];
  return { source, origin, command, arch, flags, engine: r.chance(0.5) ? 'jit' : 'interp', generated };
}

// ---- a worker

const slug = (cls: string) => cls.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60).toLowerCase();

async function record(id: number, seed: number, c: Case, f: Failure, bundle: boolean, minimizeFor: number): Promise<Found> {
  const still = async (src: string) => {
    const cand = { ...c, source: src };
    if (bundle) return viaBundle(BIN, cand, (await evaluate(cand, false)).outcome)?.cls === f.cls;
    return (await evaluate(cand)).failure?.cls === f.cls;
  };
  const small = minimizeFor > 0 ? await minimize(c.source, still, Date.now() + minimizeFor) : c.source;
  mkdirSync(OUT, { recursive: true });
  let n = 0, base: string;
  do base = join(OUT, `${slug(f.cls)}-${id}-${n++}`); while (existsSync(`${base}.gasm`));
  writeFileSync(`${base}.gasm`, small);
  writeFileSync(`${base}.json`, JSON.stringify({ class: f.cls, seed, command: c.command, arch: c.arch, flags: c.flags, engine: c.engine, origin: c.origin, generated: c.generated, viaBundle: bundle, detail: f.detail, original: c.source.length > 20000 ? c.source.slice(0, 20000) : c.source }, null, 2));
  return { cls: f.cls, file: `${base}.gasm`, command: c.command, seed };
}

async function worker(id: number, base: number, until: number): Promise<WorkerResult> {
  const seeds = loadSeeds(ROOT);
  const counts = Object.fromEntries(COMMANDS.map((c) => [c, {}])) as Counts;
  const found: Found[] = [];
  const perClass = new Map<string, number>();
  const current = join(OUT, `.current-${id}.json`);
  mkdirSync(OUT, { recursive: true });
  for (let i = 0; Date.now() < until; i++) {
    const seed = (base + i * 7919 + id * 104729) >>> 0;
    const c = makeCase(new Rng(seed), seeds);
    writeFileSync(current, JSON.stringify({ seed, ...c }));
    const v = await evaluate(c);
    let f = v.failure, bundle = false;
    if (!f && new Rng(seed ^ 0x5bd1e995).chance(1 / 30)) { f = viaBundle(BIN, c, v.outcome); bundle = f !== null; }
    const cls = f ? f.cls : `ok, exit ${v.outcome.code}`;
    counts[c.command][cls] = (counts[c.command][cls] ?? 0) + 1;
    if (!f) continue;
    const seen = perClass.get(f.cls) ?? 0;
    perClass.set(f.cls, seen + 1);
    if (seen < 3) found.push(await record(id, seed, c, f, bundle, seen < 2 ? 60_000 : 0));
  }
  return { counts, found };
}

// ---- the coordinator

function merge(into: Counts, c: Counts): void {
  for (const cmd of COMMANDS) for (const [k, n] of Object.entries(c[cmd])) into[cmd][k] = (into[cmd][k] ?? 0) + n;
}

function table(counts: Counts): string {
  const rows = COMMANDS.flatMap((cmd) => Object.entries(counts[cmd]).sort().map(([cls, n]) => `${cmd.padEnd(8)} ${String(n).padStart(8)}  ${cls}`));
  const total = (cmd: Command) => Object.values(counts[cmd]).reduce((a, b) => a + b, 0);
  return ['command     cases  class', ...rows, '', ...COMMANDS.map((c) => `${c.padEnd(8)} ${String(total(c)).padStart(8)}  in all`)].join('\n');
}

function argValue(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v < 0) { console.error(`fuzz: ${name} wants a number`); process.exit(1); }
  return v;
}

function runWorker(id: number, seed: number, until: number): Promise<WorkerResult | { died: string }> {
  return new Promise((resolve) => {
    const child = fork(process.argv[1]!, ['--worker', String(id), String(seed), String(until)], { stdio: 'inherit' });
    let got: WorkerResult | null = null;
    child.on('message', (m) => { got = m as WorkerResult; });
    child.on('exit', (code, signal) => resolve(got ?? { died: `exit ${code ?? signal}` }));
  });
}

async function coordinator(): Promise<number> {
  const minutes = argValue('--minutes', 1);
  const workers = argValue('--workers', cpus().length);
  const seed = argValue('--seed', Date.now() % 2 ** 31);
  const until = Date.now() + minutes * 60_000;
  console.log(`gorun fuzz: ${minutes} min on ${workers} workers, seed ${seed}, failures to ${OUT}`);
  const counts = Object.fromEntries(COMMANDS.map((c) => [c, {}])) as Counts;
  const found: Found[] = [];
  await Promise.all(Array.from({ length: workers }, async (_, id) => {
    for (let round = 0; Date.now() < until; round++) {
      const r = await runWorker(id + workers * round, seed + round * 1_000_003, until);
      if ('died' in r) {
        // The worker process itself died (a V8 abort): the case it was on is the failure.
        const cur = join(OUT, `.current-${id + workers * round}.json`);
        const c = existsSync(cur) ? JSON.parse(readFileSync(cur, 'utf8')) as Case & { seed: number } : null;
        const cmd: Command = c?.command ?? 'run';
        counts[cmd][`the fuzzer's worker died (${r.died})`] = (counts[cmd][`the fuzzer's worker died (${r.died})`] ?? 0) + 1;
        if (c) found.push(await record(id + workers * round, c.seed, c, { cls: `worker died (${r.died})`, detail: 'the process running this case died' }, false, 0));
        continue;
      }
      merge(counts, r.counts);
      found.push(...r.found);
      break;
    }
  }));
  console.log(table(counts));
  const classes = [...new Set(found.map((f) => f.cls))];
  console.log(classes.length === 0 ? '\nno failures' : `\n${found.length} failure files, ${classes.length} classes:\n${classes.map((c) => `  ${c}: ${found.filter((f) => f.cls === c).map((f) => f.file).join(' ')}`).join('\n')}`);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'summary.json'), JSON.stringify({ minutes, workers, seed, counts, found }, null, 2));
  return classes.length === 0 ? 0 : 1;
}

if (process.argv[2] === '--worker') {
  const [id, seed, until] = process.argv.slice(3).map(Number) as [number, number, number];
  worker(id, seed, until).then((r) => process.send!(r, () => process.exit(0)));
} else {
  coordinator().then((code) => { process.exitCode = code; });
}
