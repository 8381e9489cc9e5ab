// The scheduler (runtime/sched.ts, runtime/proc.ts): goroutines take turns
// through cooperative preemption at the prologue's split check; a loop
// without calls is never preempted; scheduling is deterministic, the same
// in both engines and every run. Programs: tests/sched/.
import { describe, expect, it } from 'vitest';
import { ARCHES } from '../isa/target.js';
import { runGasm } from './helpers/runGasm.js';

const dir = new URL('./sched/', import.meta.url).pathname;

describe('preemption goes through the split check', () => {
  for (const arch of ARCHES) {
    it(`${arch}: two goroutines whose loops make calls interleave`, () => {
      const r = runGasm(`${dir}preempt.gasm`, arch, {}, true);
      expect(r.problems, r.err).toEqual([]);
      const preempts = r.events.filter((e) => e.k === 'preempt');
      expect(preempts.length).toBeGreaterThan(10);
      // Always in the function with the split check, never in the NOSPLIT leaf or the loop itself.
      expect(new Set(preempts.map((e) => e.k === 'preempt' && e.fn))).toEqual(new Set(['main.step']));
      const switches = r.events.filter((e) => e.k === 'switch' && e.from !== 0 && e.to !== 1 && e.from !== 1);
      expect(switches.length).toBeGreaterThan(10);
    });

    it(`${arch}: a loop without calls is never preempted`, () => {
      const r = runGasm(`${dir}nopreempt.gasm`, arch, {}, true);
      expect(r.problems, r.err).toEqual([]);
      expect(r.events.filter((e) => e.k === 'preempt')).toEqual([]);
    });
  }
});

describe('scheduling is deterministic', () => {
  it('the same events every run, in both engines', () => {
    const a = runGasm(`${dir}preempt.gasm`, 'arm', { engine: 'interp' }, true);
    const b = runGasm(`${dir}preempt.gasm`, 'arm', { engine: 'jit' }, true);
    const c = runGasm(`${dir}preempt.gasm`, 'arm', { engine: 'jit' }, true);
    expect(b.events).toEqual(a.events);
    expect(c.events).toEqual(a.events);
  });
});
