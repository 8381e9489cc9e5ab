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

/** `file:line:col: message`, then the source line and a caret under the column. */
export function formatDiagnostic(file: string, source: string, d: Diagnostic): string {
  const lines = withoutBOM(source).split('\n');
  const text = (lines[d.pos.line - 1] ?? '').replace(/\r$/, '');
  const pad = text.slice(0, Math.max(0, d.pos.col - 1)).replace(/[^\t]/g, ' ');
  return `${file}:${d.pos.line}:${d.pos.col}: ${d.message}\n\t${text}\n\t${pad}^\n`;
}

export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
}
