// --trace FILE (cli/trace.ts, cli/tracefile.ts): the Chrome trace-event file
// of a run, through the bundle as users run it. Each file must be valid
// trace-event JSON (tests/helpers/traceFormat.ts), the same bytes on every
// run, and agree with the run's own observer events; a failing run still
// writes its trace up to the failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { ARCHES } from '../isa/target.js';
import type { RuntimeEvent } from '../runtime/events.js';
import { runImage } from '../runtime/run.js';
import { traceProblems, type Ev } from './helpers/traceFormat.js';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/gorun.cjs');
const dir = mkdtempSync(join(tmpdir(), 'gorun-trace-'));

function gorun(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function traceOf(file: string): Ev[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: Ev[] }).traceEvents;
}

/** The observer events of the same program, run with the run API in this process. */
function events(program: string, arch: (typeof ARCHES)[number], opts = {}): RuntimeEvent[] {
  const img = compile(readFileSync(join(ROOT, program), 'utf8'), program, arch).image!;
  const out: RuntimeEvent[] = [];
  runImage(img, { ...opts, stderr: () => {}, observer: (e) => out.push(e) });
  return out;
}

describe('--trace on examples/growstack.gasm', () => {
  for (const arch of ARCHES) {
    it(`${arch}: a valid trace-event file, the same bytes on every run and from explain`, () => {
      const a = join(dir, `a-${arch}.json`), b = join(dir, `b-${arch}.json`), c = join(dir, `c-${arch}.json`);
      expect(gorun('--arch', arch, '--trace', a, 'examples/growstack.gasm')).toMatchObject({ code: 0, err: 'ok 10001\n', out: '' });
      expect(gorun('--arch', arch, '--trace', b, 'examples/growstack.gasm').code).toBe(0);
      expect(gorun('explain', '--arch', arch, '--trace', c, 'examples/growstack.gasm').code).toBe(0);
      const text = readFileSync(a, 'utf8');
      expect(traceProblems(text)).toEqual([]);
      expect(readFileSync(b, 'utf8')).toBe(text);
      expect(readFileSync(c, 'utf8')).toBe(text);
    });

    it(`${arch}: one track per goroutine, one slice per stack growth, as the observer events tell`, () => {
      const file = join(dir, `g-${arch}.json`);
      gorun('--arch', arch, '--trace', file, 'examples/growstack.gasm');
      const tr = traceOf(file);
      expect(tr.filter((e) => e.ph === 'M' && e.name === 'thread_name')).toEqual([expect.objectContaining({ tid: 1, args: { name: 'goroutine 1' } })]);
      expect(new Set(tr.filter((e) => e.ph !== 'M').map((e) => `${String(e.pid)}/${String(e.tid)}`))).toEqual(new Set(['1/1']));
      const ev = events('examples/growstack.gasm', arch);
      const copies = ev.filter((e) => e.k === 'copy');
      const slices = tr.filter((e) => e.ph === 'B');
      expect(slices).toHaveLength(copies.length);
      expect(tr.filter((e) => e.ph === 'E')).toHaveLength(copies.length);
      let i = -1;
      const adjusted: number[] = [];
      for (const e of ev) { if (e.k === 'copy') adjusted[++i] = 0; if (e.k === 'adjust') adjusted[i]!++; }
      slices.forEach((s, k) => {
        const c = copies[k] as Extract<RuntimeEvent, { k: 'copy' }>;
        const args = s.args as Record<string, unknown>;
        expect(args).toMatchObject({ fn: 'main.growStackIter', oldSize: c.oldHi - c.oldLo, newSize: c.newHi - c.newLo, bytesCopied: c.used, pointersAdjusted: adjusted[k], frames: c.frames.length });
        expect(s.name).toMatch(/^stack growth \d+ [KM]B → \d+ [KM]B$/);
      });
      const end = tr[tr.length - 1]!;
      expect(end).toMatchObject({ ph: 'i', name: 'exit 0', args: { exitCode: 0, stackGrowths: copies.length } });
    });
  }

  it('a preemption would be an instant on the track (the extension point for GC and panics)', () => {
    const src = readFileSync(join(ROOT, 'cli/trace.ts'), 'utf8');
    expect(src).toMatch(/const INSTANTS[^]*preempt:/);
  });
});

