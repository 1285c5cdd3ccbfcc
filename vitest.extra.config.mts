import { configDefaults, defineConfig } from 'vitest/config';
import base, { BROWSER_TESTS, CATALOGUE_TESTS, PACKAGE_TESTS } from './vitest.config.mjs';

/**
 * The tests kept out of `npm test` for their cost (vitest.config.mts: PACKAGE_TESTS, BROWSER_TESTS,
 * CATALOGUE_TESTS): the package as users get it (`npm pack`, an offline install of the tarball into a
 * fresh project, then the CLI, the subpaths, the types and describeConformance from there), the browser
 * host in a real Chromium, and the fault catalogue through the real verifier. `npm run test:package`,
 * `test:browser` and `test:catalogue` run one set each (after a build); .ci/run runs all three on every
 * landing, after npm test, so a broken tarball, browser host or catalogue verdict still fails CI.
 */
export default defineConfig({
  ...base,
  test: { ...base.test, include: [...PACKAGE_TESTS, ...BROWSER_TESTS, ...CATALOGUE_TESTS], exclude: configDefaults.exclude },
});
