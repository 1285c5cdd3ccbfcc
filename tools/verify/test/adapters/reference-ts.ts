// The reference as a TypeScript adapter (loaded through ts-node by the worker).
import type { Implementation } from '../../../../impl/types';
const { reference } = require('../../../../dist/impl/reference.js') as { reference: Implementation };
const adapter: Implementation = { name: 'reference via TypeScript', conv: reference.conv, convTranspose: reference.convTranspose };
export default adapter;
