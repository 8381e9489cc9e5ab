// The run API used by the CLI, the matrix and the tests.
import type { Image } from '../compiler/image.js';
import { Runtime, type RunOptions, type RunResult } from './runtime.js';

export type { RunOptions, RunResult };
export { NotImplemented } from './runtime.js';

/** Run main.main of img to completion (or a bound); output goes to opts.stderr. */
export function runImage(img: Image, opts: RunOptions): RunResult {
  return new Runtime(img, opts).run();
}
