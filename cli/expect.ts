// `// expect…` lines in a .gasm file (docs/gasm.md, "Expectations"):
//   // expect: TEXT                 a line of the program's own output
//   // expect 386 arm: TEXT         the same, on those targets only
//   // expect panic: MSG            the report's `panic: MSG` line (then `\tpanic:` continuations)
//   // expect fatal: MSG            the `fatal error: MSG` line
//   // expect exit: N               the exit status (default 0, or 2 with a panic or fatal line)
// Targets may qualify every kind: `// expect arm exit: 2`.
import { ARCHES, type Arch } from '../isa/target.js';

export interface Expectations {
  readonly output: string[];
  readonly panics: string[];
  readonly fatal: string | null;
  readonly exit: number;
  /** Does the file state anything at all for this target? */
  readonly any: boolean;
}

const LINE = /^\s*\/\/\s*expect((?:\s+(?:amd64|386|arm))*)(?:\s+(panic|fatal|exit))?:(.*)$/;

export function expectations(source: string, arch: Arch): Expectations {
  const output: string[] = [], panics: string[] = [];
  let fatal: string | null = null, exit: number | null = null, any = false;
  for (const line of source.split('\n')) {
    const m = LINE.exec(line.replace(/\r$/, ''));
    if (!m) continue;
    const arches = m[1]!.trim() === '' ? ARCHES : m[1]!.trim().split(/\s+/);
    if (!arches.includes(arch)) continue;
    any = true;
    const text = m[3]!.startsWith(' ') ? m[3]!.slice(1) : m[3]!;
    switch (m[2]) {
      case 'panic': panics.push(text); break;
      case 'fatal': fatal = text; break;
      case 'exit': exit = Number(text.trim()); break;
      default: output.push(text);
    }
  }
  return { output, panics, fatal, exit: exit ?? (panics.length > 0 || fatal !== null ? 2 : 0), any };
}

export interface Observed {
  readonly output: string[];
  readonly panics: string[];
  readonly fatal: string | null;
  readonly exit: number;
}

/** Split a run's standard error at the report: output lines, panic lines, the fatal line. */
export function observe(stderr: string, outputBytes: number, exit: number): Observed {
  const buf = Buffer.from(stderr);
  const out = buf.subarray(0, outputBytes).toString();
  const report = buf.subarray(outputBytes).toString();
  const output = out === '' ? [] : out.replace(/\n$/, '').split('\n');
  const panics: string[] = [];
  let fatal: string | null = null;
  for (const line of report.split('\n')) {
    const p = /^\t?panic: (.*)$/.exec(line);
    if (p && fatal === null) panics.push(p[1]!);
    const f = /^fatal error: (.*)$/.exec(line);
    if (f && fatal === null) fatal = f[1]!;
    if (line.startsWith('goroutine ')) break;
  }
  return { output, panics, fatal, exit };
}

/** Differences between what was expected and what happened, one line each. */
export function compare(e: Expectations, o: Observed): string[] {
  const diffs: string[] = [];
  const n = Math.max(e.output.length, o.output.length);
  for (let i = 0; i < n; i++) {
    if (e.output[i] !== o.output[i]) {
      diffs.push(`output line ${i + 1}: want ${JSON.stringify(e.output[i] ?? '(end of output)')}, got ${JSON.stringify(o.output[i] ?? '(end of output)')}`);
      break;
    }
  }
  if (e.panics.join('\n') !== o.panics.join('\n')) diffs.push(`panic: want ${JSON.stringify(e.panics)}, got ${JSON.stringify(o.panics)}`);
  if (e.fatal !== o.fatal) diffs.push(`fatal error: want ${JSON.stringify(e.fatal)}, got ${JSON.stringify(o.fatal)}`);
  if (e.exit !== o.exit) diffs.push(`exit status: want ${e.exit}, got ${o.exit}`);
  return diffs;
}
