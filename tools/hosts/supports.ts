/**
 * Checks a `supports` declaration that came from outside (a module's export, a program's describe
 * answer). A malformed declaration would make cases silently skipped or crash the gate in
 * spec/framework/subject.ts, so it is refused with a message naming the field instead.
 */
import type { Supports } from '../../spec/framework/subject';
import { PRECISION_PROFILES } from '../../spec/tolerance';
import { ACCUMULATIONS } from '../../spec/dtypeTolerance';
import { DTYPES, isDType, type DType } from '../../impl/dtype';

const OPS = ['Conv', 'ConvTranspose'];
const AUTO_PADS = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

export class SupportsError extends Error {
  override readonly name = 'SupportsError';
}

/** Returns a clean copy of `raw` (undefined/null → {}), or throws SupportsError naming the bad field. */
export function sanitizeSupports(raw: unknown): Supports {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new SupportsError(`supports must be an object, got ${JSON.stringify(raw)}`);
  const r = raw as Record<string, unknown>;
  // Fields this version does not know are kept as given (the Supports type may grow); known ones are checked.
  const out: Supports = { ...(r as Supports) };
  const listOf = (key: string, allowed?: string[]): string[] | undefined => {
    const v = r[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((e) => typeof e === 'string' && (!allowed || allowed.includes(e)))) {
      throw new SupportsError(`supports.${key} must be an array of ${allowed ? allowed.map((a) => JSON.stringify(a)).join(' | ') : 'strings'}, got ${JSON.stringify(v)}`);
    }
    return [...v] as string[];
  };
  const flagOrOps = (key: string): boolean | ('Conv' | 'ConvTranspose')[] | undefined => {
    const v = r[key];
    if (v === undefined || typeof v === 'boolean') return v as boolean | undefined;
    return listOf(key, OPS) as ('Conv' | 'ConvTranspose')[];
  };
  const flag = (key: string): boolean | undefined => {
    const v = r[key];
    if (v === undefined || typeof v === 'boolean') return v as boolean | undefined;
    throw new SupportsError(`supports.${key} must be true or false, got ${JSON.stringify(v)}`);
  };
  const ops = listOf('ops', OPS);
  if (ops) out.ops = ops as Supports['ops'];
  else delete out.ops;
  if (r.ranks !== undefined) {
    if (!Array.isArray(r.ranks) || !r.ranks.every((n) => Number.isInteger(n) && (n as number) >= 1)) {
      throw new SupportsError(`supports.ranks must be an array of spatial ranks (integers ≥ 1), got ${JSON.stringify(r.ranks)}`);
    }
    out.ranks = [...(r.ranks as number[])];
  }
  const autoPad = listOf('autoPad', AUTO_PADS);
  if (autoPad) out.autoPad = autoPad as Supports['autoPad'];
  for (const key of ['groups', 'dilation', 'stride', 'sameWithDilation'] as const) {
    const v = flagOrOps(key);
    if (v !== undefined) out[key] = v;
  }
  for (const key of ['outputPadding', 'outputShape', 'asymmetricPads', 'bias', 'batch', 'exactSmallIntegers'] as const) {
    const v = flag(key);
    if (v !== undefined) out[key] = v;
  }
  if (r.precision !== undefined) {
    // Own keys only: "toString" is `in` every object and once made the bound NaN.
    if (typeof r.precision !== 'string' || !Object.prototype.hasOwnProperty.call(PRECISION_PROFILES, r.precision)) {
      throw new SupportsError(`supports.precision must be one of ${Object.keys(PRECISION_PROFILES).join(', ')}, got ${JSON.stringify(r.precision)}`);
    }
    out.precision = r.precision as Supports['precision'];
  }
  checkElementTypes(r, out, listOf, flag);
  if (r.algorithm !== undefined && r.algorithm !== 'direct' && r.algorithm !== 'transform') {
    throw new SupportsError(`supports.algorithm must be "direct" or "transform", got ${JSON.stringify(r.algorithm)}`);
  }
  return out;
}

/** The element-type fields (issue 16): dtypes, precisionByDtype, flushToZero. */
function checkElementTypes(r: Record<string, unknown>, out: Supports, listOf: (key: string, allowed?: string[]) => string[] | undefined, flag: (key: string) => boolean | undefined): void {
  const dtypes = listOf('dtypes', [...DTYPES]);
  if (dtypes) {
    if (dtypes.length === 0) throw new SupportsError('supports.dtypes must name at least one element type');
    out.dtypes = dtypes as DType[];
  }
  const ftz = flag('flushToZero');
  if (ftz !== undefined) out.flushToZero = ftz;
  const byType = r.precisionByDtype;
  if (byType === undefined) return;
  const names = Object.keys(ACCUMULATIONS);
  if (!byType || typeof byType !== 'object' || Array.isArray(byType) || !Object.entries(byType).every(([k, v]) => isDType(k) && names.includes(v as string))) {
    throw new SupportsError(`supports.precisionByDtype must map element types (${DTYPES.join(', ')}) to one of ${names.join(', ')}, got ${JSON.stringify(byType)}`);
  }
  out.precisionByDtype = { ...(byType as Supports['precisionByDtype']) };
}
