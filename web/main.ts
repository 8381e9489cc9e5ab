// The playground page: the editor, the settings, the worker that runs the
// program (web/worker.ts), and the drawing of each pause. The worker is made
// from a Blob of its bundled code, so the page works from file:// and any
// static host; the examples are bundled too (no fetch at run time).
import EXAMPLES from 'gorun:examples';
import WORKER_SOURCE from 'gorun:worker';
import type { Arch } from '../isa/target.js';
import { createEditor } from './editor.js';
import { PAGE_MAX_STEPS, pageOptions } from './options.js';
import type { FromWorker, FuncView, Growth, Outcome, StopAt, ToWorker } from './protocol.js';
import { decodeShare, encodeShare } from './share.js';
import { pictureOf } from './stackmodel.js';
import { stackSVG } from './stackview.js';
import { adjustTableHTML, diagnosticsHTML, disasmHTML, instBefore, summaryHTML, type PcMarks } from './views.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = {
  example: $<HTMLSelectElement>('example'), arch: $<HTMLSelectElement>('arch'), stackMin: $<HTMLInputElement>('stack-min'),
  poison: $<HTMLInputElement>('stackpoison'), force: $<HTMLInputElement>('stackforcemove'), maxSteps: $<HTMLInputElement>('max-steps'),
  run: $<HTMLButtonElement>('run'), stepMs: $<HTMLButtonElement>('step-morestack'), stepCopy: $<HTMLButtonElement>('step-copy'),
  stop: $<HTMLButtonElement>('stop'), share: $<HTMLButtonElement>('share'), trace: $<HTMLAnchorElement>('trace'),
  output: $('output'), status: $('status'), summary: $('summary'), stack: $('stack'), adjusts: $('adjusts'),
  func: $<HTMLSelectElement>('func'), disasm: $('disasm'), explain: $('explain'),
};

type Phase = 'idle' | 'running' | 'paused' | 'done';
const page = {
  phase: 'idle' as Phase,
  file: 'growstack.gasm',
  funcs: [] as FuncView[],
  growth: null as Growth | null,
  shown: 'copy' as 'morestack' | 'copy',
  marks: { current: null, notes: new Map() } as PcMarks,
  traceURL: '',
  stopTimer: 0,
};

// ---- the editor and the settings

const fromLink = decodeShare(location.hash);
const first = fromLink.shared ?? { source: EXAMPLES.find((e) => e.name === 'growstack.gasm')?.source ?? EXAMPLES[0]!.source, file: 'growstack.gasm' };
page.file = first.file ?? 'prog.gasm';
const editor = createEditor($('editor'), first.source ?? '', () => {});
for (const e of EXAMPLES) el.example.add(new Option(e.name, e.name));
el.example.value = EXAMPLES.some((e) => e.name === page.file) ? page.file : '';
if (fromLink.shared) {
  el.arch.value = fromLink.shared.arch ?? 'amd64';
  el.stackMin.value = fromLink.shared.stackMin ?? '';
  el.poison.checked = !!fromLink.shared.stackPoison;
  el.force.checked = !!fromLink.shared.stackForceMove;
}
el.maxSteps.value = fromLink.shared?.maxSteps ?? PAGE_MAX_STEPS;
if (fromLink.problem) el.output.textContent = `gorun: ${fromLink.problem}\n`;

el.example.onchange = () => {
  const ex = EXAMPLES.find((e) => e.name === el.example.value);
  if (!ex) return;
  stopRun();
  page.file = ex.name;
  editor.setText(ex.source);
  resetViews('Press Run, or step to the first stack growth.');
};

// ---- the worker

