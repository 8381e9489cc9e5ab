// Diagnostics are values, collected and returned with the result, never thrown.

export interface Pos {
  readonly line: number; // 1-based
  readonly col: number; // 1-based
}

export interface Diagnostic {
  readonly pos: Pos;
  readonly message: string;
}

export class Diagnostics {
  readonly list: Diagnostic[] = [];
  error(pos: Pos, message: string): void {
    this.list.push({ pos, message });
  }
  get count(): number {
    return this.list.length;
  }
}

/**
 * The source without a UTF-8 byte order mark at its very start: the lexer
 * ignores one there, so column 1 is the first character after it.
 */
export function withoutBOM(source: string): string {
  return source.startsWith('\uFEFF') ? source.slice(1) : source;
}

/** The lines of the last source formatted: a program's diagnostics are formatted one after another. */
let lastSource: string | null = null;
let lastLines: string[] = [];

function sourceLines(source: string): string[] {
  if (source !== lastSource) { lastSource = source; lastLines = withoutBOM(source).split('\n'); }
  return lastLines;
}

/** Characters of a source line shown on either side of the column, at most. */
const SHOWN = 80;

/**
 * `file:line:col: message`, then the source line and a caret under the
 * column. Of a line longer than 2*SHOWN characters only those around the
 * column are shown, with `…` where it was cut.
 */
export function formatDiagnostic(file: string, source: string, d: Diagnostic): string {
  let text = (sourceLines(source)[d.pos.line - 1] ?? '').replace(/\r$/, '');
  let col = Math.max(0, d.pos.col - 1);
  if (text.length > 2 * SHOWN) {
    const from = Math.max(0, col - SHOWN), to = Math.min(text.length, col + SHOWN);
    text = `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
    col = col - from + (from > 0 ? 1 : 0);
  }
  const pad = text.slice(0, col).replace(/[^\t]/g, ' ');
  return `${file}:${d.pos.line}:${d.pos.col}: ${d.message}\n\t${text}\n\t${pad}^\n`;
}

/** Diagnostics shown at most, as Go's compiler stops at 10 errors ("too many errors"). */
export const MAX_SHOWN = 100;

/** The first MAX_SHOWN diagnostics, formatted, and a line for the rest. */
export function formatDiagnostics(file: string, source: string, list: readonly Diagnostic[]): string {
  const shown = list.slice(0, MAX_SHOWN).map((d) => formatDiagnostic(file, source, d)).join('');
  return list.length > MAX_SHOWN ? `${shown}${file}: too many errors (${list.length - MAX_SHOWN} more not shown)\n` : shown;
}

export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
}
