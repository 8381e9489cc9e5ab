// One fuzz case: a program and a command (check, run, disasm, explain) with
// its flags, run in-process through cli/commands.ts with captured streams,
// and judged: a failure is a JavaScript exception or error text, an exit
// status outside docs/cli.md's, a run that outlives its --timeout, a heap
// that grows without bound, two runs of the same case that differ, engines
// or (for generated programs) targets that disagree. The fuzzer
// (fuzz/fuzz.ts) and tests/fuzz-corpus.test.ts share it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCommand, disasmCommand, explainCommand, runCommand, UsageError } from '../cli/commands.js';
import { runOptions, type RawRunOpts } from '../cli/options.js';
import { MemorySink } from '../cli/streams.js';
import { ARCHES, type Arch } from '../isa/target.js';

export type Command = 'check' | 'run' | 'disasm' | 'explain';
export const COMMANDS: readonly Command[] = ['check', 'run', 'disasm', 'explain'];

export interface Case {
  readonly source: string;
  /** Where the program came from: a seed file, or `generated`. */
  readonly origin: string;
  readonly command: Command;
  /** The target; for check, null means all three. */
  readonly arch: Arch | null;
  /** Options as typed on the command line (`--stackforcemove`, `--max-steps`, `1000`, …). */
  readonly flags: readonly string[];
  readonly engine: 'jit' | 'interp';
  /** A generated program: its output is the same on every target. */
  readonly generated: boolean;
}

export interface Outcome {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly ms: number;
  /** A JavaScript exception the command let through (main.ts would print `internal error`). */
  readonly thrown: string | null;
}

/** A failure: its class (what kind of bug) and what was seen. */
export interface Failure {
  readonly cls: string;
  readonly detail: string;
}

export const FILE = 'fuzz.gasm';
/** How long past its --timeout a command may take (the runtime checks the clock between slices and copies). */
export const TIMEOUT_MARGIN_MS = 2000;
const HEAP_LIMIT = 1.5 * 1024 ** 3;
/** Bytes of each stream kept (a run may print hundreds of MB within its bounds). */
const CAPTURE = 16 << 20;
/** How long check and disasm, which have no --timeout, may take. */
export const COMPILE_LIMIT_MS = 10_000;

const BOOL_FLAGS: Record<string, keyof RawRunOpts> = { '--stackpoison': 'stackpoison', '--stackfaultonfree': 'stackfaultonfree', '--stackforcemove': 'stackforcemove' };
const VALUE_FLAGS: Record<string, keyof RawRunOpts> = {
  '--stack-min': 'stackMin', '--max-stack': 'maxStack', '--stackdebug': 'stackdebug', '--max-steps': 'maxSteps', '--timeout': 'timeout', '--max-memory': 'maxMemory',
};

/** The flags as commander hands them to the commands. */
export function rawOptions(flags: readonly string[]): RawRunOpts {
  const o: Record<string, string | boolean> = {};
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    if (BOOL_FLAGS[f]) o[BOOL_FLAGS[f]] = true;
    else if (VALUE_FLAGS[f]) o[VALUE_FLAGS[f]] = flags[++i] ?? '';
    else throw new Error(`fuzz: unknown flag ${f}`);
  }
  return o as RawRunOpts;
}

/** The --timeout of a case, if it has a valid one. */
export function timeoutOf(c: Case): number | null {
  const i = c.flags.indexOf('--timeout');
  const v = i >= 0 ? Number(c.flags[i + 1]) : NaN;
  return Number.isSafeInteger(v) && v > 0 ? v : null;
}

/** Run a case in-process, as `gorun` would, with captured streams. */
export async function execute(c: Case): Promise<Outcome> {
  const out = new MemorySink(CAPTURE), err = new MemorySink(CAPTURE);
  const t0 = performance.now();
  let code: number, thrown: string | null = null;
  try {
    code = await dispatch(c, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`gorun: ${e.message}\n`);
      code = 1;
    } else {
      thrown = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
      code = 1;
    }
  }
  return { code, out: out.text(), err: err.text(), ms: performance.now() - t0, thrown };
}

