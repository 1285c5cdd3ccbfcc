/**
 * Plan: jsonFaithful decides which calls and replies may go to the page as JSON text; a value it
 * passes must come back from JSON.parse(JSON.stringify(v)) deep-equal and with the same types, and
 * every value JSON would change (NaN, ±Infinity, −0, undefined, holes, typed arrays, class instances,
 * bigint, cycles) must be refused, so that it takes playwright's serializer instead.
 */
import { describe, expect, it } from 'vitest';
import { jsonFaithful } from '../page/wire';

describe('jsonFaithful', () => {
  it('passes plain JSON data, which survives a JSON round trip unchanged', () => {
    const values: unknown[] = [null, true, 'x', 0, 1.5, -3, [], {}, ['Conv', { dims: [1, 2], b64: 'AAAA' }, null, { pads: [0, 1], auto_pad: 'SAME_UPPER' }]];
    for (const v of values) {
      expect(jsonFaithful(v)).toBe(true);
      expect(JSON.parse(JSON.stringify(v))).toStrictEqual(v);
    }
    expect(jsonFaithful(Object.create(null))).toBe(true);
  });

  it('refuses every value JSON would change', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    class Dims { n = 1; }
    const refused: unknown[] = [NaN, Infinity, -Infinity, -0, undefined, 1n, Symbol('s'), () => 1, [1, , 3], [undefined], { a: undefined }, { dims: [NaN] }, new Float32Array(2), new Dims(), new Date(0), cyclic, JSON.parse('{"__proto__": 1}')];
    refused.forEach((v, i) => expect(jsonFaithful(v), `refused[${i}]`).toBe(false));
  });
});
