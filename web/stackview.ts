// Draws the stack picture (web/stackmodel.ts) as SVG: each stack a vertical
// band, high addresses at the top, with hi, SP, stackguard0 and lo marked,
// one box per frame (function, frame size fp − sp, arguments) and each
// adjusted pointer as an arrow from the slot that holds it to where it
// points. The address axis is compressed (frames and free space get heights
// that read well, not to scale); the addresses are printed. Every element
// carries its addresses in data-* attributes, which the browser tests read.
import { hex } from '../runtime/format.js';
import type { Arrow, Band, FrameBox, Picture } from './stackmodel.js';

/** How the page names a function's arguments (from its FuncView). */
export type ArgsOf = (fn: string) => string;

const SHOW_INNER = 5, SHOW_OUTER = 2;
const LABEL_W = 172, BAND_W = 215, ARROW_W = 58, TOP = 40, GAP = 36;

interface Seg { a: number; b: number; y: number; h: number; kind: 'frame' | 'elided' | 'free' | 'guard' | 'other'; frame?: FrameBox; first?: boolean }

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** The frames drawn, and the address range of those left out. */
function visible(frames: FrameBox[]): { shown: FrameBox[]; elided: { a: number; b: number; n: number; bytes: number } | null } {
  if (frames.length <= SHOW_INNER + SHOW_OUTER + 2) return { shown: frames, elided: null };
  const inner = frames.slice(0, SHOW_INNER), outer = frames.slice(frames.length - SHOW_OUTER);
  const hidden = frames.slice(SHOW_INNER, frames.length - SHOW_OUTER);
  const a = hidden[0]!.sp, b = hidden[hidden.length - 1]!.fp;
  return { shown: [...inner, ...outer], elided: { a, b, n: hidden.length, bytes: b - a } };
}

function segments(band: Band, shown: FrameBox[], elided: { a: number; b: number } | null): Seg[] {
  const pts = new Set<number>([band.lo, band.hi]);
  const inside = (x: number) => x >= band.lo && x <= band.hi;
  if (inside(band.sp)) pts.add(band.sp);
  if (band.guard.addr !== null && inside(band.guard.addr)) pts.add(band.guard.addr);
  for (const f of shown) { if (inside(f.sp)) pts.add(f.sp); if (inside(f.fp)) pts.add(f.fp); }
  if (elided) { pts.add(elided.a); pts.add(elided.b); }
  const sorted = [...pts].sort((x, y) => y - x);
  const segs: Seg[] = [];
  let y = TOP;
  const innermost = shown[0];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const b = sorted[i]!, a = sorted[i + 1]!, mid = (a + b) / 2, size = b - a;
    const frame = shown.find((f) => f.sp <= mid && mid < f.fp);
    let s: Seg;
    if (frame) s = { a, b, y, h: clamp(10 + Math.sqrt(size) * 0.8, 22, 36), kind: 'frame', frame, first: frame === innermost };
    else if (elided && elided.a <= mid && mid < elided.b) s = { a, b, y, h: 34, kind: 'elided' };
    else if (mid < band.sp && band.guard.addr !== null && mid < band.guard.addr) s = { a, b, y, h: 24, kind: 'guard' };
    else if (mid < band.sp) s = { a, b, y, h: clamp(Math.log2(size) * 6, 30, 96), kind: 'free' };
    else s = { a, b, y, h: clamp(6 + Math.sqrt(size), 10, 26), kind: 'other' };
    segs.push(s);
    y += s.h;
  }
  return segs;
}

/** The y of an address on the compressed axis (null outside the band). */
function yOf(segs: Seg[], addr: number): number | null {
  for (const s of segs) if (addr >= s.a && addr <= s.b) return s.y + ((s.b - addr) / (s.b - s.a)) * s.h;
  return null;
}