async function dispatch(c: Case, out: MemorySink, err: MemorySink): Promise<number> {
  switch (c.command) {
    case 'check': return checkCommand(FILE, c.source, c.arch ? [c.arch] : [...ARCHES], err);
    case 'disasm': {
      const i = c.flags.indexOf('--func');
      return disasmCommand(FILE, c.source, c.arch ?? 'amd64', i >= 0 ? c.flags[i + 1] : undefined, out, err);
    }
    case 'run': return runCommand(FILE, c.source, c.arch ?? 'amd64', { ...runOptions(rawOptions(c.flags)), engine: c.engine }, err);
    case 'explain': return explainCommand(FILE, c.source, c.arch ?? 'amd64', runOptions(rawOptions(c.flags)), out, err);
  }
}

const JS_ERRORS = [/\bTypeError\b/, /\bRangeError\b/, /\bReferenceError\b/, /\bSyntaxError\b/, /internal error/, /\n {4}at /, /\bnode:internal\b/];
const endedByTimeout = (o: Outcome) => o.code === 3 && /\(--timeout\)\n$/.test(o.err);

/** Normalise a message into a class: numbers and addresses become N. */
const shape = (s: string) => s.split('\n')[0]!.replace(/0x[0-9a-f]+/gi, 'N').replace(/\d+/g, 'N').slice(0, 120);

/** What is wrong with one outcome on its own. */
export function judgeOne(c: Case, o: Outcome, heapBefore: number): Failure | null {
  if (o.thrown) return { cls: `exception ${shape(o.thrown)}`, detail: o.thrown };
  if (![0, 1, 2, 3].includes(o.code)) return { cls: `exit status ${o.code}`, detail: o.err.slice(-2000) };
  for (const re of JS_ERRORS) {
    const text = o.out + o.err;
    if (re.test(text) && !re.test(c.source)) return { cls: `JavaScript error text ${re.source}`, detail: text.slice(0, 4000) };
  }
  const t = timeoutOf(c);
  if ((c.command === 'run' || c.command === 'explain') && t !== null && o.ms > t + TIMEOUT_MARGIN_MS) {
    return { cls: `${c.command} outlived its --timeout`, detail: `--timeout ${t}, took ${Math.round(o.ms)} ms; exit ${o.code}; ${o.err.slice(-300)}` };
  }
  if ((c.command === 'check' || c.command === 'disasm') && o.ms > COMPILE_LIMIT_MS) {
    return { cls: `${c.command} took over ${COMPILE_LIMIT_MS / 1000} s`, detail: `${Math.round(o.ms)} ms` };
  }
  const heap = process.memoryUsage().heapUsed;
  if (heap - heapBefore > HEAP_LIMIT) return { cls: 'heap grew past 1.5 GB', detail: `${Math.round((heap - heapBefore) / 2 ** 20)} MB` };
  return null;
}

function differs(a: Outcome, b: Outcome): string | null {
  if (a.code !== b.code) return `exit ${a.code} vs ${b.code}`;
  for (const k of ['out', 'err'] as const) {
    if (a[k] === b[k]) continue;
    const x = a[k].split('\n'), y = b[k].split('\n');
    const i = x.findIndex((l, j) => l !== y[j]);
    return `${k} line ${i + 1}: ${JSON.stringify(x[i] ?? '(end)')} vs ${JSON.stringify(y[i] ?? '(end)')}`;
  }
  return null;
}

