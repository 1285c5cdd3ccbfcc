/**
 * The JSON-lines protocol's codec and the supports sanitizer, against hand-written wire text: tensors
 * are base64 of little-endian float32 (checked against bytes written by hand), answers are parsed
 * strictly (wrong id, no y/error, bad base64, wrong byte count are protocol errors; an error answer
 * is the program's refusal), and a describe answer that is an error or malformed means "supports
 * everything". A malformed supports declaration is refused naming the field.
 */
import { describe, expect, it } from 'vitest';
import {
  computeRequestLine, decodeWireTensor, encodeWireTensor, parseComputeAnswer, parseDescribeAnswer, ProgramError, ProtocolError,
} from '../protocol';
import { sanitizeSupports, SupportsError } from '../supports';

// 1.0f = 0x3f800000 and -2.0f = 0xc0000000, little-endian byte order.
const ONE_MINUS_TWO = Buffer.from([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]).toString('base64');

describe('wire tensors', () => {
  it('encode as base64 of little-endian float32 and decode back exactly', () => {
    const wire = encodeWireTensor({ dims: [1, 2], data: Float32Array.from([1, -2]) });
    expect(wire).toEqual({ dims: [1, 2], data: ONE_MINUS_TWO });
    const back = decodeWireTensor({ dims: [2], data: ONE_MINUS_TWO });
    expect(Array.from(back.data)).toEqual([1, -2]);
  });

  it('refuse bad dims, bad base64 and a byte count that does not match the dims', () => {
    expect(() => decodeWireTensor({ dims: [2.5], data: ONE_MINUS_TWO })).toThrow(ProtocolError);
    expect(() => decodeWireTensor({ dims: [2], data: 'not base64!' })).toThrow(/not valid base64/);
    expect(() => decodeWireTensor({ dims: [3], data: ONE_MINUS_TWO })).toThrow(/8 bytes; dims \[3\] need 12/);
    expect(() => decodeWireTensor(null)).toThrow(ProtocolError);
  });
});

describe('requests and answers', () => {
  it('a request line carries id, op, attrs, x, w and b (null without bias)', () => {
    const t = { dims: [1, 1, 2], data: Float32Array.from([1, -2]) };
    const req = JSON.parse(computeRequestLine(7, 'ConvTranspose', t, t, undefined, { strides: [2] }));
    expect(req).toEqual({ id: 7, op: 'ConvTranspose', attrs: { strides: [2] }, x: { dims: [1, 1, 2], data: ONE_MINUS_TWO }, w: { dims: [1, 1, 2], data: ONE_MINUS_TWO }, b: null });
  });

  it('answers: y is the result, error is the program refusing, anything else breaks the protocol', () => {
    expect(Array.from(parseComputeAnswer(JSON.stringify({ id: 3, y: { dims: [2], data: ONE_MINUS_TWO } }), 3).data)).toEqual([1, -2]);
    expect(() => parseComputeAnswer('{"id":3,"error":"bad pads"}', 3)).toThrow(ProgramError);
    expect(() => parseComputeAnswer('{"id":4,"error":"x"}', 3)).toThrow(/carries id 4, expected 3/);
    expect(() => parseComputeAnswer('{"id":3}', 3)).toThrow(/neither "y" nor "error"/);
    expect(() => parseComputeAnswer('[1,2]', 3)).toThrow(ProtocolError);
    expect(() => parseComputeAnswer('hello', 3)).toThrow(/not JSON/);
  });

  it('describe: name and supports when given; an error answer or garbage means "supports everything"', () => {
    expect(parseDescribeAnswer('{"id":0,"name":"mine","supports":{"ops":["Conv"]}}')).toEqual({ name: 'mine', supports: { ops: ['Conv'] } });
    expect(parseDescribeAnswer('{"id":0,"error":"unknown op describe"}')).toEqual({ supports: {} });
    expect(parseDescribeAnswer('garbage')).toEqual({ supports: {} });
  });
});

describe('sanitizeSupports', () => {
  it('keeps valid declarations (and fields it does not know), refuses malformed ones naming the field', () => {
    expect(sanitizeSupports({ ops: ['Conv'], ranks: [2], dilation: ['Conv'], precision: 'tf32', futureField: 1 })).toEqual({ ops: ['Conv'], ranks: [2], dilation: ['Conv'], precision: 'tf32', futureField: 1 });
    expect(sanitizeSupports(undefined)).toEqual({});
    expect(() => sanitizeSupports({ ops: 'Conv' })).toThrow(/supports\.ops/);
    expect(() => sanitizeSupports({ ranks: [0] })).toThrow(/supports\.ranks/);
    expect(() => sanitizeSupports({ groups: 'yes' })).toThrow(SupportsError);
    expect(() => sanitizeSupports({ precision: 'fp8' })).toThrow(/supports\.precision/);
    expect(sanitizeSupports({ algorithm: 'transform' })).toEqual({ algorithm: 'transform' });
    expect(() => sanitizeSupports({ algorithm: 'fft' })).toThrow(/supports\.algorithm/);
    expect(() => sanitizeSupports([1])).toThrow(SupportsError);
  });
});
