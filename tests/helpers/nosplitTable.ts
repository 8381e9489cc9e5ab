// The test/nosplit.go table (tests/conformance/nosplit-cases.txt, SOURCE A):
// parsing and translation to gasm, following the 2014 harness described in
// that file's header. Used by tests/nosplit.test.ts.
//
// The table's mini-language, one stanza per case:
//     main 0 call f; f 120 nosplit callind
//     REJECT amd64 386
// A stanza starts at each line beginning with "main "; ';' separates lines;
// each line is `NAME FRAMESIZE [nosplit] BODY` with BODY made of `call x` and
// `callind`; an optional `REJECT [arch…]` ends the stanza (bare: every arch).
import type { Arch } from '../../isa/target.js';

export const BEGIN_MARKER = '# ----- BEGIN VERBATIM TABLE (SOURCE A) -----';
export const END_MARKER = '# ----- END VERBATIM TABLE (SOURCE A) -----';

export interface NosplitFunc {
  readonly name: string;
  readonly frame: number;
  readonly nosplit: boolean;
  /** In order: a direct call of main.<name>, or an indirect call (`null`). */
  readonly calls: readonly (string | null)[];
}

export interface Stanza {
  /** 1-based line of the stanza's first line in the conformance file. */
  readonly line: number;
  /** The stanza as written, lines joined with "; " (for test names). */
  readonly text: string;
  readonly funcs: readonly NosplitFunc[];
  /** The arches that must reject it. */
  readonly rejectOn: ReadonlySet<Arch>;
}

const ALL_ARCHES: readonly Arch[] = ['amd64', '386', 'arm'];

// The harness's own regular expressions (rejectRE, lineRE), adapted: a line is
// NAME FRAMESIZE [nosplit] BODY, and REJECT ends a stanza after '\n' or ';'.
const REJECT_RE = /^([\s\S]+?)(?:(?:\n|; *)REJECT([\s\S]*))?$/;
const LINE_RE = /^(\w+) (\d+)( nosplit)?(.*)$/;
const BODY_TOKEN_RE = /\s*(?:call (\w+)\b|(callind)\b)/y;

/** The SOURCE A section of the conformance file, with its starting line number. */
export function extractTable(file: string): { text: string; firstLine: number } {
  const lines = file.split('\n');
  const begin = lines.findIndex((l) => l.trim() === BEGIN_MARKER);
  const end = lines.findIndex((l, i) => i > begin && l.trim() === END_MARKER);
  if (begin < 0 || end < 0) {
    throw new Error(`nosplit-cases.txt: markers not found (want "${BEGIN_MARKER}" … "${END_MARKER}")`);
  }
  return { text: lines.slice(begin + 1, end).join('\n'), firstLine: begin + 2 };
}

/**
 * Split the table into stanzas as the harness does: comments are dropped,
 * then a stanza runs from one "main " line to the next. Throws on a line the
 * harness would call invalid, so a malformed table fails the suite loudly.
 */
export function parseStanzas(table: string, firstLine: number): Stanza[] {
  const raw = table.replace(/\t/g, ' ').split('\n');
  const stanzas: { line: number; lines: string[] }[] = [];
  raw.forEach((l, i) => {
    if (l.startsWith('#')) return;
    if (l.startsWith('main ')) stanzas.push({ line: firstLine + i, lines: [] });
    if (stanzas.length === 0) {
      if (l.trim() !== '') throw new Error(`nosplit-cases.txt:${firstLine + i}: text before the first "main " stanza: ${l}`);
      return;
    }
    stanzas[stanzas.length - 1]!.lines.push(l);
  });
  return stanzas.map(({ line, lines }) => parseStanza(lines.join('\n').trim(), line));
}

function parseStanza(stanza: string, line: number): Stanza {
  const where = `nosplit-cases.txt:${line}`;
  const m = REJECT_RE.exec(stanza);
  if (!m) throw new Error(`${where}: invalid stanza: ${stanza}`);
  const body = m[1]!.trim();
  const rejectArgs = m[2];
  let rejectOn: Set<Arch>;
  if (rejectArgs === undefined) rejectOn = new Set();
  else {
    const listed = rejectArgs.trim().split(/\s+/).filter((s) => s !== '');
    rejectOn = new Set(listed.length === 0 ? ALL_ARCHES : ALL_ARCHES.filter((a) => listed.includes(a)));
  }
  const funcs: NosplitFunc[] = [];
  for (const sub of body.split(/[\n;]/)) {
    const s = sub.trim();
    if (s === '') continue;
    const lm = LINE_RE.exec(s);
    if (!lm) throw new Error(`${where}: invalid function line: ${s}`);
    funcs.push({ name: lm[1]!, frame: Number(lm[2]), nosplit: lm[3] !== undefined, calls: parseBody(lm[4]!, where) });
  }
  if (funcs.length === 0 || funcs[0]!.name !== 'main') throw new Error(`${where}: the first function must be main: ${stanza}`);
  const text = stanza.split('\n').map((l) => l.trim()).filter((l) => l !== '').join('; ');
  return { line, text, funcs, rejectOn };
}

function parseBody(body: string, where: string): (string | null)[] {
  const calls: (string | null)[] = [];
  BODY_TOKEN_RE.lastIndex = 0;
  while (BODY_TOKEN_RE.lastIndex < body.trimEnd().length) {
    const at = BODY_TOKEN_RE.lastIndex;
    const t = BODY_TOKEN_RE.exec(body);
    if (!t) throw new Error(`${where}: unknown body text "${body.slice(at).trim()}" (want "call x" or "callind")`);
    calls.push(t[1] ?? null);
  }
  return calls;
}

/** The harness skips a stanza on amd64 when any frame size is 4 mod 8. */
export function skippedOn(s: Stanza, arch: Arch): boolean {
  return arch === 'amd64' && s.funcs.some((f) => f.frame % 8 === 4);
}

/**
 * The stanza as a gasm program: `TEXT main.NAME(), [NOSPLIT, ]$FRAME`, then
 * its calls, then RET. `callind` calls through main.main's static funcval
 * (`MOV $main.main, R0` is a plain load, no call), so the only calls in the
 * program are the table's.
 */
export function toGasm(s: Stanza): string {
  const out = [`// nosplit-cases.txt:${s.line}: ${s.text}`];
  for (const f of s.funcs) {
    out.push('', `TEXT main.${f.name}(), ${f.nosplit ? 'NOSPLIT, ' : ''}$${f.frame}`);
    for (const c of f.calls) {
      if (c !== null) out.push(`    CALL main.${c}()`);
      else out.push('    MOV $main.main, R0', '    CALL R0()');
    }
    out.push('    RET');
  }
  return out.join('\n') + '\n';
}