let worker: Worker | null = null;
function newWorker(): Worker {
  const w = new Worker(URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' })));
  w.onmessage = (ev: MessageEvent<FromWorker>) => { if (w === worker) onMessage(ev.data); };
  w.onerror = (ev) => { if (w === worker) { appendOut(`gorun: internal error in the worker: ${ev.message}\n`, 'err'); setPhase('done'); } };
  return w;
}
const send = (m: ToWorker) => { worker ??= newWorker(); worker.postMessage(m); };

function onMessage(m: FromWorker): void {
  switch (m.t) {
    case 'compiled': {
      page.funcs = m.funcs;
      editor.markErrors(m.diagnostics.map((d) => d.line));
      el.func.replaceChildren(...m.funcs.map((f) => new Option(f.name, f.name)));
      if (m.diagnostics.length) {
        el.output.innerHTML = diagnosticsHTML(m.diagnostics);
        status(`The program does not compile: ${m.diagnostics.length} error${m.diagnostics.length === 1 ? '' : 's'} (exit status 1).`, 'err');
        setPhase('done');
      } else {
        showFunc('main.main', { current: null, notes: new Map() });
      }
      return;
    }
    case 'output': appendOut(m.text); return;
    case 'progress': status(`Running… ${m.steps.toLocaleString('en')} instructions, ${m.growths} stack growth${m.growths === 1 ? '' : 's'}.`); return;
    case 'paused':
      setPhase('paused');
      page.growth = m.growth;
      showGrowth(m.at);
      return;
    case 'done':
      finish(m.outcome, m.trace);
      if (m.last) { page.growth = m.last; showGrowth('copy', true); }
      return;
    case 'error':
      appendOut(m.message + '\n', 'err');
      status(m.message, 'err');
      setPhase('done');
  }
}

function finish(o: Outcome, trace: string): void {
  clearTimeout(page.stopTimer);
  setPhase('done');
  if (o.stopped) appendOut(`gorun: stopped from the page after ${o.steps} instructions\n`, 'err');
  else if (o.bound) appendOut(`gorun: ${o.bound}\n`, 'err');
  const how = o.stopped ? 'Stopped' : o.bound ? 'Stopped by a bound (exit status 3)' : `Exited with status ${o.exitCode}`;
  status(`${how} after ${o.steps.toLocaleString('en')} instructions; ${o.growths} stack growth${o.growths === 1 ? '' : 's'}${o.bytesCopied ? `, ${o.bytesCopied.toLocaleString('en')} bytes copied` : ''}.`, o.exitCode === 0 ? 'ok' : 'err');
  if (page.traceURL) URL.revokeObjectURL(page.traceURL);
  page.traceURL = URL.createObjectURL(new Blob([trace], { type: 'application/json' }));
  el.trace.href = page.traceURL;
  el.trace.download = `${page.file.replace(/\.gasm$/, '')}.${el.arch.value}.json`;
  el.trace.classList.remove('disabled');
}

// ---- running and stepping

function start(stopAt: StopAt): void {
  let opts;
  try {
    opts = pageOptions({ stackMin: el.stackMin.value, stackPoison: el.poison.checked, stackForceMove: el.force.checked, maxSteps: el.maxSteps.value, maxMemory: '' });
  } catch (e) {
    el.output.textContent = `gorun: ${(e as Error).message}\n`;
    status(`gorun: ${(e as Error).message}`, 'err');
    return;
  }
  // An example keeps its file name while it is unchanged; an edited or new program is prog.gasm.
  const ex = EXAMPLES.find((e) => e.name === el.example.value);
  page.file = ex && ex.source === editor.text() ? ex.name : fromLink.shared && editor.text() === fromLink.shared.source ? (fromLink.shared.file ?? 'prog.gasm') : 'prog.gasm';
  resetViews('Compiling…');
  el.output.textContent = '';
  setPhase('running');
  send({ t: 'run', source: editor.text(), file: page.file, arch: el.arch.value as Arch, opts, stopAt });
}

function go(stopAt: StopAt): void {
  if (page.phase === 'paused') {
    // The copystack of the growth shown at its morestack is already known: show it.
    if (stopAt === 'copy' && page.shown === 'morestack' && page.growth?.events.some((e) => e.k === 'copy')) { showGrowth('copy'); return; }
    setPhase('running');
    send({ t: 'continue', stopAt });
  } else if (page.phase !== 'running') start(stopAt);
}

function stopRun(): void {
  if (page.phase !== 'running' && page.phase !== 'paused') return;
  send({ t: 'stop' });
  // A worker that does not answer within a second is ended outright.
  page.stopTimer = window.setTimeout(() => {
    if (page.phase === 'done' || !worker) return;
    worker.terminate();
    worker = null;
    appendOut('gorun: stopped from the page (the worker was ended)\n', 'err');
    status('Stopped.', 'err');
    setPhase('done');
  }, 1000);
}

el.run.onclick = () => go(null);
el.stepMs.onclick = () => go('morestack');
el.stepCopy.onclick = () => go('copy');
el.stop.onclick = stopRun;
document.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); go(null); } });

function setPhase(p: Phase): void {
  page.phase = p;
  el.run.textContent = p === 'paused' ? 'Continue' : 'Run';
  el.run.disabled = p === 'running';
  el.stepMs.disabled = p === 'running';
  el.stepCopy.disabled = p === 'running';
  el.stop.disabled = p !== 'running' && p !== 'paused';
  document.body.dataset.phase = p;
}

// ---- drawing