/** The program's output before the runtime's report (a traceback shows words of the target's size). */
function programPart(o: Outcome): string {
  return o.err.split(/\n(?=goroutine \d+ \[)/)[0]!;
}

export interface Verdict {
  /** The outcome of the case as given (for the counts). */
  readonly outcome: Outcome;
  readonly failure: Failure | null;
}

/**
 * Run the case and everything it is held to: on its own; again, for
 * determinism; run on the other engine; a generated program on the other
 * targets.
 */
export async function evaluate(c: Case, deep = true): Promise<Verdict> {
  const heap0 = process.memoryUsage().heapUsed;
  const o = await execute(c);
  const f = judgeOne(c, o, heap0);
  if (f || !deep || endedByTimeout(o)) return { outcome: o, failure: f };
  if (c.command === 'run') {
    const other = await execute({ ...c, engine: c.engine === 'jit' ? 'interp' : 'jit' });
    const d = endedByTimeout(other) ? null : differs(o, other);
    if (d) {
      const again = await execute(c);
      const nd = endedByTimeout(again) ? null : differs(o, again);
      return { outcome: o, failure: nd ? { cls: 'two identical runs differ', detail: nd } : { cls: 'the engines disagree', detail: `${c.engine} vs the other: ${d}` } };
    }
    if (c.generated) {
      const t = await targetsAgree(c, o);
      if (t) return { outcome: o, failure: t };
    }
    return { outcome: o, failure: null };
  }
  const again = await execute(c);
  const nd = endedByTimeout(again) ? null : differs(o, again);
  return { outcome: o, failure: nd ? { cls: 'two identical runs differ', detail: nd } : null };
}

/** A generated program prints the same on every target, unless a bound or a fatal error (stack sizes differ) stopped one. */
async function targetsAgree(c: Case, o: Outcome): Promise<Failure | null> {
  const runs = [{ arch: c.arch ?? 'amd64', o }];
  for (const arch of ARCHES) if (arch !== (c.arch ?? 'amd64')) runs.push({ arch, o: await execute({ ...c, arch }) });
  if (runs.some((r) => r.o.code === 3 || /\nfatal error: |^fatal error: /.test(r.o.err))) return null;
  const [a, ...rest] = runs;
  for (const b of rest) {
    if (a!.o.code !== b.o.code || programPart(a!.o) !== programPart(b.o)) {
      return { cls: 'the targets disagree', detail: `${a!.arch}: exit ${a!.o.code} ${JSON.stringify(programPart(a!.o).slice(0, 300))}\n${b.arch}: exit ${b.o.code} ${JSON.stringify(programPart(b.o).slice(0, 300))}` };
    }
  }
  return null;
}

// ---- the real bundle

/** The command line of a case. */
export function argv(c: Case): string[] {
  const arch = c.arch ? ['--arch', c.arch] : [];
  return [c.command, ...arch, ...c.flags, FILE];
}

/**
 * Run the case through the built bundle (bin: dist/gorun.cjs) in a fresh
 * process, its peak resident set (getrusage's maxRSS) recorded at exit by a
 * wrapper; it must answer as the in-process run did.
 */
export function viaBundle(bin: string, c: Case, inProcess: Outcome): Failure | null {
  const dir = mkdtempSync(join(tmpdir(), 'gorun-fuzz-'));
  try {
    writeFileSync(join(dir, FILE), c.source);
    const rss = join(dir, 'rss');
    writeFileSync(join(dir, 'wrap.cjs'), `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rss)}, String(process.resourceUsage().maxRSS)));\nrequire(${JSON.stringify(bin)});\n`);
    const t = timeoutOf(c);
    const r = spawnSync(process.execPath, ['wrap.cjs', ...argv(c)], { cwd: dir, encoding: 'utf8', maxBuffer: 256 << 20, timeout: (t ?? 60_000) + 30_000 });
    if (r.error) return { cls: 'the bundle did not finish', detail: String(r.error) };
    const o: Outcome = { code: r.status ?? -1, out: r.stdout, err: r.stderr, ms: 0, thrown: null };
    const f = judgeOne(c, o, Infinity);
    if (f) return { cls: `bundle: ${f.cls}`, detail: f.detail };
    const maxRSS = Number(readFileSync(rss, 'utf8')) * 1024;
    const arena = arenaOf(c);
    if (maxRSS > arena + 1024 ** 3) return { cls: 'bundle: resident memory beyond --max-memory', detail: `${Math.round(maxRSS / 2 ** 20)} MB with an arena of ${Math.round(arena / 2 ** 20)} MB` };
    // The bundle runs on the compiling engine (the interpreter for explain and --stackfaultonfree).
    const comparable = c.command !== 'run' || c.engine === 'jit' || c.flags.includes('--stackfaultonfree');
    const whole = !/\n\[\d+ more bytes\]\n/.test(inProcess.out + inProcess.err);
    const d = comparable && whole && !endedByTimeout(o) && !endedByTimeout(inProcess) ? differs(inProcess, o) : null;
    return d ? { cls: 'the bundle answers otherwise than in-process', detail: d } : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function arenaOf(c: Case): number {
  const i = c.flags.indexOf('--max-memory');
  const v = i >= 0 ? Number(c.flags[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : 1.25 * 1024 ** 3;
}
