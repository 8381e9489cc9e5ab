// The playground in a real Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser is downloaded), served by `gorun serve` from
// the bundle. The stack picture is held against the observer events of the
// same program run with the run API here; a runaway program must leave the
// page responsive; a compile error shows file:line:col. Screenshots go to
// dist/screenshots/ for a person to look at (they are not compared).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { ARCHES, type Arch } from '../isa/target.js';
import type { RuntimeEvent } from '../runtime/events.js';
import { hex } from '../runtime/format.js';
import { runImage } from '../runtime/run.js';

const ROOT = new URL('..', import.meta.url).pathname;
// GORUN_CHROMIUM only lets the skip be tried on a machine that has chromium.
const CHROMIUM = process.env.GORUN_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, 'dist/screenshots');
const HAVE = existsSync(CHROMIUM);
if (!HAVE) console.log(`browser tests skipped: no ${CHROMIUM} (install it with: apt-get install chromium)`);

type Ev<K extends RuntimeEvent['k']> = Extract<RuntimeEvent, { k: K }>;

/** The events of each stack growth of growstack.gasm on arch, from the run API. */
function growths(arch: Arch): RuntimeEvent[][] {
  const img = compile(readFileSync(join(ROOT, 'examples/growstack.gasm'), 'utf8'), 'growstack.gasm', arch).image!;
  const out: RuntimeEvent[][] = [];
  runImage(img, { stderr: () => {}, observer: (e) => { if (e.k === 'morestack') out.push([]); out[out.length - 1]?.push(e); } });
  return out;
}

/** What the page drew: both bands with their marks, frames and arrows (from the SVG's data attributes). */
async function picture(page: Page) {
  return page.evaluate(() => [...document.querySelectorAll('#stack g.band')].map((b) => {
    const d = (b as SVGElement).dataset;
    return {
      side: b.classList.contains('old') ? 'old' : 'new', lo: d.lo, hi: d.hi, sp: d.sp, guard: d.guard,
      frames: [...b.querySelectorAll('g.frame')].map((f) => { const x = (f as SVGElement).dataset; return { fn: x.fn, sp: x.sp, fp: x.fp }; }),
      arrows: [...b.querySelectorAll('g.ptr')].map((p) => { const x = (p as SVGElement).dataset; return `${x.addr}->${x.target}`; }).sort(),
      hidden: Number((b.querySelector('.hidden-ptrs') as SVGElement | null)?.dataset.hidden ?? 0),
    };
  }));
}

/** The frames the picture shows: all, or the 5 innermost and 2 outermost of a deep stack (web/stackview.ts). */
const shownFrames = <T>(fs: T[]) => (fs.length <= 9 ? fs : [...fs.slice(0, 5), ...fs.slice(fs.length - 2)]);

async function setSource(page: Page, src: string) {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(src);
}

const phase = (page: Page) => page.evaluate(() => document.body.dataset.phase);

