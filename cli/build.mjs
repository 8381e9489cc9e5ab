// Build: bundle the gorun command into one CommonJS file (fast start-up), the
// package's bin (cli/gorun.cjs) beside it, its V8 code cache, the benchmark,
// the fuzzer, and the playground (dist/web/: a static page, web/ and
// docs/playground.md).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };
await build({ ...common, format: 'cjs', entryPoints: ['cli/main.ts'], outfile: 'dist/gorun-main.cjs' });
copyFileSync('cli/gorun.cjs', 'dist/gorun.cjs');
chmodSync('dist/gorun.cjs', 0o755);

// The benchmark and the fuzzer are ES modules (they find the repository from
// import.meta.url); commander is CommonJS, so give them a require().
for (const [entry, outfile] of [['bench/bench.ts', 'dist/bench.js'], ['fuzz/fuzz.ts', 'dist/fuzz.js']]) {
  await build({
    ...common,
    format: 'esm',
    entryPoints: [entry],
    outfile,
    banner: { js: "import { createRequire as __gorunRequire } from 'node:module';\nconst require = __gorunRequire(import.meta.url);" },
  });
}

// The playground: the worker first (its code goes into the page as a string,
// run from a Blob, so that the page also works from file://), then the page
// with the examples bundled in. Everything is in the bundle: no CDN, no fetch.
const web = { bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, logLevel: 'warning', legalComments: 'none' };
const worker = await build({ ...web, entryPoints: ['web/worker.ts'], write: false });
const examples = readdirSync('examples').filter((f) => f.endsWith('.gasm')).sort()
  .map((name) => ({ name, source: readFileSync(`examples/${name}`, 'utf8') }));
const virtual = {
  name: 'gorun-virtual',
  setup(b) {
    b.onResolve({ filter: /^gorun:(examples|worker)$/ }, (a) => ({ path: a.path, namespace: 'gorun' }));
    b.onLoad({ filter: /.*/, namespace: 'gorun' }, (a) => ({
      loader: 'json',
      contents: JSON.stringify(a.path === 'gorun:worker' ? worker.outputFiles[0].text : examples),
    }));
  },
};
rmSync('dist/web', { recursive: true, force: true });
mkdirSync('dist/web', { recursive: true });
await build({ ...web, entryPoints: { playground: 'web/main.ts' }, outdir: 'dist/web', plugins: [virtual] });
copyFileSync('web/index.html', 'dist/web/index.html');
copyFileSync('web/style.css', 'dist/web/playground.css');

// Train the code cache on one short run (compile, then run on the default
// target), so the compiler, runtime and CLI functions a run needs are in it.
// (A cache trained on longer work, such as `gorun matrix`, measured slower to
// start.) Best effort: without a cache gorun only starts slower.
rmSync('dist/gorun-main.cache', { force: true });
const train = spawnSync(process.execPath, ['dist/gorun.cjs', 'examples/frames.gasm'], {
  env: { ...process.env, GORUN_WRITE_CODE_CACHE: '1' },
  encoding: 'utf8',
});
if (train.status !== 0) {
  rmSync('dist/gorun-main.cache', { force: true });
  console.warn(`build: no code cache (the training run failed: ${(train.stderr || train.stdout || '').trim().split('\n').pop()})`);
}
