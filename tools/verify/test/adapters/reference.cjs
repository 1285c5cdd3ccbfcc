// The reference as a third-party CommonJS adapter (from the build: npm test builds first).
module.exports = require('../../../../dist/impl/reference.js').reference;
