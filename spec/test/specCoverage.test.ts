/**
 * Plan: SPEC.md and the registry must name the same clauses. The test reads every "### <clause-id>"
 * heading of spec/SPEC.md with its "**Property.**" line and fails when a heading names an id with no
 * registered clause, a registered clause has no heading, a property file named does not exist (or is
 * outside spec/properties/), a section file of spec/properties/ is named by no clause, or an id is
 * registered twice or breaks the case-id grammar.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allClauses, onDemandClauseIds } from '../clauses';
import { isClauseId } from '../framework/caseId';

const root = resolve(__dirname, '..', '..');
const spec = readFileSync(join(root, 'spec', 'SPEC.md'), 'utf8');

interface Entry {
  id: string;
  property?: string;
}

/** Clause entries of SPEC.md: a "### n.m id" heading and the first **Property.** path after it. */
function entries(text: string): Entry[] {
  const out: Entry[] = [];
  for (const block of text.split(/^### /m).slice(1)) {
    // Headings are numbered ("### 1.2 convT.size.formula"); the number is for readers, the id is the key.
    const id = block.slice(0, block.indexOf('\n')).trim().replace(/^\d+\.\d+\s+/, '');
    const property = /\*\*Property\.\*\*\s*`([^`]+)`/.exec(block)?.[1];
    out.push({ id, property });
  }
  return out;
}

const specEntries = entries(spec);
// On-demand clauses (model.layers: only for a given model) are in SPEC.md but not in the default registry.
const registered = [...allClauses.map((c) => c.id), ...onDemandClauseIds];

describe('SPEC.md and the clause registry agree', () => {
  it('every SPEC.md clause heading is a valid clause id', () => {
    expect(specEntries.length).toBeGreaterThan(0);
    expect(specEntries.map((e) => e.id).filter((id) => !isClauseId(id))).toEqual([]);
  });

  it('every clause named in SPEC.md is registered', () => {
    expect(specEntries.map((e) => e.id).filter((id) => !registered.includes(id))).toEqual([]);
  });

  it('every registered clause is in SPEC.md, once', () => {
    const named = specEntries.map((e) => e.id);
    expect(registered.filter((id) => !named.includes(id))).toEqual([]);
    expect(named.filter((id, i) => named.indexOf(id) !== i)).toEqual([]);
  });

  it('registered ids are unique and follow the case-id grammar', () => {
    expect(registered.filter((id, i) => registered.indexOf(id) !== i)).toEqual([]);
    expect(registered.filter((id) => !isClauseId(id))).toEqual([]);
  });

  it('every SPEC.md entry names an existing property file under spec/properties/', () => {
    const bad = specEntries.filter((e) => !e.property || !e.property.startsWith('spec/properties/') || !existsSync(join(root, e.property)));
    expect(bad.map((e) => `${e.id}: ${e.property ?? '(no **Property.** line)'}`)).toEqual([]);
  });

  it('every section file of spec/properties/ is named by some clause', () => {
    const named = new Set(specEntries.map((e) => e.property));
    const files = readdirSync(join(root, 'spec', 'properties')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.filter((f) => !named.has(`spec/properties/${f}`))).toEqual([]);
  });

  it('the coverage check itself notices a missing heading and a missing file (plan self-test)', () => {
    const fake = entries('### conv.size.formula\n**Property.** `spec/properties/nope.ts`\n### not an id\n');
    expect(fake.map((e) => e.id)).toEqual(['conv.size.formula', 'not an id']);
    expect(existsSync(join(root, fake[0].property!))).toBe(false);
    expect(isClauseId(fake[1].id)).toBe(false);
  });
});
