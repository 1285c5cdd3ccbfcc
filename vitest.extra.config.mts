import { configDefaults, defineConfig } from 'vitest/config';
import base, { BROWSER_TESTS, PACKAGE_TESTS } from './vitest.config.mjs';

/**
 * The tests kept out of `npm test` for their cost (vitest.config.mts, PACKAGE_TESTS and BROWSER_TESTS):
 * the package as users get it (`npm pack`, an offline install of the tarball into a fresh project,
 * then the CLI, the subpaths, the types and describeConformance from there) and the browser host in
 * a real Chromium. `npm run test:package` and `npm run test:browser` run one set each (after a build);
 * .ci/run runs both on every landing, after npm test, so a broken tarball or browser host still fails CI.
 */
export default defineConfig({
  ...base,
  test: { ...base.test, include: [...PACKAGE_TESTS, ...BROWSER_TESTS], exclude: configDefaults.exclude },
});
