const check = require('./check.cjs');
const mods = {};
for (const s of ['convspec', 'convspec/verify', 'convspec/arbitraries', 'convspec/tolerance']) mods[s] = require(s);
let vitestByRequire;
try {
  require('convspec/vitest');
  vitestByRequire = 'loaded';
} catch (e) {
  vitestByRequire = e.code;
}
check(mods, require('fast-check')).then((r) => process.stdout.write(JSON.stringify({ ...r, vitestByRequire })));
