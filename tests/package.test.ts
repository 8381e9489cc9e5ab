// The npm package (package.json `files`): what `npm pack` puts in it, and that
// the tarball installs, with nothing from the network (the bundle needs no
// dependency), into a fresh prefix where `gorun` runs an example from the
// package. Packs the tree npm test has just built, without scripts (no
// rebuild under the other tests' feet). The whole path from a fresh clone
// (prepare installing esbuild, building, packing; `npm install -g .`) needs
// the network and is .ci/package.sh's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const npm = (args: string[], cwd = root) => spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

it('npm pack ships the bundle, the examples, the docs and the licence, and no sources or tests', () => {
  const r = npm(['pack', '--dry-run', '--json', '--ignore-scripts']);
  expect(r.status, r.stderr).toBe(0);
  const [pack] = JSON.parse(r.stdout) as [{ name: string; files: { path: string }[] }];
  expect(pack.name).toBe('gorun-vm');
  const files = pack.files.map((f) => f.path).sort();
  for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/gorun.cjs', 'dist/gorun-main.cjs', 'dist/gorun-main.cache', 'examples/growstack.gasm', 'examples/README.md', 'docs/cli.md', 'docs/gasm.md', 'docs/guide.md']) {
    expect(files).toContain(f);
  }
  expect(files.filter((f) => /^(cli|runtime|compiler|tests|fuzz|bench)\/|dist\/(fuzz|bench)/.test(f))).toEqual([]);
}, 60_000);

it('the tarball installs offline into a fresh prefix, and its gorun runs the packaged examples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gorun-pack-'));
  const packed = npm(['pack', '--ignore-scripts', '--pack-destination', dir]);
  expect(packed.status, packed.stderr).toBe(0);
  const tgz = join(dir, packed.stdout.trim().split('\n').pop()!);
  const prefix = join(dir, 'prefix');
  const inst = npm(['install', '-g', '--prefix', prefix, '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tgz], dir);
  expect(inst.status, inst.stderr).toBe(0);
  const bin = join(prefix, 'bin', 'gorun');
  expect(existsSync(bin)).toBe(true);
  const where = spawnSync(bin, ['--examples'], { encoding: 'utf8' });
  expect(where.stdout.trim()).toBe(join(prefix, 'lib', 'node_modules', 'gorun-vm', 'examples'));
  const run = spawnSync(bin, [join(where.stdout.trim(), 'growstack.gasm')], { encoding: 'utf8' });
  expect([run.status, run.stderr]).toEqual([0, 'ok 10001\n']);
}, 60_000);
