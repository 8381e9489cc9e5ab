// The shape of the code, held against docs/architecture.md: no import cycle
// anywhere (type-only imports count: a reader follows them too), every
// source file listed with its role, the runtime's files importing only
// lower layers, the folders depending in one direction, and no comment
// sending a reader to a document the repository does not have (that no file
// points outside the repository at all is tests/robustness.test.ts's).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const SOURCE_DIRS = ['isa', 'abi', 'compiler', 'vm', 'runtime', 'cli', 'web', 'editors', 'tests', 'bench', 'fuzz'];
const LISTED_DIRS = ['isa', 'abi', 'compiler', 'vm', 'runtime', 'cli', 'web', 'editors', 'fuzz'];

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mjs|cjs)$/.test(e)) out.push(relative(ROOT, p));
  }
  return out;
}

const files = SOURCE_DIRS.flatMap((d) => walk(join(ROOT, d))).sort();

/** Relative imports of a file (static, re-exports, dynamic), as repository paths. */
function importsOf(file: string): string[] {
  const src = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...src.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g), ...src.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)]
    .map((m) => m[1]!);
  return specs.map((s) => relative(ROOT, resolve(dirname(join(ROOT, file)), s)).replace(/\.js$/, '.ts'));
}

type Graph = ReadonlyMap<string, readonly string[]>;

/** The import cycles of a graph: its strongly connected components with more than one node, or a self-import. */
export function cycles(graph: Graph): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>(), stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) !== idx.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do { w = stack.pop()!; onStack.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const graph: Graph = new Map(files.map((f) => [f, importsOf(f)]));

/** The files docs/architecture.md lists, with the runtime layer where it gives one. */
function listing(): Map<string, number | null> {
  const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const out = new Map<string, number | null>();
  for (const m of doc.matchAll(/^\|\s*(?:(\d+)\s*\|\s*)?`([\w/.-]+\.(?:ts|mjs|cjs))`\s*\|/gm)) {
    out.set(m[2]!, m[1] === undefined ? null : Number(m[1]));
  }
  return out;
}

describe('imports', () => {
  it('the cycle finder finds a cycle (a -> b -> c -> a) and a self-import, and nothing in a tree', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
    expect(cycles(new Map([['s', ['s']]]))).toEqual([['s']]);
    expect(cycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });

  it('no import cycle anywhere in the project', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(cycles(graph)).toEqual([]);
  });

  it('every import names a file that exists', () => {
    const missing = [...graph].flatMap(([f, deps]) => deps.filter((d) => !existsSync(join(ROOT, d))).map((d) => `${f} -> ${d}`));
    expect(missing).toEqual([]);
  });

  it('folders depend one way: isa <- abi <- compiler <- vm <- runtime <- cli', () => {
    // What each folder may import besides itself (vm and runtime read the Image's types).
    const allowed: Record<string, (dep: string) => boolean> = {
      isa: () => false,
      abi: (d) => d.startsWith('isa/'),
      compiler: (d) => /^(isa|abi)\//.test(d),
      vm: (d) => /^(isa|abi)\//.test(d) || d === 'compiler/image.ts',
      runtime: (d) => /^(isa|abi|vm)\//.test(d) || d === 'compiler/image.ts',
      // The page runs the core in a browser, and of cli/ only the host-neutral narration and trace.
      web: (d) => /^(isa|abi|compiler|vm|runtime)\//.test(d) || d === 'cli/explain.ts' || d === 'cli/trace.ts',
    };
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      const dir = f.split('/')[0]!;
      const ok = allowed[dir];
      if (!ok) continue;
      for (const d of deps) if (!d.startsWith(dir + '/') && !ok(d)) bad.push(`${f} -> ${d}`);
    }
    expect(bad).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  const listed = listing();

  it('lists every source file of the core and the command line, and only those', () => {
    const tree = files.filter((f) => LISTED_DIRS.includes(f.split('/')[0]!));
    expect([...listed.keys()].sort()).toEqual(tree);
  });

  it('runtime files import only files of lower layers', () => {
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      if (!f.startsWith('runtime/')) continue;
      const layer = listed.get(f);
      expect(layer, `${f} has a layer in docs/architecture.md`).toBeTypeOf('number');
      for (const d of deps.filter((x) => x.startsWith('runtime/'))) {
        if (!(listed.get(d)! < layer!)) bad.push(`${f} (layer ${layer}) imports ${d} (layer ${listed.get(d)})`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('comments cite only documents the repository has', () => {
  it('every *.md a source file names exists', () => {
    const bad: string[] = [];
    for (const f of files) {
      const src = readFileSync(join(ROOT, f), 'utf8');
      for (const m of src.matchAll(/\b((?:docs\/|tests\/[\w/]*|examples\/)?[\w.-]+\.md)\b/g)) {
        const name = m[1]!;
        const candidates = name.includes('/') ? [name] : [name, `docs/${name}`, join(dirname(f), name)];
        if (!candidates.some((c) => existsSync(join(ROOT, c)))) bad.push(`${f}: ${name}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
