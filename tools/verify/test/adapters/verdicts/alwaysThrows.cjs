// A target that throws on every call (issue 21, item 4): nothing it is asked can pass, so any share
// that selected something fails it, and a share that selected nothing must not call it conformant.
const fail = () => {
  throw new Error('always throws');
};
module.exports = { name: 'always throws', conv: fail, convTranspose: fail };
