#!/usr/bin/env node
'use strict';
// The CLI is compiled TypeScript: the package ships it built; a checkout builds it with `npm run build`.
let main;
try {
  main = require('../dist/tools/cli/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/tools/cli/main')) {
    process.stderr.write('convspec: the CLI is not built yet; run `npm run build` (in a checkout of the repository, after `npm ci`).\n');
    process.exit(2);
  }
  throw err;
}
// A signal ends the run at once, exit status 128 + its number, with no report. The exit hooks close
// what was started: playwright kills its browser; adapter hosts and --cmd programs (process groups of
// their own) get SIGKILL, and --jobs job processes SIGTERM, so they end theirs (tools/verify/endOnExit.ts).
// Left to playwright's own SIGTERM handler, the browser would be closed and the run would take it for
// a crash and start a fresh one.
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.once(signal, () => {
    process.stderr.write(`\nconvspec: stopped by ${signal}\n`);
    process.exit(128 + number);
  });
}
main.run(process.argv).then((code) => { process.exitCode = code; }, (err) => {
  process.stderr.write(`convspec: internal error: ${err && err.stack ? err.stack : String(err)}\n`);
  process.exitCode = 2;
});
