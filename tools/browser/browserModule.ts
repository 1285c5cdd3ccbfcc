/**
 * What a browser target loads in the page. A type of its own, apart from browserSubject.ts, so that
 * VerifyTarget (part of the public `convspec/verify` types) names it without pulling in the browser
 * driver's types (playwright-core's, which need @types/node) into a user's type check.
 */

/** A user's module file (and the export to use), or one of convspec's bundled browser adapters by name. */
export type BrowserModule = { file: string; exportName?: string } | { bundled: string };
