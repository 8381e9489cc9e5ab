// compile(): gasm source -> Image for one target, with every diagnostic.
import { targetOf, type Arch } from '../isa/target.js';
import type { TextDecl } from './ast.js';
import { Diagnostics, sortDiagnostics, type Diagnostic } from './diag.js';
import { finishFunc, layoutFrame } from './frame.js';
import type { Image } from './image.js';
import { link, Rodata, type LinkFunc } from './link.js';
import { CompileTimedOut, Deadline, NO_DEADLINE } from './limits.js';
import { FuncLowerer } from './lower.js';
import type { LoweredFunc } from './lowerctx.js';
import { parse } from './parser.js';
import { runtimeLinkFuncs } from './runtimestubs.js';
import { ProgramInfo } from './symbols.js';
import { stackCheck, type CheckFunc } from './stkcheck.js';

export interface CompileResult {
  readonly image: Image | null;
  readonly diagnostics: readonly Diagnostic[];
  /** The linker's nosplit report (Go's text), when it rejected the program. */
  readonly linkReport: string;
  /** Compiling passed CompileOptions.deadline and was abandoned (no image, no diagnostics). */
  readonly timedOut?: boolean;
}

export interface CompileOptions {
  /** Make the runtime's test-only functions (abi/funcs.ts) callable: for the runtime's own tests. */
  readonly testFuncs?: boolean;
  /** Give up once Date.now() passes this (the command line's --timeout covers compiling): result `timedOut`. */
  readonly deadline?: number;
}

export function compile(source: string, file: string, arch: Arch, opts: CompileOptions = {}): CompileResult {
  const deadline = opts.deadline === undefined ? NO_DEADLINE : new Deadline(opts.deadline);
  try {
    return compileBy(source, file, arch, opts, deadline);
  } catch (e) {
    if (e instanceof CompileTimedOut) return { image: null, diagnostics: [], linkReport: '', timedOut: true };
    throw e;
  }
}

function compileBy(source: string, file: string, arch: Arch, opts: CompileOptions, deadline: Deadline): CompileResult {
  const t = targetOf(arch);
  const diags = new Diagnostics();
  const prog = parse(source, diags, deadline);
  deadline.check();
  const testFuncs = opts.testFuncs ?? false;
  const info = new ProgramInfo(t, prog, diags, testFuncs);
  const main = prog.decls.find((d): d is TextDecl => d.k === 'text' && d.name === 'main.main');
  if (!main) diags.error({ line: 1, col: 1 }, 'function main.main is undeclared');
  else if (main.params.length > 0 || main.results.length > 0) diags.error(main.pos, 'func main.main must have no arguments and no return values');

  const ro = new Rodata(t);
  // String initialisers point into read-only data, which is laid out before the globals.
  for (const g of info.globals.values()) if (g.decl.init?.k === 'str') ro.strSym(g.decl.init.bytes);
  const queue = prog.decls.filter((d): d is TextDecl => d.k === 'text' && info.funcs.get(d.name)?.decl === d);
  const lowered: LoweredFunc[] = [];
  for (let i = 0; i < queue.length; i++) {
    deadline.check();
    const lf = new FuncLowerer(info, queue[i]!, ro, diags, deadline).lower();
    lowered.push(lf);
    queue.push(...lf.extra);
  }
  const linkFuncs: LinkFunc[] = lowered.map((lf) => {
    deadline.check();
    const fr = layoutFrame(t, lf, diags);
    // The linker keeps a pointer map of each frame and argument area, a word at a time.
    info.charge(fr.spDelta + lf.sig.argsSize, lf.decl.pos, `frame of ${lf.name}`);
    const { progs, labels } = finishFunc(t, lf, fr, lf.decl.pos.line);
    return { name: lf.name, progs, labels, frame: fr, lowered: lf, sig: lf.sig, hostId: -1, line: lf.decl.pos.line };
  });
  const deferArgs = Math.max(0, ...lowered.map((lf) => lf.deferArgs));
  linkFuncs.push(...runtimeLinkFuncs(t, info, ro, diags, { testFuncs, deferArgs }));
  if (diags.count > 0) return { image: null, diagnostics: sortDiagnostics(diags.list), linkReport: '' };

  deadline.check();
  const checkFuncs = new Map<string, CheckFunc>(linkFuncs.map((f) => [f.name, { name: f.name, nosplit: f.frame.nosplit, locals: f.frame.frame, progs: f.progs }]));
  const failures = stackCheck(t, checkFuncs, linkFuncs.map((f) => f.name));
  if (failures.length > 0) {
    for (const f of failures) {
      const decl = info.funcs.get(f.func)?.decl;
      diags.error(decl?.pos ?? { line: 1, col: 1 }, f.report.trimEnd());
    }
    return { image: null, diagnostics: sortDiagnostics(diags.list), linkReport: failures.map((f) => f.report).join('') };
  }
  deadline.check();
  const image = link(t, file, info, ro, linkFuncs, deadline);
  deadline.check();
  return { image, diagnostics: [], linkReport: '' };
}