function drawBand(band: Band, x0: number, argsOf: ArgsOf, side: 'old' | 'new'): { svg: string; height: number } {
  const { shown, elided } = visible(band.frames);
  const segs = segments(band, shown, elided);
  const bx = x0 + LABEL_W;
  const out: string[] = [];
  out.push(`<g class="band ${side}" data-lo="${hex(band.lo)}" data-hi="${hex(band.hi)}" data-sp="${hex(band.sp)}" data-guard="${band.guard.addr === null ? band.guard.label : hex(band.guard.addr)}">`);
  out.push(`<text class="band-title" x="${bx + BAND_W / 2}" y="${TOP - 26}" text-anchor="middle">${esc(band.title)}</text>`);
  // A mark inside a frame (stackguard0, SP) splits it into segments: the frame is labelled once.
  const labelled = new Set<FrameBox>();
  for (const s of segs) {
    const cls = s.kind === 'frame' ? `seg frame${s.first ? ' current' : ''}` : `seg ${s.kind}`;
    out.push(`<rect class="${cls}" x="${bx}" y="${s.y.toFixed(1)}" width="${BAND_W}" height="${s.h.toFixed(1)}"/>`);
    const cy = s.y + s.h / 2 + 4;
    if (s.kind === 'frame' && s.frame && !labelled.has(s.frame)) {
      labelled.add(s.frame);
      const f = s.frame, args = argsOf(f.fn);
      out.push(`<g class="frame" data-fn="${esc(f.fn)}" data-sp="${hex(f.sp)}" data-fp="${hex(f.fp)}" data-size="${f.size}">`);
      const label = `${f.fn}  ${f.size} B${args ? `  (${args})` : ''}`;
      out.push(`<text class="frame-label" x="${bx + 8}" y="${cy.toFixed(1)}">${esc(label.length > 34 ? label.slice(0, 33) + '…' : label)}</text><title>${esc(`${f.fn}: frame [${hex(f.sp)}, ${hex(f.fp)}) = ${f.size} bytes (fp − sp), pc ${hex(f.pc)}${args ? `, args ${args}` : ''}`)}</title></g>`);
    } else if (s.kind === 'elided' && elided) {
      out.push(`<text class="seg-label" x="${bx + BAND_W / 2}" y="${cy.toFixed(1)}" text-anchor="middle">… ${elided.n} more frames, ${elided.bytes} bytes …</text>`);
    } else if (s.kind === 'free') {
      out.push(`<text class="seg-label" x="${bx + BAND_W / 2}" y="${cy.toFixed(1)}" text-anchor="middle">free: ${s.b - s.a} bytes</text>`);
    } else if (s.kind === 'guard') {
      out.push(`<text class="seg-label" x="${bx + BAND_W / 2}" y="${cy.toFixed(1)}" text-anchor="middle">guard area (${s.b - s.a} bytes)</text>`);
    }
  }
  // Zero-size frames (a function stopped at its entry on ARM) as a line.
  for (const f of shown.filter((f) => f.size === 0)) {
    const y = yOf(segs, f.sp);
    if (y !== null) out.push(`<g class="frame" data-fn="${esc(f.fn)}" data-sp="${hex(f.sp)}" data-fp="${hex(f.fp)}" data-size="0"><line class="frame-zero" x1="${bx}" x2="${bx + BAND_W}" y1="${y}" y2="${y}"/><text class="frame-label" x="${bx + 8}" y="${y - 4}">${esc(f.fn)} (no frame yet)</text></g>`);
  }
  const height = segs.length ? segs[segs.length - 1]!.y + segs[segs.length - 1]!.h : TOP;
  // Marks on the left: hi, SP, stackguard0, lo.
  const marks: { name: string; addr: number; cls: string }[] = [
    { name: 'hi', addr: band.hi, cls: 'mark-hi' }, { name: 'lo', addr: band.lo, cls: 'mark-lo' }, { name: 'SP', addr: band.sp, cls: 'mark-sp' },
  ];
  if (band.guard.addr !== null) marks.push({ name: 'stackguard0', addr: band.guard.addr, cls: 'mark-guard' });
  const placed: number[] = [];
  for (const m of marks.sort((p, q) => q.addr - p.addr)) {
    const y = yOf(segs, m.addr);
    if (y === null) continue;
    let ly = y + 4;
    while (placed.some((p) => Math.abs(p - ly) < 13)) ly += 13;
    placed.push(ly);
    out.push(`<g class="mark ${m.cls}" data-addr="${hex(m.addr)}"><line x1="${x0 + LABEL_W - 8}" x2="${bx + BAND_W}" y1="${y}" y2="${y}"/><text x="${x0 + LABEL_W - 12}" y="${ly}" text-anchor="end">${m.name} ${hex(m.addr)}</text></g>`);
  }
  if (band.guard.addr === null) {
    out.push(`<text class="mark mark-guard sentinel" x="${bx + BAND_W / 2}" y="${height + 18}" text-anchor="middle" data-guard="${band.guard.label}">stackguard0 = ${band.guard.label} (every check fails)</text>`);
  }
  out.push(drawArrows(band.arrows, segs, bx + BAND_W, side));
  out.push('</g>');
  return { svg: out.join(''), height };
}

