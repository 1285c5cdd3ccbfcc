/**
 * The --cmd host's cap on one answer line (answerMaxBytes) must hold the base64 answer of the output
 * the case implies: it was half of it, so every --cmd target (numpy, torch, a user's program) failed
 * the scale tier's cases with outputs above ~1.5 MB as a "protocol break".
 */
import { describe, expect, it } from 'vitest';
import { answerMaxBytes } from '../processSubject';

describe('answerMaxBytes', () => {
  it('holds the JSON answer of a 2^20-element float32 output (and of a float64 one)', () => {
    for (const dtype of [undefined, 'float64'] as const) {
      const bytes = dtype === 'float64' ? 8 : 4;
      const x = { dims: [1, 1, 1024, 1024], data: new Float32Array(0), ...(dtype ? { dtype } : {}) };
      const w = { dims: [1, 1, 1, 1], data: new Float32Array(0) };
      const answer = JSON.stringify({ id: 7, y: { dims: [1, 1, 1024, 1024], data: Buffer.alloc(bytes * 2 ** 20).toString('base64'), ...(dtype ? { dtype } : {}) } });
      expect(answerMaxBytes('Conv', x as never, w as never, undefined, {})).toBeGreaterThanOrEqual(answer.length);
    }
  });
});
