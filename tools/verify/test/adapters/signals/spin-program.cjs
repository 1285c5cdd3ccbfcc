// A --cmd program (tests: hostileSignals.test.ts) that answers describe, then spins forever on its
// first compute request, after starting a grandchild (`sleep`) in its process group and leaving a file
// named spin-<pid> in $SIGNALS_READY_DIR. It ignores SIGTERM, SIGINT and SIGHUP and the end of its
// stdin, as a careless program might: only a SIGKILL of its process group ends it.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => undefined);
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  if (req.op === 'describe') {
    process.stdout.write(JSON.stringify({ id: req.id, name: 'spins forever over the protocol', supports: {} }) + '\n');
    return;
  }
  spawn('sleep', ['300'], { stdio: 'ignore' });
  fs.writeFileSync(path.join(process.env.SIGNALS_READY_DIR, `spin-${process.pid}`), '');
  for (;;) {
    // busy: the event loop never runs again
  }
});