function status(text: string, kind: 'ok' | 'err' | '' = ''): void {
  el.status.textContent = text;
  el.status.className = `status ${kind}`;
}

function appendOut(text: string, cls = ''): void {
  const span = document.createElement('span');
  if (cls) span.className = cls;
  span.textContent = text;
  el.output.append(span);
  el.output.scrollTop = el.output.scrollHeight;
}

function resetViews(msg: string): void {
  page.growth = null;
  status(msg);
  el.summary.innerHTML = '';
  el.stack.innerHTML = '<p class="placeholder">The stack appears here at each morestack and copystack.</p>';
  el.adjusts.innerHTML = '<p class="none">None yet.</p>';
  el.explain.textContent = '';
  el.trace.classList.add('disabled');
  el.trace.removeAttribute('href');
}

const funcOf = (name: string) => page.funcs.find((f) => f.name === name);
const argsOf = (name: string) => { const f = funcOf(name); return f && f.params.length ? f.params.join(', ') : ''; };

function showFunc(name: string, marks: PcMarks): void {
  const f = funcOf(name) ?? page.funcs[0];
  if (!f) { el.disasm.innerHTML = ''; return; }
  page.marks = marks;
  el.func.value = f.name;
  el.disasm.innerHTML = disasmHTML(f, marks);
  const row = el.disasm.querySelector<HTMLElement>('tr.current');
  if (row) el.disasm.scrollTop = row.offsetTop - el.disasm.clientHeight / 3;
}
el.func.onchange = () => showFunc(el.func.value, page.marks);

function showGrowth(phase: 'morestack' | 'copy', last = false): void {
  const g = page.growth;
  if (!g) return;
  const p = pictureOf(g.events, g.adjusted);
  if (!p) return;
  page.shown = phase;
  if (!last) status(`Paused at ${phase === 'morestack' ? 'morestack' : 'copystack'} of stack growth #${g.n}, after ${g.steps.toLocaleString('en')} instructions.`);
  el.summary.innerHTML = (last ? 'Last stack growth: ' : '') + summaryHTML(p, phase, g.n);
  if (p.old.hi === 0) {
    el.stack.innerHTML = g.events.some((e) => e.k === 'preempt')
      ? '<p class="placeholder">newstack yielded (a preemption): the stack did not move.</p>'
      : '<p class="placeholder">newstack did not grow the stack: the run ended in this growth (the output says why).</p>';
  } else {
    el.stack.innerHTML = stackSVG(phase === 'copy' ? p : { ...p, new: null, old: { ...p.old, arrows: [] } }, argsOf);
  }
  el.stack.scrollTop = el.stack.scrollHeight; // SP and stackguard0 are at the bottom
  el.stack.dataset.growth = String(g.n);
  el.stack.dataset.phase = phase;
  el.adjusts.innerHTML = phase === 'copy' ? adjustTableHTML(p) : '<p class="none">copystack has not run yet: Step ▸ copystack shows the pointers it adjusts.</p>';
  el.explain.textContent = g.narration;
  const f = funcOf(p.fn);
  const notes = new Map<number, string>();
  let current: number | null;
  if (phase === 'morestack' && f) {
    current = instBefore(f, p.morestack.schedPC);
    notes.set(p.morestack.schedPC, 'g.sched.pc: the jump rewindmorestack decodes');
    if (current !== null) notes.set(current, 'the split check failed: call morestack');
  } else {
    current = p.resume?.pc ?? null;
    if (current !== null) notes.set(current, p.resume?.atStart ? 'resumes here, on the new stack' : 'resumes past the check');
  }
  showFunc(p.fn, { current, notes });
}

// ---- sharing

el.share.onclick = async () => {
  const hash = encodeShare({
    source: editor.text(), file: page.file, arch: el.arch.value as Arch, stackMin: el.stackMin.value.trim(),
    stackPoison: el.poison.checked, stackForceMove: el.force.checked, maxSteps: el.maxSteps.value.trim(),
  });
  history.replaceState(null, '', hash);
  try { await navigator.clipboard.writeText(location.href); status('Link copied: it holds the program and the settings.', 'ok'); }
  catch { status('The address bar holds the link to this program and these settings.', 'ok'); }
};

// Output links to compile errors move the cursor there.
el.output.addEventListener('click', (e) => {
  const a = (e.target as HTMLElement).closest('a.diag-loc') as HTMLAnchorElement | null;
  if (!a) return;
  e.preventDefault();
  editor.goTo(Number(a.dataset.line), Number(a.dataset.col));
});

setPhase('idle');
document.body.dataset.ready = '1';
