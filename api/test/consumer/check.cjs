// Uses every subpath the way a user would; `mods` come from require (require.cjs) or import (import.mjs).
module.exports = async function check(mods, fc) {
  const cs = mods['convspec'];
  const verify = mods['convspec/verify'];
  const arb = mods['convspec/arbitraries'];
  const tol = mods['convspec/tolerance'];
  const names = {};
  for (const [subpath, m] of Object.entries(mods)) names[subpath] = Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort();

  const report = await verify.verifyTarget({ kind: 'implementation', implementation: cs.reference }, { clauses: ['conv.size.formula'] });
  const reportJson = JSON.parse(verify.reportToJson(report));

  // Valid cases: the reference runs them and its output is within its own bound; a perturbed output is not.
  const cases = fc.sample(arb.validCase('ConvTranspose', { maxRank: 2 }), { numRuns: 20, seed: 7 });
  let withinBound = 0;
  let perturbedCaught = 0;
  for (const c of cases) {
    const y = cs.reference.convTranspose(c.x, c.w, c.b, c.attrs);
    const expected = tol.expectedWithBound(c.op, c.x, c.w, c.b, c.attrs, tol.profileFor('float32'));
    if (tol.findMismatch(y, expected) === undefined) withinBound++;
    const data = Float32Array.from(y.data);
    data[0] += 1e-3 + Math.abs(data[0]) * 1e-3;
    if (tol.findMismatch({ dims: y.dims, data }, expected)?.kind === 'value') perturbedCaught++;
  }

  // Invalid cases: the reference rejects each class with its own code.
  const codes = {};
  for (const op of ['Conv', 'ConvTranspose']) {
    for (const code of arb.INVALID_INPUT_CODES[op]) {
      const got = fc.sample(arb.invalidCase(op, code), { numRuns: 3, seed: 11 }).map((c) => {
        try {
          (op === 'Conv' ? cs.reference.conv : cs.reference.convTranspose).call(cs.reference, c.x, c.w, c.b, c.attrs);
          return 'no error';
        } catch (e) {
          return cs.isConvSpecError(e) ? e.code : String(e);
        }
      });
      codes[`${op} ${code}`] = [...new Set(got)];
    }
  }
  return {
    names,
    verify: { conformant: report.summary.conformant, clauses: report.clauses.map((c) => `${c.id} ${c.status}`), schema: verify.REPORT_SCHEMA.required.includes('summary') && reportJson.schema === verify.REPORT_SCHEMA_ID },
    valid: { drawn: cases.length, withinBound, perturbedCaught },
    codes,
  };
};
