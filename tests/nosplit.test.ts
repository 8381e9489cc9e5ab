// Go's linker nosplit analysis (Go's linker stkcheck, cmd/ld/lib.c),
// checked against Go's own conformance table, test/nosplit.go (2014, SOURCE A
// in tests/conformance/nosplit-cases.txt; Go's licence, LICENSE-go there).
//
// What it protects: a chain of NOSPLIT functions runs on the StackLimit
// (128) bytes below the stack guard with no split check to rescue it, so the
// linker must reject every program in which some chain of NOSPLIT calls can
// use more than that, on every target, with the exact per-arch margins Go has
// (CALL pushes a return address on x86; ARM's link register does not; an
// indirect call must also afford the callee's call to morestack). It must
// also accept everything that fits, including deep recursion through
// splitting functions.
//
// Like Go's harness, each stanza is built for amd64, 386 and arm and must be
// accepted or rejected as the table says; amd64 skips frame sizes that are
// 4 mod 8; and the run fails if, on some arch, nothing was accepted or
// nothing rejected ("not enough test cases run").
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, type CompileResult } from '../compiler/compile.js';
import { ARCHES, type Arch } from '../isa/target.js';
import { extractTable, parseStanzas, skippedOn, toGasm, type Stanza } from './helpers/nosplitTable.js';

const CASES_URL = new URL('./conformance/nosplit-cases.txt', import.meta.url);
const CASES_PATH = fileURLToPath(CASES_URL);
const OVERFLOW = 'nosplit stack overflow';

/** The stanzas, or the reason they could not be read (reported as a failing test, never a skip). */
function loadStanzas(): { stanzas: Stanza[]; error: string | null } {
  if (!existsSync(CASES_PATH)) {
    return { stanzas: [], error: `nosplit conformance table not found at ${CASES_PATH} (it is part of the repository: is the checkout complete?)` };
  }
  try {
    const { text, firstLine } = extractTable(readFileSync(CASES_PATH, 'utf8'));
    const stanzas = parseStanzas(text, firstLine);
    if (stanzas.length === 0) return { stanzas, error: `${CASES_PATH}: the SOURCE A table has no stanzas` };
    return { stanzas, error: null };
  } catch (e) {
    return { stanzas: [], error: (e as Error).message };
  }
}

const { stanzas, error: loadError } = loadStanzas();

// One compile per (stanza, arch), shared by the per-case tests and the summary.
const results = new Map<string, CompileResult>();
function build(s: Stanza, arch: Arch): CompileResult {
  const key = `${s.line}/${arch}`;
  let r = results.get(key);
  if (!r) {
    r = compile(toGasm(s), `nosplit${s.line}.gasm`, arch);
    results.set(key, r);
  }
  return r;
}

function describeResult(r: CompileResult): string {
  const diags = r.diagnostics.map((d) => `${d.pos.line}:${d.pos.col}: ${d.message}`).join('\n');
  return `image: ${r.image === null ? 'null' : 'built'}\ndiagnostics:\n${diags || '(none)'}\nlinkReport:\n${r.linkReport || '(empty)'}`;
}

describe('test/nosplit.go (SOURCE A): linker nosplit stack check', () => {
  it('reads the conformance table', () => {
    if (loadError !== null) throw new Error(loadError);
    expect(stanzas.length).toBeGreaterThan(0);
  });

  for (const s of stanzas) {
    for (const arch of ARCHES) {
      const reject = s.rejectOn.has(arch);
      const name = `line ${s.line}: ${s.text} [${arch}] → ${reject ? 'reject' : 'accept'}`;
      if (skippedOn(s, arch)) {
        it.skip(`${name} (amd64 skips frame sizes 4 mod 8)`, () => {});
        continue;
      }
      it(name, () => {
        const r = build(s, arch);
        const got = describeResult(r);
        if (reject) {
          expect(r.image, `accepted incorrectly:\n${toGasm(s)}\n${got}`).toBeNull();
          expect(r.linkReport, `rejected without a nosplit report:\n${got}`).toContain(OVERFLOW);
          expect(r.diagnostics.some((d) => d.message.includes(OVERFLOW)), `no "${OVERFLOW}" diagnostic:\n${got}`).toBe(true);
        } else {
          expect(r.image !== null && r.diagnostics.length === 0, `rejected incorrectly:\n${toGasm(s)}\n${got}`).toBe(true);
          expect(r.linkReport).toBe('');
        }
      });
    }
  }

  // Go's harness: "not enough test cases run" if nothing built or nothing failed.
  for (const arch of ARCHES) {
    it(`accepts and rejects at least one stanza each [${arch}]`, () => {
      if (loadError !== null) throw new Error(loadError);
      let accepted = 0, rejected = 0;
      for (const s of stanzas) {
        if (skippedOn(s, arch)) continue;
        if (build(s, arch).image !== null) accepted++;
        else rejected++;
      }
      expect(accepted, 'not enough test cases run: nothing accepted').toBeGreaterThan(0);
      expect(rejected, 'not enough test cases run: nothing rejected').toBeGreaterThan(0);
    });
  }

  // The report is Go's, line for line (cmd/ld stkbroke/stkprint): on amd64 a
  // nosplit main.main has StackLimit-CallSize = 128-8 = 120 bytes on entry,
  // and a 128-byte frame leaves 120-128 = -8.
  it('prints Go\'s report for "main 128 nosplit" [amd64]', () => {
    const r = compile('TEXT main.main(), NOSPLIT, $128\n    RET\n', 'main128.gasm', 'amd64');
    expect(r.image).toBeNull();
    expect(r.linkReport).toBe(
      'main.main: nosplit stack overflow\n' +
      '\t120\tassumed on entry to main.main\n' +
      '\t-8\tafter main.main uses 128\n',
    );
    // One diagnostic, on main.main's TEXT line, carrying the same chain.
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.pos.line).toBe(1);
    expect(r.diagnostics[0]!.message).toContain('nosplit stack overflow\n\t120\tassumed on entry to main.main\n\t-8\tafter main.main uses 128');
  });
});