describe('the trace-event checker', () => {
  it('finds what a broken file gets wrong', () => {
    const ev = (o: object) => JSON.stringify({ name: 'x', ph: 'B', ts: 1, pid: 1, tid: 1, ...o });
    expect(traceProblems('{"traceEvents":[' + [ev({}), ev({ ph: 'E', ts: 0 })].join(',') + ']}')).toEqual([
      expect.stringMatching(/goes back/), expect.stringMatching(/E before its B/)]);
    expect(traceProblems('{"traceEvents":[' + ev({}) + ']}')).toEqual([expect.stringMatching(/never ends/)]);
    expect(traceProblems('{"traceEvents":[' + ev({ ph: 'E', pid: 'a' }) + ']}')).toEqual([expect.stringMatching(/pid\/tid/), expect.stringMatching(/E without B/)]);
    expect(traceProblems('[')).toEqual([expect.stringMatching(/not JSON/)]);
  });
});

describe('a failing run still writes its trace, up to the failure', () => {
  const cases: [string, string[], string, number][] = [
    ['infinite recursion to the maximum stack (tests/gasm/infrec)', ['--arch', '386', 'tests/gasm/infrec/infrec.gasm'], 'exit 2', 2],
    ['a panic (tests/gasm/panicint)', ['tests/gasm/panicint/panicint.gasm'], 'exit 2', 2],
    ['--max-steps in the middle of growstack', ['--max-steps', '5000', 'examples/growstack.gasm'], 'stopped by a bound', 3],
    ['the arena running out during a stack copy', ['--max-memory', '1048576', 'tests/gasm/infrec/infrec.gasm'], 'stopped by a bound', 3],
  ];
  for (const [what, args, last, code] of cases) {
    it(what, () => {
      const file = join(dir, `fail-${cases.findIndex((c) => c[0] === what)}.json`);
      expect(gorun('--trace', file, ...args).code).toBe(code);
      const text = readFileSync(file, 'utf8');
      expect(traceProblems(text)).toEqual([]);
      const tr = traceOf(file);
      expect(tr[tr.length - 1]).toMatchObject({ ph: 'i', name: last, args: { exitCode: code } });
    });
  }

  it('a growth the run ended in is closed and marked unfinished', () => {
    const file = join(dir, 'oom.json');
    gorun('--max-memory', '1048576', '--trace', file, 'tests/gasm/infrec/infrec.gasm');
    const b = traceOf(file).filter((e) => e.ph === 'B');
    expect(b[b.length - 1]!.args).toMatchObject({ unfinished: expect.stringMatching(/ended/) });
  });
});

describe('--trace: the commands and their messages', () => {
  it('matrix writes one file per program and target', () => {
    const base = join(dir, 'm.json');
    expect(gorun('matrix', '--arch', 'amd64,arm', '--trace', base, 'examples/growstack.gasm', 'examples/frames.gasm').code).toBe(0);
    for (const p of ['growstack', 'frames']) for (const a of ['amd64', 'arm']) {
      expect(traceProblems(readFileSync(join(dir, `m.${p}.${a}.json`), 'utf8'))).toEqual([]);
    }
    expect(existsSync(join(dir, 'm.growstack.386.json'))).toBe(false);
  });

  it('matrix refuses two programs that would write the same files', () => {
    const r = gorun('matrix', '--trace', join(dir, 'x.json'), 'examples/growstack.gasm', 'tests/gasm/growstack/growstack.gasm');
    expect([r.code, r.err]).toEqual([1, `gorun: --trace: examples/growstack.gasm and tests/gasm/growstack/growstack.gasm would write the same trace files (FILE.growstack.ARCH.json); run them separately\n`]);
  });

  it('a file that cannot be written is one line, before anything runs', () => {
    const r = gorun('--trace', join(dir, 'no/such/dir.json'), 'examples/growstack.gasm');
    expect([r.code, r.err]).toEqual([1, `gorun: --trace ${join(dir, 'no/such/dir.json')}: cannot write the file: no such directory\n`]);
  });

  it('a program that does not compile, or is refused, writes no file', () => {
    // One program the parser rejects, one the linker's nosplit check refuses.
    const broken = join(dir, 'broken.gasm');
    writeFileSync(broken, 'TEXT main.main(SB), $0\n\tFROB R1\n\tRET\n');
    const overflow = join(dir, 'overflow.gasm');
    writeFileSync(overflow, 'TEXT main.main(SB), NOSPLIT, $4096\n\tRET\n');
    for (const prog of [broken, overflow]) {
      const out = join(dir, 'refused.json');
      const r = gorun('--trace', out, prog);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^gorun: |: /);
      expect(existsSync(out)).toBe(false);
    }
  });
});
