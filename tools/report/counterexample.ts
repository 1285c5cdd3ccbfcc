/**
 * A failing call as report data (`counterexampleData`, issue 23 item 5): what a user pastes into a file
 * for `convspec replay`. Bounded: a case whose tensors hold more than MAX_DATA_ELEMENTS values, or
 * that JSON cannot carry (not float32, data that does not fit its dims: an invalid-input case), is
 * given by its replay command only, and `counterexampleDataOmitted` says why.
 */
import type { RecordedCall } from '../../spec/framework/clause';
import { counterexampleData, type CounterexampleData } from './finding';

/** Most values (x + w + b) a report gives as data per counterexample: about 100 KB of JSON. */
export const MAX_DATA_ELEMENTS = 8192;

function problem(name: string, t: RecordedCall['x'] | undefined): string | undefined {
  if (t === undefined) return undefined;
  if (!t || !Array.isArray(t.dims) || !t.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) return `${name} has no list of dims`;
  if (!(t.data instanceof Float32Array)) return `${name}.data is not a Float32Array`;
  const n = t.dims.reduce((p, d) => p * d, 1);
  if (t.data.length !== n) return `${name} holds ${t.data.length} values for dims ${JSON.stringify(t.dims)} (${n})`;
  return undefined;
}

/** `{counterexampleData}` for the call, or `{counterexampleDataOmitted: why}`; nothing without a call. */
export function counterexampleFields(call: RecordedCall | undefined): { counterexampleData?: CounterexampleData; counterexampleDataOmitted?: string } {
  if (!call) return {};
  const bad = problem('x', call.x) ?? problem('w', call.w) ?? problem('b', call.b);
  if (bad) return { counterexampleDataOmitted: `not given as data: ${bad} (an invalid input JSON tensors cannot carry); replay it with the replay command` };
  const n = call.x.data.length + call.w.data.length + (call.b?.data.length ?? 0);
  if (n > MAX_DATA_ELEMENTS) return { counterexampleDataOmitted: `not given as data: x, w and b hold ${n} values, more than the ${MAX_DATA_ELEMENTS} a report gives; replay it with the replay command` };
  return { counterexampleData: counterexampleData(call) };
}
