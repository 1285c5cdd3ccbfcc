// A module adapter (tests: hostileSignals.test.ts) whose every call spins forever on the host's main
// thread, after starting a grandchild (`sleep`) in the host's process group and leaving a file named
// spin-<pid> in $SIGNALS_READY_DIR to say it spins. Nothing short of a kill ends it.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function spin() {
  spawn('sleep', ['300'], { stdio: 'ignore' });
  fs.writeFileSync(path.join(process.env.SIGNALS_READY_DIR, `spin-${process.pid}`), '');
  for (;;) {
    // busy: the event loop never runs again
  }
}

module.exports = { name: 'spins forever', conv: spin, convTranspose: spin };
