// Programs the fuzzer (fuzz/fuzz.ts) found bugs with, each fixed: every one
// goes through the fuzzer's own judge (fuzz/judge.ts) for check, disasm, run
// on every target in both engines, and explain — no JavaScript error, an exit
// status of docs/cli.md, within its --timeout, deterministic, the engines
// agreeing. A file's first line may give run options: `// fuzz: --stackforcemove`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate, type Case, type Command } from '../fuzz/judge.js';
import { ARCHES, type Arch } from '../isa/target.js';
import { gasmFiles } from './helpers/gasmFiles.js';

const dir = new URL('./fuzz-corpus', import.meta.url).pathname;

function cases(origin: string, source: string): Case[] {
  const m = /^\/\/ fuzz:(.*)$/m.exec(source.split('\n')[0] ?? '');
  const given = m ? m[1]!.trim().split(/\s+/).filter(Boolean) : [];
  const flags = given.includes('--timeout') ? given : [...given, '--timeout', '10000'];
  const base = { source, origin, flags: [] as string[], engine: 'jit' as const, generated: false };
  const out: Case[] = [{ ...base, command: 'check', arch: null }];
  for (const arch of ARCHES as readonly Arch[]) {
    out.push({ ...base, command: 'disasm', arch });
    for (const command of ['run', 'explain'] as Command[]) out.push({ ...base, command, arch, flags });
  }
  return out;
}

describe('the fuzzer\'s corpus: each program it found a bug with passes its judge', () => {
  const files = gasmFiles(dir);
  it('has programs', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    const name = file.slice(dir.length + 1);
    const source = readFileSync(file, 'utf8');
    for (const c of cases(name, source)) {
      it(`${name}: ${c.command}${c.arch ? ` --arch ${c.arch}` : ''}`, async () => {
        const v = await evaluate(c);
        expect(v.failure, v.failure?.detail).toBeNull();
      }, 120_000);
    }
  }
});
