// docs/guide.md shows real command lines with their real output: each ```sh
// block followed by a ```text block is run here (in the repository, with
// gorun the built bundle) and its output must begin with the text shown, up
// to a line `…` where the guide cuts it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const BIN = `${root}dist/gorun.cjs`;
const guide = readFileSync(`${root}docs/guide.md`, 'utf8');
const pairs = [...guide.matchAll(/```sh\n([^\n]+)\n```\n\n```text\n([\s\S]*?)```/g)].map((m) => ({ cmd: m[1]!, text: m[2]! }));

describe('docs/guide.md: every command prints what the guide shows', () => {
  it('has its walk-through', () => expect(pairs.length).toBeGreaterThanOrEqual(5));
  for (const { cmd, text } of pairs) {
    it(cmd, () => {
      const r = spawnSync('bash', ['-c', `gorun() { node '${BIN}' "$@"; }; ${cmd}`], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
      const want = text.split('\n…')[0]!.replace(/\n$/, '');
      const got = (r.stdout + (cmd.includes('2>') ? '' : r.stderr)).split('\n').slice(0, want.split('\n').length).join('\n');
      expect(got).toBe(want);
    });
  }
});
