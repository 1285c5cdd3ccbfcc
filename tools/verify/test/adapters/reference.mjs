// The reference as a third-party ES module adapter.
import ref from '../../../../dist/impl/reference.js';
export default { name: 'reference via ESM', conv: ref.reference.conv, convTranspose: ref.reference.convTranspose };
