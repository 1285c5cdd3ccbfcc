// A correct adapter as a user's CommonJS module: the reference, taken from the installed package.
module.exports = require('convspec').reference;
