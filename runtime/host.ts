// The host adapter: what the engines call (vm/machine.ts Host). A HOSTCALL
// runs the handler of runtime function `id` from an array indexed by id,
// built once from every module's handlers and checked against abi/funcs.ts
// when this module loads; a trap goes to the signal handler. A throw (state.ts
// Unwind) ends here, as the run's final status: the engines only ever see
// Next.Continue or Next.Stop.
import { RUNTIME_FUNCS } from '../abi/funcs.js';
import { Next, type Host, type Machine, type Trap } from '../vm/machine.js';
import { Fault } from '../vm/memory.js';
import { fatalRuntimeFault, gothrow } from './crash.js';
import { handlers as chan } from './chan.js';
import { gogc, handlers as mgc } from './mgc.js';
import { handlers as iface } from './iface.js';
import { handlers as malloc } from './malloc.js';
import { handlers as mprof } from './mprof.js';
import { handlers as mstats } from './mstats.js';
import { handlers as panic } from './panic.js';
import { handlers as print } from './print.js';
import { handlers as proc } from './proc.js';
import type { Handler, Handlers, Runtime } from './runtime.js';
import { handlers as signal, sighandler } from './signal.js';
import { handlers as stack } from './stack.js';
import { Unwind } from './state.js';
import { handlers as string } from './string.js';
import { handlers as testfuncs } from './testfuncs.js';

/** Every handler by id (abi/funcs.ts lists the functions; each has exactly one). */
export const HANDLERS: readonly Handler[] = buildHandlers([stack, proc, print, panic, signal, malloc, iface, string, chan, mgc, mstats, mprof, testfuncs]);

function buildHandlers(modules: readonly Handlers[]): Handler[] {
  const byName = new Map<string, Handler>();
  for (const m of modules) {
    for (const [name, h] of Object.entries(m)) {
      if (byName.has(name)) throw new Error(`runtime: two handlers for ${name}`);
      byName.set(name, h);
    }
  }
  const table = RUNTIME_FUNCS.map((r) => {
    const h = byName.get(r.name) ?? null;
    if (!h) throw new Error(`runtime: no handler for ${r.name}`);
    byName.delete(r.name);
    return h;
  });
  if (byName.size > 0) throw new Error(`runtime: handlers for functions abi/funcs.ts does not list: ${[...byName.keys()].join(', ')}`);
  return table;
}

export class HostAdapter implements Host {
  private rt: Runtime | null = null;

  attach(rt: Runtime): void { this.rt = rt; }

  hostcall(_m: Machine, id: number): Next {
    const rt = this.rt!;
    const h = HANDLERS[id];
    return this.guard(rt, h ? () => h(rt) : () => gothrow(rt.st, `HOSTCALL of unknown runtime function ${id}`));
  }

  trap(_m: Machine, t: Trap): Next {
    const rt = this.rt!;
    return this.guard(rt, () => sighandler(rt, t));
  }

  /**
   * Run runtime work; a throw ends the run with its status, and so does a
   * fault in the runtime's own reads and writes of VM memory (the program
   * may have corrupted what it reads).
   */
  guard(rt: Runtime, work: () => Next): Next {
    try {
      const next = work();
      // A collection the allocator asked for runs once the runtime call is over (mallocgc's gogc).
      if (rt.gc.due && !rt.st.status) gogc(rt);
      if (rt.st.status) return Next.Stop;
      if (rt.st.pauseRequested && next === Next.Continue) {
        rt.st.pauseRequested = false;
        return Next.Yield;
      }
      return next;
    } catch (e) {
      if (e instanceof Fault) fatalRuntimeFault(rt.st, e);
      else if (e instanceof Unwind) rt.st.status ??= e.status;
      else throw e;
      return Next.Stop;
    }
  }
}
