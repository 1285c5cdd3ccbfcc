#!/usr/bin/env node
'use strict';
// The CLI is compiled TypeScript; `npm ci` builds it (the `prepare` script).
let main;
try {
  main = require('../dist/tools/cli/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/tools/cli/main')) {
    process.stderr.write('convspec: the CLI is not built yet; run `npm run build` (npm ci does it for you).\n');
    process.exit(2);
  }
  throw err;
}
main.run(process.argv).then((code) => { process.exitCode = code; }, (err) => {
  process.stderr.write(`convspec: internal error: ${err && err.stack ? err.stack : String(err)}\n`);
  process.exitCode = 2;
});
