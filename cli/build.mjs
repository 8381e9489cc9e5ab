// Bundle the gorun command into one file (fast start-up), the package's bin.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // commander is CommonJS: give the ESM bundle a require().
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __gorunRequire } from 'node:module';\nconst require = __gorunRequire(import.meta.url);" },
  logLevel: 'warning',
};
await build({ ...common, entryPoints: ['cli/main.ts'], outfile: 'dist/gorun.js' });
await build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' });
chmodSync('dist/gorun.js', 0o755);
