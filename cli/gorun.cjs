#!/usr/bin/env node
// The gorun command. It runs the bundled CLI (gorun-main.cjs, built from
// cli/main.ts) with V8's code cache for it (gorun-main.cache, written by the
// build after a training run), so that a start does not compile the bundle's
// functions again: about 10 ms of every run. A missing or stale cache (another
// Node.js) only means V8 compiles as usual.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { wrap } = require('node:module');

const file = path.join(__dirname, 'gorun-main.cjs');
const cacheFile = path.join(__dirname, 'gorun-main.cache');
let cachedData;
try { cachedData = fs.readFileSync(cacheFile); } catch { cachedData = undefined; }
const script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
// The build's training run: keep what V8 compiled, lazily compiled functions included.
if (process.env.GORUN_WRITE_CODE_CACHE === '1') {
  process.once('exit', () => fs.writeFileSync(cacheFile, script.createCachedData()));
}
const mod = { exports: {}, filename: file, id: file, loaded: false };
script.runInThisContext()(mod.exports, require, mod, file, __dirname);