function drawArrows(arrows: Arrow[], segs: Seg[], x: number, side: 'old' | 'new'): string {
  const out: string[] = [];
  let hidden = 0, k = 0;
  for (const a of arrows) {
    const y1 = yOf(segs, a.addr), y2 = yOf(segs, a.target);
    const inElided = (v: number) => segs.some((s) => s.kind === 'elided' && v > s.a && v < s.b);
    if (y1 === null || y2 === null || inElided(a.addr) || inElided(a.target)) { hidden++; continue; }
    const bulge = 18 + Math.min(ARROW_W - 22, Math.abs(y2 - y1) * 0.25) + (k++ % 3) * 4;
    out.push(`<g class="ptr ${side}" data-fn="${esc(a.fn)}" data-where="${a.where}" data-addr="${hex(a.addr)}" data-target="${hex(a.target)}">`
      + `<circle cx="${x - 4}" cy="${y1.toFixed(1)}" r="3"/>`
      + `<path d="M ${x - 4} ${y1.toFixed(1)} C ${x + bulge} ${y1.toFixed(1)}, ${x + bulge} ${y2.toFixed(1)}, ${x + 1} ${y2.toFixed(1)}" marker-end="url(#arrow-${side})"/>`
      + `<title>${esc(`${a.fn}'s ${a.where} at ${hex(a.addr)} points to ${hex(a.target)}`)}</title></g>`);
  }
  if (hidden > 0) out.push(`<text class="seg-label hidden-ptrs" x="${x - BAND_W / 2}" y="${TOP - 10}" text-anchor="middle" data-hidden="${hidden}">${hidden} more pointer${hidden === 1 ? '' : 's'} in hidden frames</text>`);
  return out.join('');
}

/** The whole picture: the old stack, and beside it the new one when the growth copied. */
export function stackSVG(p: Picture, argsOf: ArgsOf): string {
  const bandW = LABEL_W + BAND_W + ARROW_W;
  const old = drawBand(p.old, 0, argsOf, 'old');
  const nw = p.new ? drawBand(p.new, bandW + GAP, argsOf, 'new') : null;
  const width = nw ? 2 * bandW + GAP : bandW;
  const height = Math.max(old.height, nw?.height ?? 0) + 30;
  const defs = ['old', 'new'].map((s) => `<marker id="arrow-${s}" class="arrowhead ${s}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker>`).join('');
  const move = nw && p.copy ? `<text class="move-label" x="${bandW + GAP / 2}" y="${TOP + 40}" text-anchor="middle">→</text>` : '';
  return `<svg class="stack-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><defs>${defs}</defs>${old.svg}${move}${nw?.svg ?? ''}</svg>`;
}
