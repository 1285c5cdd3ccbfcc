/**
 * JSON Schema (draft-07) of the `--json` report of `convspec verify` and `convspec judge`, version
 * REPORT_VERSION. Consumers should check `schema` and `version` first. Numbers that are not finite
 * (NaN, ±Infinity in mismatch windows) are written as the strings "NaN", "Infinity", "-Infinity".
 * Objects allow additional properties: the report may grow by new fields within a version.
 */
import { REPORT_SCHEMA_ID, REPORT_VERSION } from './report';

const num = { anyOf: [{ type: 'number' }, { enum: ['NaN', 'Infinity', '-Infinity'] }] };
const status = { enum: ['passed', 'failed', 'unsupported'] };
const category = { enum: ['shape', 'numeric', 'validation', 'robustness', 'math'] };
const tally = {
  type: 'object',
  required: ['passed', 'failed', 'unsupported'],
  properties: { passed: { type: 'integer', minimum: 0 }, failed: { type: 'integer', minimum: 0 }, unsupported: { type: 'integer', minimum: 0 } },
};
const fault = {
  type: 'object',
  required: ['kind', 'message', 'case'],
  properties: {
    kind: { enum: ['timeout', 'crash', 'non-error-throw', 'wrong-type', 'protocol', 'contract'] },
    message: { type: 'string' },
    case: { type: 'string' },
  },
};
const tensorData = {
  type: 'object',
  required: ['dims', 'data'],
  properties: { dims: { type: 'array', items: { type: 'integer', minimum: 0 } }, data: { type: 'array', items: num } },
};
/** One finding (tools/report/finding.ts): a distinct fault, the failures it explains, its trigger and smallest counterexample. */
const finding = {
  type: 'object',
  required: ['id', 'clauses', 'cases', 'trigger', 'consistentWith'],
  properties: {
    id: { type: 'string' },
    clauses: { type: 'array', items: { type: 'string' } },
    cases: { type: 'array', items: { type: 'string' } },
    trigger: { type: 'string' },
    counterexample: {
      type: 'object',
      required: ['op', 'x', 'w', 'b', 'attrs'],
      properties: { op: { enum: ['Conv', 'ConvTranspose'] }, x: tensorData, w: tensorData, b: { anyOf: [tensorData, { type: 'null' }] }, attrs: { type: 'object' } },
    },
    consistentWith: { type: 'array', items: { type: 'string' } },
    expected: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
  },
};
const windowRow = {
  type: 'object',
  required: ['index', 'actual', 'expected', 'bound', 'bad'],
  properties: { index: { type: 'array', items: { type: 'integer' } }, actual: num, expected: num, bound: num, bad: { type: 'boolean' } },
};
const precision = {
  type: 'object',
  required: ['elements', 'exact', 'infinite', 'median', 'max', 'histogram'],
  properties: {
    elements: { type: 'integer', minimum: 0 },
    exact: { type: 'integer', minimum: 0 },
    infinite: { type: 'integer', minimum: 0 },
    median: num,
    max: num,
    histogram: {
      type: 'object',
      required: ['binsPerDecade', 'minLog10', 'bins'],
      properties: {
        binsPerDecade: { type: 'integer', minimum: 1 },
        minLog10: { type: 'integer' },
        bins: { type: 'array', items: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2 } },
      },
    },
  },
};
const slice = {
  type: 'object',
  required: ['fixed', 'rowStart', 'colStart', 'rows', 'cols', 'actual', 'expected', 'bound'],
  properties: {
    fixed: { type: 'array', items: { type: 'integer', minimum: 0 } },
    rowStart: { type: 'integer', minimum: 0 },
    colStart: { type: 'integer', minimum: 0 },
    rows: { type: 'integer', minimum: 0 },
    cols: { type: 'integer', minimum: 0 },
    actual: { type: 'array', items: num },
    expected: { type: 'array', items: num },
    bound: { type: 'array', items: num },
    // Added in version 1 (optional): the rows' and columns' axes when they are not the last two.
    axes: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2 },
  },
};
const mismatch = {
  type: 'object',
  required: ['kind', 'message'],
  properties: {
    kind: { enum: ['dims', 'length', 'type', 'value'] },
    message: { type: 'string' },
    worst: {
      type: 'object',
      required: ['flat', 'index', 'actual', 'expected', 'bound', 'ratio'],
      properties: { flat: { type: 'integer' }, index: { type: 'array', items: { type: 'integer' } }, actual: num, expected: num, bound: num, ratio: num },
    },
    badCount: { type: 'integer', minimum: 0 },
    window: { type: 'array', items: windowRow },
    slice,
  },
};
// Added in version 1 (optional, issue 23): a failing case as data for `convspec replay`, and --expect marks.
export const COUNTEREXAMPLE_DATA_SCHEMA = {
  type: 'object',
  required: ['op', 'x', 'w', 'b', 'attrs'],
  properties: { op: { enum: ['Conv', 'ConvTranspose'] }, x: tensorData, w: tensorData, b: { anyOf: [tensorData, { type: 'null' }] }, attrs: { type: 'object' } },
} as const;
const expectedMark = { type: 'object', required: ['reason', 'entry'], properties: { reason: { type: 'string' }, entry: { type: 'string' } } };
const caseResult = {
  type: 'object',
  required: ['id', 'status', 'durationMs'],
  properties: {
    id: { type: 'string', pattern: '^[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)+/[a-z0-9][a-z0-9_-]*$' },
    status,
    durationMs: { type: 'number', minimum: 0 },
    unsupportedReason: { type: 'string' },
    error: { type: 'string' },
    mismatch,
    faults: { type: 'array', items: fault },
    replay: { type: 'string' },
    source: { type: 'string' },
    calls: { type: 'integer', minimum: 0 },
    description: { type: 'string' },
    expected: expectedMark,
    counterexampleData: COUNTEREXAMPLE_DATA_SCHEMA,
    counterexampleDataOmitted: { type: 'string' },
    notClaimed: { type: 'string' },
  },
};
/** Cases judged at sampled positions (spec/framework/sampled.ts): per clause and over the run. */
const sampled = {
  type: 'object',
  required: ['cases', 'judgedElements', 'outputElements'],
  properties: {
    cases: { type: 'integer', minimum: 0 },
    judgedElements: { type: 'integer', minimum: 0 },
    outputElements: { type: 'integer', minimum: 0 },
  },
};
/** The scale tier's limit and how it was set (spec/arbitraries/scaleTier.ts ScaleSummary). */
const scale = {
  type: 'object',
  required: ['maxMacs', 'maxMacsText', 'maxTensorElements', 'maxTensorElementsText', 'source', 'timeShareSeconds'],
  properties: {
    maxMacs: { type: 'integer', minimum: 0 },
    maxMacsText: { type: 'string', pattern: '^(off|2\\^\\d+)$' },
    source: { enum: ['measured', 'option', 'unmeasured', 'off'] },
    maxTensorElements: { type: 'integer', minimum: 0 },
    maxTensorElementsText: { type: 'string', pattern: '^(off|2\\^\\d+)$' },
    macsPerSecond: { type: 'number', minimum: 0 },
    elementsPerSecond: { type: 'number', minimum: 0 },
    timeShareSeconds: { type: 'number', minimum: 0 },
    note: { type: 'string' },
  },
};
const clauseResult = {
  type: 'object',
  required: ['id', 'title', 'category', 'status', 'numRuns', 'numSkips', 'seed', 'durationMs', 'skipped'],
  properties: {
    id: { type: 'string', pattern: '^[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)+$' },
    title: { type: 'string' },
    category,
    status,
    numRuns: { type: 'integer', minimum: 0 },
    numSkips: { type: 'integer', minimum: 0 },
    seed: { type: 'integer' },
    durationMs: { type: 'number', minimum: 0 },
    skipped: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
    path: { type: 'string' },
    counterexample: { type: 'string' },
    error: { type: 'string' },
    mismatch,
    replay: { type: 'string' },
    faults: { type: 'array', items: fault },
    precision,
    sampled,
    cases: { type: 'array', items: caseResult },
    calls: { type: 'integer', minimum: 0 },
    expected: expectedMark,
    counterexampleData: COUNTEREXAMPLE_DATA_SCHEMA,
    counterexampleDataOmitted: { type: 'string' },
  },
};

