// What the page draws from the worker's messages: the disassembly of the
// current function with its prologue and pc marked, the table of adjusted
// pointers, the check that failed, and the output with its compile errors.
// Every number comes from the run's events or the compiled image.
import { hex } from '../runtime/format.js';
import type { Diag, FuncView } from './protocol.js';
import type { Picture } from './stackmodel.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Marks on the listing: the current pc, and other pcs worth pointing at. */
export interface PcMarks { current: number | null; notes: Map<number, string> }

/**
 * The listing of f in the target's syntax (compiler/listing.ts): the
 * prologue (the instructions at the TEXT line) highlighted, the current pc
 * marked.
 */
export function disasmHTML(f: FuncView, marks: PcMarks): string {
  const rows = f.lines.map((l) => {
    const prologue = l.line === f.line;
    const cur = l.pc === marks.current;
    const note = marks.notes.get(l.pc);
    const cls = ['asm', prologue ? 'prologue' : '', cur ? 'current' : ''].filter(Boolean).join(' ');
    return `<tr class="${cls}" data-pc="${hex(l.pc)}"><td class="pcmark">${cur ? '▶' : ''}</td><td class="addr">${hex(l.pc)}</td><td class="bytes" title="${l.bytes}">${l.bytes.length > 12 ? l.bytes.slice(0, 11) + '…' : l.bytes}</td>`
      + `<td class="ins">${esc(l.text)}</td><td class="src">${l.line ? `:${l.line}` : ''}</td><td class="note">${note ? esc(note) : ''}</td></tr>`;
  });
  return `<div class="asm-header">${f.header.map((h) => `<div>${esc(h)}</div>`).join('')}</div><table class="asm-table">${rows.join('')}</table>`;
}

/** The pc of the instruction just before `pc` in f (the CALL whose return address it is). */
export function instBefore(f: FuncView, pc: number): number | null {
  let prev: number | null = null;
  for (const l of f.lines) { if (l.pc >= pc) return prev; prev = l.pc; }
  return prev;
}

export function adjustTableHTML(p: Picture, limit = 40): string {
  if (!p.copy) return '';
  const delta = p.copy.delta;
  if (p.adjusted === 0) return '<p class="none">No pointer into the stack needed adjusting.</p>';
  const rows = p.adjusts.slice(0, limit).map((a) =>
    `<tr class="adj" data-addr="${hex(a.addr)}" data-from="${hex(a.from)}" data-to="${hex(a.to)}"><td>${esc(a.fn)}</td><td>${a.where}</td>`
    + `<td class="mono">${hex(a.addr)} → ${hex(a.addr + delta)}</td><td class="mono"><span class="old">${hex(a.from)}</span> → <span class="new">${hex(a.to)}</span></td></tr>`);
  const more = p.adjusted > limit ? `<tr><td colspan="4" class="more">… and ${p.adjusted - limit} more adjusted pointers</td></tr>` : '';
  return `<table class="adj-table"><thead><tr><th>frame</th><th>in</th><th>slot (old → new)</th><th>value (old → new)</th></tr></thead><tbody>${rows.join('')}${more}</tbody></table>`;
}

/** One line on what happened: the failed check, the sizes, the distance. */
export function summaryHTML(p: Picture, phase: 'morestack' | 'copy', n: number): string {
  const ms = p.morestack;
  const parts = [`<b>#${n}</b> <code>${esc(p.fn)}</code>'s split check failed: SP <code>${hex(ms.sp)}</code>, stackguard0 <code>${p.old.guard.addr === null ? p.old.guard.label : hex(p.old.guard.addr)}</code>; morestack saved g.sched.pc <code>${hex(ms.schedPC)}</code>, caller <code>${esc(ms.caller)}</code>.`];
  if (phase === 'copy' && p.grow && p.copy) {
    parts.push(p.grow.forced
      ? `newstack moved the ${p.grow.oldSize}-byte stack without growing it (--stackforcemove).`
      : `newstack doubled the stack: ${p.grow.oldSize} → ${p.grow.newSize} bytes.`);
    parts.push(`copystack moved ${p.copy.used} bytes by ${p.copy.delta >= 0 ? '+' : '−'}${hex(Math.abs(p.copy.delta))} and adjusted ${p.adjusted} pointer${p.adjusted === 1 ? '' : 's'}.`);
    if (p.resume) parts.push(`${esc(p.resume.fn)} resumes at <code>${hex(p.resume.pc)}</code>${p.resume.atStart ? ' (its start: the check runs again)' : ' (past its check)'}.`);
  } else if (phase === 'copy') {
    parts.push('This growth did not copy the stack.');
  }
  return parts.join(' ');
}

/** Compile errors as `file:line:col: message` links, with the source line and caret. */
export function diagnosticsHTML(diags: Diag[]): string {
  return diags.map((d) => {
    const [first, ...rest] = d.text.split('\n');
    const loc = first!.slice(0, first!.indexOf(': '));
    return `<div class="diag"><a href="#" class="diag-loc" data-line="${d.line}" data-col="${d.col}">${esc(loc)}</a>${esc(first!.slice(loc.length))}\n${esc(rest.join('\n'))}</div>`;
  }).join('');
}
