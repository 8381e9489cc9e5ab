// `gorun matrix examples/*.gasm tests/gasm/**/*.gasm` must pass (and so must
// tests/programs/, programs without a Go counterpart): every program on every
// target meets its // expect lines.
import { expect, it } from 'vitest';
import { formatMatrix, runMatrix } from '../cli/matrix.js';
import { ARCHES } from '../isa/target.js';
import { gasmFiles } from './helpers/gasmFiles.js';

it('gorun matrix passes on examples/ and tests/gasm/', () => {
  const root = new URL('..', import.meta.url).pathname;
  const files = [...gasmFiles(`${root}examples`), ...gasmFiles(`${root}tests/gasm`), ...gasmFiles(`${root}tests/programs`), ...gasmFiles(`${root}tests/gostack`)];
  expect(files.length).toBeGreaterThanOrEqual(8);
  const rows = runMatrix(files, ARCHES);
  const failed = rows.flatMap((r) => [...r.cells.entries()].filter(([, c]) => !c.ok).map(([a]) => `${r.file} [${a}]`));
  expect(failed, formatMatrix(rows, ARCHES)).toEqual([]);
}, 300_000);
