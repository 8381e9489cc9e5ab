// `// expect…` lines in a .gasm file (docs/gasm.md, "Expectations"):
//   // expect: TEXT                 a line of the program's own output
//   // expect 386 arm: TEXT         the same, on those targets only
//   // expect panic: MSG            the report's `panic: MSG` line (then `\tpanic:` continuations)
//   // expect fatal: MSG            the `fatal error: MSG` line
//   // expect exit: N               the exit status (default 0, or 2 with a panic or fatal line)
// Targets may qualify every kind: `// expect arm exit: 2`. Any other comment
// line starting `// expect` is a mistake, reported (Expectations.bad) rather
// than ignored.
import { ARCHES, type Arch } from '../isa/target.js';

export interface Expectations {
  readonly output: string[];
  readonly panics: string[];
  readonly fatal: string | null;
  readonly exit: number;
  /** Does the file state anything at all for this target? */
  readonly any: boolean;
  /** Comment lines that start like an expectation but do not parse (on every target). */
  readonly bad: readonly BadExpectation[];
}

export interface BadExpectation {
  /** 1-based line in the file. */
  readonly line: number;
  readonly text: string;
  /** What is wrong with it. */
  readonly why: string;
}

type Kind = 'panic' | 'fatal' | 'exit';
interface Parsed { readonly arches: readonly Arch[]; readonly kind: Kind | null; readonly text: string }

const KINDS: readonly string[] = ['panic', 'fatal', 'exit'];
// Meant as one: a comment whose first word is "expect" (any case), or starts with it
// and has a ":" after its words (`//expected: 1`, `// expect386: 1`); not `// expect.gasm: …`
// or `// expectations follow`.
const CANDIDATE = /^\s*\/\/\s*expect(?:(?=\s|$)|\w*(?:\s[^:]*)?:)/i;
const SHAPE = /^\s*\/\/\s*([A-Za-z]+)([^:]*)(?::([\s\S]*))?$/;
export const EXPECT_SYNTAX = '// expect[ amd64|386|arm ...][ panic|fatal|exit]: text';

/** One expectation line, or why it is not one; null when the line is no attempt at one. */
function parseLine(line: string): Parsed | { why: string } | null {
  if (!CANDIDATE.test(line)) return null;
  const [, word, head, rest] = SHAPE.exec(line)!;
  if (word !== 'expect') return { why: `"${word}" is not "expect"` };
  if (head !== '' && !/^\s/.test(head!)) return { why: 'no space after "expect"' };
  if (rest === undefined) return { why: 'no ":" before the text' };
  const arches: Arch[] = [];
  let kind: Kind | null = null;
  for (const w of head!.trim().split(/\s+/).filter((x) => x !== '')) {
    if (kind !== null) return { why: `"${w}" after the kind "${kind}" (targets come first, then one kind)` };
    if ((ARCHES as readonly string[]).includes(w)) arches.push(w as Arch);
    else if (KINDS.includes(w)) kind = w as Kind;
    else return { why: `unknown target or kind "${w}"` };
  }
  const text = rest.startsWith(' ') ? rest.slice(1) : rest;
  if (kind === 'exit' && !/^\d+$/.test(text.trim())) return { why: `exit status "${text.trim()}" is not a number` };
  return { arches: arches.length === 0 ? ARCHES : arches, kind, text };
}

export function expectations(source: string, arch: Arch): Expectations {
  const output: string[] = [], panics: string[] = [], bad: BadExpectation[] = [];
  let fatal: string | null = null, exit: number | null = null, any = false;
  source.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const p = parseLine(line);
    if (p === null) return;
    if ('why' in p) { bad.push({ line: i + 1, text: line.trim(), why: p.why }); return; }
    if (!p.arches.includes(arch)) return;
    any = true;
    switch (p.kind) {
      case 'panic': panics.push(p.text); break;
      case 'fatal': fatal = p.text; break;
      case 'exit': exit = Number(p.text.trim()); break;
      default: output.push(p.text);
    }
  });
  return { output, panics, fatal, exit: exit ?? (panics.length > 0 || fatal !== null ? 2 : 0), any, bad };
}

/** A bad expectation line as a problem report: where, what it says, why, and what was expected. */
export function formatBadExpectation(b: BadExpectation): string {
  return `line ${b.line}: not an expectation: ${b.text} (${b.why}; want ${EXPECT_SYNTAX})`;
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
