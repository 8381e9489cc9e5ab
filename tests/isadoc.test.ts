// docs/isa.md is derived from the ISA table; regenerate with UPDATE_GOLDEN=1.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { isaDocument } from '../isa/doc.js';

it('docs/isa.md matches the OPS table', () => {
  const file = new URL('../docs/isa.md', import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, isaDocument());
  expect(readFileSync(file, 'utf8')).toBe(isaDocument());
});
