/**
 * Every catalogue entry as a named export of one module, so any of them can be verified like a
 * third-party adapter, in a worker, through the CLI:
 *
 *   npx convspec verify dist/tools/faults/exports.js --export bias-ignored
 *
 * (The kebab-case ids are not JavaScript identifiers, so they are set on the CommonJS exports object.)
 */
import { catalogue } from './catalogue';

for (const entry of catalogue) (exports as Record<string, unknown>)[entry.id] = entry.impl;

/** The ids that can be passed to --export. */
export const ids = catalogue.map((e) => e.id);
