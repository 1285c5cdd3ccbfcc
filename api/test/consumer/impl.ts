// A correct adapter as a user's TypeScript module (run by `convspec verify ./impl.ts`, transpiled by
// convspec's own TypeScript; type-checked by tsconfig.json like the other consumer files).
import { reference, type Implementation } from 'convspec';

const adapter: Implementation = { name: 'reference from TypeScript', conv: reference.conv, convTranspose: reference.convTranspose };
export default adapter;
