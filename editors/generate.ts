// `npm run grammar`: write editors/gasm.tmLanguage.json from the token list
// (run through esbuild by the npm script, so Node needs no TypeScript).
import { writeFileSync } from 'node:fs';
import { textMateGrammarFile } from '../web/tmgrammar.js';

writeFileSync('editors/gasm.tmLanguage.json', textMateGrammarFile());
console.log('wrote editors/gasm.tmLanguage.json');
