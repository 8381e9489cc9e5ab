// npm's `prepare` script: build dist/ (cli/build.mjs), which needs esbuild,
// a devDependency. After `npm ci` it is there. `npm install -g .` in a fresh
// clone runs `prepare` in the clone without installing anything first, so
// then this installs the devDependencies (without scripts, which would run
// `prepare` again) and builds. The package itself (npm pack) ships dist/
// built, so installing it needs nothing.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function haveEsbuild() {
  try {
    await import('esbuild');
    return true;
  } catch {
    return false;
  }
}

// An outer `npm install -g --prefix P .` hands its settings to scripts in the
// environment: the inner install is of this folder, so it must not inherit them.
const OUTER = /^npm_config_(global|prefix|location|omit|include|production|only|dev|also|save.*)$/i;
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !OUTER.test(k)));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`prepare: ${[cmd, ...args].join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
}

if (!(await haveEsbuild())) {
  console.error('prepare: esbuild (a devDependency) is not installed: installing the devDependencies to build dist/');
  const npm = process.env.npm_execpath;
  if (npm) run(process.execPath, [npm, 'install', '--no-save', '--ignore-scripts', '--include=dev', '--no-audit', '--no-fund']);
  else run('npm', ['install', '--no-save', '--ignore-scripts', '--include=dev', '--no-audit', '--no-fund']);
}
run(process.execPath, [join(root, 'cli/build.mjs')]);
