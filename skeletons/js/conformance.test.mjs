// convspec inside your own vitest run (written by `convspec init js`): one test per clause of the
// spec and per fixture family. `npx vitest run conformance.test.mjs`
import { fileURLToPath } from 'node:url';
import { describeConformance } from 'convspec/vitest';

// A module target runs in its own process, as `npx convspec verify ./conv-adapter.mjs` does: a crash
// or a hang in the kernel is reported, not fatal to the test run.
describeConformance({ kind: 'module', path: fileURLToPath(new URL('./conv-adapter.mjs', import.meta.url)) });
