// Static named imports: these fail at link time unless Node detects the names in the CommonJS files.
import { reference, isConvSpecError } from 'convspec';
import { verifyTarget, REPORT_SCHEMA, formatReport } from 'convspec/verify';
import { validCase, invalidCase, INVALID_INPUT_CODES } from 'convspec/arbitraries';
import { expectedWithBound, findMismatch } from 'convspec/tolerance';
import fc from 'fast-check';
import check from './check.cjs';

const mods = {};
for (const s of ['convspec', 'convspec/verify', 'convspec/arbitraries', 'convspec/tolerance', 'convspec/vitest']) mods[s] = await import(s);
const linked = [reference, isConvSpecError, verifyTarget, REPORT_SCHEMA, formatReport, validCase, invalidCase, INVALID_INPUT_CODES, expectedWithBound, findMismatch].every((v) => v !== undefined);
const result = await check(mods, fc);
process.stdout.write(JSON.stringify({ ...result, linked }));
