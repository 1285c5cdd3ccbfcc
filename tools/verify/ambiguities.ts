/**
 * The ambiguity points of spec/AMBIGUITIES.md, probed on the verified target and reported as
 * "follows reading X" — never as pass or fail, since the ONNX text, shape inference and ONNX Runtime
 * disagree there and each reading has its users. The classification itself is
 * spec/ambiguities/classify.ts; this module only routes the probes through the guarded subject.
 */
import { AMBIGUITIES } from '../../spec/ambiguities/catalogue';
import { classifyAmbiguity, probeInputs } from '../../spec/ambiguities/classify';
import { unsupportedReason } from '../../spec/framework/subject';
import { profileFor } from '../../spec/tolerance';
import type { GuardedSubject } from '../hosts/guard';
import type { AmbiguityResult } from '../report/report';

/**
 * Classifies the subject on every catalogued ambiguity. Probes of an op or spatial rank the subject
 * does not declare are not run ('unsupported'). Other declared limits do not stop a probe: refusing
 * such a case is itself one of the readings. A hang or crash is reported as 'fault', not as a reading.
 */
export async function probeAmbiguities(subject: GuardedSubject): Promise<AmbiguityResult[]> {
  const profile = profileFor(subject.supports.precision, subject.supports.algorithm);
  const results: AmbiguityResult[] = [];
  for (const a of AMBIGUITIES) {
    const outside = a.probes.find(
      (p) => (subject.supports.ops && !subject.supports.ops.includes(p.op)) || (subject.supports.ranks && !subject.supports.ranks.includes(p.xDims.length - 2)),
    );
    if (outside) {
      results.push({ id: a.id, title: a.title, follows: 'unsupported', detail: `probe ${outside.name} is outside the declared ops/ranks` });
      continue;
    }
    // Declared limits beyond op and rank do not stop the probes (a refusal is a reading), but are shown.
    const declared = [...new Set(a.probes.map((p) => unsupportedReason(subject.supports, p.op, p.xDims, probeInputs(p).b, p.attrs)).filter(Boolean))];
    const note = declared.length > 0 ? ` (declared unsupported: ${declared.join(', ')})` : '';
    subject.beginUnit();
    const c = await classifyAmbiguity(a, (op, x, w, b, attrs) => subject.run(op, x, w, b, attrs), { profile });
    const faults = subject.faults();
    if (faults.length > 0) {
      results.push({ id: a.id, title: a.title, follows: 'fault', detail: `${faults[0].kind}: ${faults[0].message}` });
      continue;
    }
    const same = c.follows.includes(a.reference);
    results.push({
      id: a.id,
      title: a.title,
      follows: c.follows.length > 0 ? c.follows.join(' / ') : 'none',
      detail: (c.follows.length === 0 ? c.summary : same ? 'as the reference does' : `the reference follows ${a.reference}`) + note,
    });
  }
  return results;
}