export const REPORT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `https://convspec.invalid/schemas/${REPORT_SCHEMA_ID}-v${REPORT_VERSION}.json`,
  title: 'convspec verify/judge report',
  type: 'object',
  required: ['schema', 'version', 'convspecVersion', 'startedAt', 'durationMs', 'target', 'options', 'clauses', 'ambiguities', 'summary'],
  properties: {
    schema: { const: REPORT_SCHEMA_ID },
    version: { const: REPORT_VERSION },
    convspecVersion: { type: 'string' },
    startedAt: { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\dT' },
    durationMs: { type: 'number', minimum: 0 },
    target: {
      type: 'object',
      required: ['kind', 'args', 'name', 'supports'],
      properties: {
        kind: { enum: ['ort', 'module', 'cmd', 'implementation', 'judge', 'browser', 'named'] },
        args: { type: 'string' },
        name: { type: 'string' },
        supports: { type: 'object' },
      },
    },
    options: {
      type: 'object',
      required: ['seed', 'depth', 'timeoutMs', 'clauseFilters'],
      properties: {
        seed: { type: 'integer' },
        path: { type: 'string' },
        runs: { type: 'integer', minimum: 1 },
        depth: { type: 'number', exclusiveMinimum: 0 },
        shard: {
          type: 'object',
          required: ['index', 'count'],
          properties: { index: { type: 'integer', minimum: 1 }, count: { type: 'integer', minimum: 1 } },
        },
        timeoutMs: { type: 'number', minimum: 0 },
        clauseFilters: { type: 'array', items: { type: 'string' } },
      },
    },
    clauses: { type: 'array', items: clauseResult },
    findings: { type: 'array', items: finding },
    ambiguities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'title', 'follows'],
        properties: { id: { type: 'string' }, title: { type: 'string' }, follows: { type: 'string' }, detail: { type: 'string' } },
      },
    },
    layersFrom: {
      type: 'object',
      required: ['model', 'nodes', 'resolved', 'unresolved', 'notes'],
      properties: {
        model: { type: 'string' },
        nodes: { type: 'integer', minimum: 0 },
        resolved: { type: 'integer', minimum: 0 },
        unresolved: {
          type: 'array',
          items: { type: 'object', required: ['node', 'op', 'reason'], properties: { node: { type: 'string' }, op: { type: 'string' }, reason: { type: 'string' } } },
        },
        notes: { type: 'array', items: { type: 'string' } },
      },
    },
    knownFailures: {
      type: 'object',
      required: ['strict', 'entries', 'stale'],
      properties: {
        file: { type: 'string' },
        strict: { type: 'boolean' },
        entries: {
          type: 'array',
          items: { type: 'object', required: ['label', 'reason', 'matched'], properties: { label: { type: 'string' }, reason: { type: 'string' }, matched: { type: 'array', items: { type: 'string' } } } },
        },
        stale: { type: 'array', items: { type: 'string' } },
      },
    },
    summary: {
      type: 'object',
      required: ['conformant', 'numericConformant', 'validationConformant', 'clauses', 'cases', 'byCategory'],
      properties: {
        conformant: { type: 'boolean' },
        notConformantBecause: { type: 'string' },
        nothingSelected: { type: 'boolean' },
        coverage: {
          type: 'object',
          required: ['casesJudged', 'casesUnsupported', 'supportedFraction'],
          properties: {
            casesJudged: { type: 'integer', minimum: 0 },
            casesUnsupported: { type: 'integer', minimum: 0 },
            supportedFraction: { type: 'number', minimum: 0, maximum: 1 },
          },
        },
        abandoned: { type: 'string' },
        numericConformant: { type: 'boolean' },
        validationConformant: { type: 'boolean' },
        validationNotChecked: { const: true },
        clauses: tally,
        cases: tally,
        byCategory: { type: 'object', additionalProperties: tally },
        precision,
        expectedFailures: { type: 'integer', minimum: 0 },
        staleExpectations: { type: 'integer', minimum: 0 },
        scale,
        sampled,
      },
    },
  },
} as const;
