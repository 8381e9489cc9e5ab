// Inputs found by fuzzing, each once fatal or silently wrong: every one must
// end in a clear diagnostic (or be accepted, where Go accepts it), quickly,
// never in a JavaScript exception. Each describe block is named after what it
// protects.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractTable, parseStanzas } from './helpers/nosplitTable.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

/** Every source, test and documentation file of the repository (not node_modules or dist). */
function repoTextFiles(dir = REPO): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith('.') || name === 'node_modules' || name === 'dist') return [];
    const path = `${dir}/${name}`.replace(/\/\/+/g, '/');
    if (statSync(path).isDirectory()) return repoTextFiles(path);
    return /\.(ts|mjs|cjs|md|json|gasm)$/.test(name) ? [path] : [];
  });
}

describe('the nosplit conformance data ships with the repository', () => {
  const dir = fileURLToPath(new URL('./conformance/', import.meta.url));

  it('tests/conformance holds Go\'s table, readable as the suite reads it', () => {
    const { text, firstLine } = extractTable(readFileSync(`${dir}nosplit-cases.txt`, 'utf8'));
    expect(parseStanzas(text, firstLine).length).toBeGreaterThan(50);
  });

  it('beside Go\'s BSD licence and a README naming where it comes from', () => {
    const licence = readFileSync(`${dir}LICENSE-go`, 'utf8');
    expect(licence).toContain('Copyright (c) 2009 The Go Authors. All rights reserved.');
    expect(licence).toContain('Neither the name of Google Inc. nor the names of its');
    const readme = readFileSync(`${dir}README.md`, 'utf8');
    expect(readme).toContain('test/nosplit.go');
    expect(readme).toContain('LICENSE-go');
  });

  it('no file refers to data outside the repository (shared/, go-runtime-facts)', () => {
    const outside = /(^|[^\w-])shared\/|go-runtime-facts/;
    const offenders = repoTextFiles()
      .filter((f) => f !== THIS_FILE && existsSync(f))
      .filter((f) => outside.test(readFileSync(f, 'utf8')))
      .map((f) => f.slice(REPO.length));
    expect(offenders).toEqual([]);
  });
});
