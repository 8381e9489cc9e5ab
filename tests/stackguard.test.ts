// What stackguard0 holds, and how newstack reads it (abi/stack.ts,
// runtime/stackguard.ts, runtime/stack.ts): --stackforcemove arms its own
// sentinel, StackForceMove, and newstack moves the stack for it; a
// preemption request (StackPreempt, as Go's preemptone stores it) makes
// newstack yield instead of growing. One run can hold both, and newstack
// tells them apart. And Go 1.4's huge-frame check, which only special-cases
// StackPreempt, still checks the real guard in the stress mode.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StackForceMove, StackPreempt } from '../abi/stack.js';
import { compile } from '../compiler/compile.js';
import { ARCHES, type Arch } from '../isa/target.js';
import type { RuntimeEvent } from '../runtime/events.js';
import { RUNNING, runImage, start, type RunOptions } from '../runtime/run.js';

const root = new URL('..', import.meta.url).pathname;
const image = (file: string, arch: Arch) => compile(readFileSync(root + file, 'utf8'), file, arch).image!;

function record(file: string, arch: Arch, opts: Partial<RunOptions>, preemptAt: number[] = []) {
  const events: RuntimeEvent[] = [];
  let err = '';
  // Only the decisions: a forced move of a deep stack adjusts thousands of pointers each time.
  const observer = (e: RuntimeEvent) => { if (e.k === 'morestack' || e.k === 'grow' || e.k === 'preempt') events.push(e); };
  const run = start(image(file, arch), { ...opts, stderr: (c) => { err += new TextDecoder().decode(c); }, observer });
  let res = run.resume({ steps: 0 });
  for (const at of preemptAt) {
    expect(at).toBeGreaterThan(run.steps);
    res = run.resume({ steps: at - run.steps });
    run.preempt();
  }
  while ((res = run.resume()) === RUNNING);
  return { events, err, exit: res.exitCode, steps: res.stats.steps };
}

/** The event that follows each morestack event, paired with the guard morestack saw. */
function decisions(events: RuntimeEvent[]): { guard: number; next: string }[] {
  const out: { guard: number; next: string }[] = [];
  events.forEach((e, i) => {
    if (e.k !== 'morestack') return;
    const next = events.slice(i + 1).find((x) => x.k === 'grow' || x.k === 'preempt');
    out.push({ guard: e.guard, next: next?.k === 'grow' ? (next.forced ? 'move' : 'grow') : next?.k ?? 'none' });
  });
  return out;
}

describe('newstack tells a forced move from a preemption', () => {
  for (const arch of ARCHES) {
    it(`${arch}: --stackforcemove arms StackForceMove, and every check it fails moves the stack`, () => {
      const { events, err, exit } = record('examples/frames.gasm', arch, { stackForceMove: true });
      expect([exit, err]).toEqual([0, 'small 5050\nbig 1275\nhuge 465\n']);
      const d = decisions(events);
      expect(d.filter((x) => x.guard === StackForceMove && x.next === 'move').length).toBeGreaterThan(100);
      expect(d.some((x) => x.guard === StackPreempt || x.next === 'preempt')).toBe(false);
    });

    it(`${arch}: a preemption request makes newstack yield, not grow; the run is the same`, () => {
      const plain = record('examples/growstack.gasm', arch, {});
      // Requests while it recurses (the first half of the run): every call makes a split check.
      const at = [0.05, 0.15, 0.3].map((f) => Math.round(plain.steps * f));
      const { events, err, exit } = record('examples/growstack.gasm', arch, {}, at);
      expect([exit, err]).toEqual([plain.exit, plain.err]);
      const d = decisions(events);
      expect(d.filter((x) => x.guard === StackPreempt)).toEqual([{ guard: StackPreempt, next: 'preempt' }, { guard: StackPreempt, next: 'preempt' }, { guard: StackPreempt, next: 'preempt' }]);
      // The growths themselves are exactly those of the run without preemption.
      expect(events.filter((e) => e.k === 'grow')).toEqual(plain.events.filter((e) => e.k === 'grow'));
    });

    it(`${arch}: both in one run, each read by newstack as what it is`, () => {
      const { events, err } = record('examples/frames.gasm', arch, { stackForceMove: true }, [3000]);
      expect(err).toBe('small 5050\nbig 1275\nhuge 465\n');
      const d = decisions(events);
      expect(d.filter((x) => x.guard === StackPreempt).map((x) => x.next)).toEqual(['preempt']);
      expect(d.filter((x) => x.guard === StackForceMove).every((x) => x.next === 'move' || x.next === 'grow')).toBe(true);
    });

    it(`${arch}: under --stackforcemove a huge frame's check still compares the real guard`, () => {
      // examples/frames.gasm recurses with a 5 KB frame after a big one: its
      // huge-frame check, which does not test StackForceMove, must still grow the stack.
      let err = '';
      const r = runImage(image('examples/frames.gasm', arch), { stackForceMove: true, stderr: (c) => { err += new TextDecoder().decode(c); } });
      expect([r.exitCode, err]).toEqual([0, 'small 5050\nbig 1275\nhuge 465\n']);
    });
  }
});