describe.runIf(HAVE)('the playground in Chromium', () => {
  let server: ChildProcess;
  let url = '';
  let ctx: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = spawn(process.execPath, [join(ROOT, 'dist/gorun.cjs'), 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (c: Buffer) => { out += c; const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out); if (m) resolve(m[0]); });
      server.once('exit', (code) => reject(new Error(`gorun serve exited ${code}`)));
    });
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'gorun-chromium-')), {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1500, height: 950 },
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run'],
    });
    page = ctx.pages()[0] ?? await ctx.newPage();
  }, 60000);

  afterAll(async () => {
    await ctx?.close();
    server?.kill();
  });

  it('gorun serve answers on loopback and refuses a port that is taken', async () => {
    const port = new URL(url).port;
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const p = spawn(process.execPath, [join(ROOT, 'dist/gorun.cjs'), 'serve', '--port', port], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr!.on('data', (c: Buffer) => { err += c; });
      p.on('exit', (code) => resolve({ code, err }));
    });
    expect(r).toEqual({ code: 1, err: `gorun: port ${port} on 127.0.0.1 is taken: choose another with --port N\n` });
  });

  it('loads in under a second', async () => {
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]');
    const ms = Date.now() - t0;
    writeFileSync(join(SHOTS, 'load-ms.txt'), `${ms}\n`);
    expect(ms).toBeLessThan(1000);
    expect(await page.$$eval('#example option', (os) => os.map((o) => o.textContent))).toContain('growstack.gasm');
  });

  for (const arch of ARCHES) {
    it(`${arch}: growstack runs, and the first copystack's picture is the run's own events`, async () => {
      await page.goto(url);
      await page.waitForSelector('body[data-ready="1"]');
      await page.selectOption('#example', 'growstack.gasm');
      await page.selectOption('#arch', arch);
      const ev = growths(arch);
      for (let n = 1; n <= 2; n++) {
        await page.click('#step-copy');
        await page.waitForSelector(`#stack[data-growth="${n}"][data-phase="copy"]`, { timeout: 20000 });
        const g = ev[n - 1]!;
        const ms = g.find((e) => e.k === 'morestack') as Ev<'morestack'>;
        const copy = g.find((e) => e.k === 'copy') as Ev<'copy'>;
        const resume = g.find((e) => e.k === 'resume') as Ev<'resume'>;
        const adjusts = g.filter((e): e is Ev<'adjust'> => e.k === 'adjust');
        const [old, nw] = await picture(page);
        const frames = (d: number) => shownFrames(copy.frames.filter((f) => f.sp >= copy.oldLo && f.sp < copy.oldHi)).map((f) => ({ fn: f.fn, sp: hex(f.sp + d), fp: hex(f.fp + d) }));
        const sorted = (fs: { sp?: string; fp?: string }[]) => [...fs].sort((a, b) => (`${a.sp}${a.fp}` < `${b.sp}${b.fp}` ? -1 : 1));
        expect(old).toMatchObject({ side: 'old', lo: hex(copy.oldLo), hi: hex(copy.oldHi), sp: hex(ms.sp), guard: hex(ms.guard) });
        expect(nw).toMatchObject({ side: 'new', lo: hex(copy.newLo), hi: hex(copy.newHi), sp: hex(resume.sp), guard: hex(resume.guard) });
        expect(sorted(old!.frames)).toEqual(sorted(frames(0)));
        expect(sorted(nw!.frames)).toEqual(sorted(frames(copy.delta)));
        // Every adjusted pointer is an arrow, or counted among those in hidden frames.
        const oldArrows = adjusts.map((a) => `${hex(a.addr)}->${hex(a.from)}`).sort();
        const newArrows = adjusts.map((a) => `${hex(a.addr + copy.delta)}->${hex(a.to)}`).sort();
        expect(old!.arrows.every((a) => oldArrows.includes(a))).toBe(true);
        expect(nw!.arrows.every((a) => newArrows.includes(a))).toBe(true);
        expect(old!.arrows.length + old!.hidden).toBe(adjusts.length);
        expect(nw!.arrows.length + nw!.hidden).toBe(adjusts.length);
        expect(old!.arrows.length).toBeGreaterThan(0);
        const rows = await page.$$eval('#adjusts tr.adj', (rs) => rs.map((r) => `${(r as HTMLElement).dataset.from}->${(r as HTMLElement).dataset.to}`));
        expect(rows).toEqual(adjusts.map((a) => `${hex(a.from)}->${hex(a.to)}`));
        // The disassembly is the failing function's, at its resume pc, prologue marked.
        expect(await page.$eval('#func', (s) => (s as HTMLSelectElement).value)).toBe(ms.fn);
        expect(await page.$eval('#disasm tr.current', (r) => (r as HTMLElement).dataset.pc)).toBe(hex(resume.pc));
        expect(await page.$$eval('#disasm tr.prologue', (r) => r.length)).toBeGreaterThan(2);
        await page.screenshot({ path: join(SHOTS, `copystack-${n}-${arch}.png`) });
      }
      await page.click('#run');
      await page.waitForSelector('body[data-phase="done"]', { timeout: 30000 });
      expect(await page.textContent('#output')).toBe('ok 10001\n');
      expect(await page.textContent('#status')).toMatch(new RegExp(`^Exited with status 0 after [\\d,]+ instructions; ${ev.length} stack growths`));
      expect(await page.getAttribute('#trace', 'href')).toMatch(/^blob:/);
      await page.screenshot({ path: join(SHOTS, `done-${arch}.png`) });
    }, 60000);
  }

  it('step to morestack shows the failed check: the old stack, SP and stackguard0, the call to morestack', async () => {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]');
    await page.selectOption('#example', 'frames.gasm');
    await page.click('#step-morestack');
    await page.waitForSelector('#stack[data-phase="morestack"]');
    const img = compile(readFileSync(join(ROOT, 'examples/frames.gasm'), 'utf8'), 'frames.gasm', 'amd64').image!;
    let ms: Ev<'morestack'> | null = null;
    runImage(img, { stderr: () => {}, observer: (e) => { if (e.k === 'morestack') ms ??= e; } });
    const [old, nw] = await picture(page);
    expect(nw).toBeUndefined();
    expect(old).toMatchObject({ sp: hex(ms!.sp), guard: hex(ms!.guard) });
    expect(await page.$eval('#disasm tr.current .ins', (r) => r.textContent)).toMatch(/^CALL runtime\.morestack/);
    await page.screenshot({ path: join(SHOTS, 'morestack-amd64.png') });
  });

  it('a runaway loop is stopped by its bound, and the page answers while it runs', async () => {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]');
    await setSource(page, 'TEXT main.main()\nloop:\n    ADD $1, R0\n    JMP loop\n');
    await page.fill('#max-steps', '3000000000');
    await page.click('#run');
    await page.waitForFunction(() => /Running/.test(document.querySelector('#status')!.textContent!));
    // The page is responsive: a click works while the worker runs.
    const open = await page.$eval('#explain-box', (d) => (d as HTMLDetailsElement).open);
    const t0 = Date.now();
    await page.click('#explain-box summary');
    expect(await page.$eval('#explain-box', (d) => (d as HTMLDetailsElement).open)).toBe(!open);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await phase(page)).toBe('running');
    await page.screenshot({ path: join(SHOTS, 'runaway-running.png') });
    await page.waitForSelector('body[data-phase="done"]', { timeout: 60000 });
    expect(await page.textContent('#output')).toBe('gorun: the program ran for more than 3000000000 instructions (--max-steps)\n');
    expect(await page.textContent('#status')).toMatch(/^Stopped by a bound \(exit status 3\)/);
  }, 90000);

  it('with no bound, Stop ends a runaway recursion', async () => {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]');
    await setSource(page, 'TEXT main.f()\n    LOCAL pad [64]byte\n    CALL main.f()\n    RET\n\nTEXT main.main()\n    CALL main.f()\n    RET\n');
    await page.fill('#max-steps', '');
    await page.click('#run');
    await page.waitForFunction(() => /Running/.test(document.querySelector('#status')!.textContent!));
    await page.waitForTimeout(300);
    expect(await phase(page)).toBe('running');
    await page.click('#stop');
    await page.waitForSelector('body[data-phase="done"]', { timeout: 5000 });
    expect(await page.textContent('#status')).toMatch(/^Stopped/);
    expect(await page.textContent('#output')).toMatch(/gorun: stopped from the page/);
    await page.screenshot({ path: join(SHOTS, 'stopped.png') });
  }, 30000);

  it('a compile error shows file:line:col, as the compiler reports it', async () => {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]');
    const src = 'TEXT main.main()\n    MOV $1, R9\n    RET\n';
    await setSource(page, src);
    await page.click('#run');
    await page.waitForSelector('#output .diag');
    const want = compile(src, 'prog.gasm', 'amd64').diagnostics.map((d) => `prog.gasm:${d.pos.line}:${d.pos.col}`);
    expect(want.length).toBeGreaterThan(0);
    expect(await page.$$eval('#output a.diag-loc', (as) => as.map((a) => a.textContent))).toEqual(want);
    expect(await page.textContent('#status')).toMatch(/does not compile/);
    await page.screenshot({ path: join(SHOTS, 'compile-error.png') });
  });

  it('a shared link opens the same program and settings', async () => {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]');
    await setSource(page, 'TEXT main.main()\n    PRINTLN $"shared é"\n    RET\n');
    await page.selectOption('#arch', 'arm');
    await page.check('#stackpoison');
    await page.click('#share');
    const link = page.url();
    expect(link).toMatch(/#.*p=/);
    const other = await ctx.newPage();
    await other.goto(link);
    await other.waitForSelector('body[data-ready="1"]');
    expect(await other.$eval('#arch', (s) => (s as HTMLSelectElement).value)).toBe('arm');
    expect(await other.$eval('#stackpoison', (c) => (c as HTMLInputElement).checked)).toBe(true);
    await other.click('#run');
    await other.waitForSelector('body[data-phase="done"]');
    expect(await other.textContent('#output')).toBe('shared é\n');
    await other.close();
  });

  it('works from the file system (file://), the worker and examples bundled', async () => {
    await page.goto(`file://${join(ROOT, 'dist/web/index.html')}`);
    await page.waitForSelector('body[data-ready="1"]');
    await page.click('#run');
    await page.waitForSelector('body[data-phase="done"]', { timeout: 30000 });
    expect(await page.textContent('#output')).toBe('ok 10001\n');
  });
});
