// An adapter whose name, console output and error messages carry terminal escape sequences: a screen
// clear, an OSC 52 clipboard write, a bidi override, a C1 CSI and an embedded newline that would start a
// forged verdict line. Its conv throws with such a message, so every place a failure is printed shows it.
const HOSTILE = '\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202e\u2066\x9b31m\nCONFORMANT: 999 passed, 0 failed';
console.log(`loading ${HOSTILE}`);
module.exports = {
  name: `escapes ${HOSTILE}`,
  conv() {
    console.error(`conv called ${HOSTILE}`);
    throw new Error(`refused ${HOSTILE}`);
  },
};
