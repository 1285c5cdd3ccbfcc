/**
 * Plan: run `convspec shape` in-process on the seed's configurations and on the auto_pad /
 * output_shape paths, and check the printed pads, formula and output dims against values worked out
 * by hand from the ONNX formulas (written next to each expectation). Then: an invalid configuration
 * prints the exact ConvSpecError code and exits 1; unusable arguments exit 2 with a message; never a
 * crash; no escape codes when stdout is not a terminal.
 */
import { describe, expect, it } from 'vitest';
import { hasEscapes, runCli } from '../../explain/test/runCli';
import { parseNumberList } from '../args';

describe('convspec shape', () => {
  it('seed Conv: 4×4 input, 3×3 kernel, p=0, s=1 → 2×2 (⌊(4+0+0−2−1)/1⌋+1 = 2)', async () => {
    const r = await runCli(['shape', 'conv', '--input', '1,1,4,4', '--weight', '1,1,3,3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('⌊(4 + 0 + 0 − 1·2 − 1)/1⌋ + 1 = 2');
    expect(r.stdout).toContain('Y [1, 1, 2, 2]');
    expect(r.stdout).toContain('pads [0, 0, 0, 0]');
  });

  it('seed ConvTranspose: 3×3 input, s=2, p=1, k=3 → 2·2 + 0 + 2 + 1 − 1 − 1 = 5 per axis', async () => {
    const r = await runCli(['shape', 'convtranspose', '--input', '1,1,3,3', '--weight', '1,1,3,3', '--strides', '2,2', '--pads', '1,1,1,1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('natural size = s(i−1) + output_padding + d(k−1) + 1 = 2·2 + 0 + 1·2 + 1 = 7');
    expect(r.stdout).toContain('= 2·2 + 0 + 1·2 + 1 − 1 − 1 = 5');
    expect(r.stdout).toContain('Y [1, 1, 5, 5]');
  });

  it('seed ConvTranspose 2×2 input, 3×3 kernel, s=1 → 4×4 (1·1 + 0 + 2 + 1)', async () => {
    const r = await runCli(['shape', 'convtranspose', '--input', '1,1,2,2', '--weight', '1,1,3,3']);
    expect(r.stdout).toContain('Y [1, 1, 4, 4]');
  });

  it('Conv SAME_LOWER, i=6, s=2, k=3 on axis 0 and d=2 on axis 1: odd totals put the extra pad at the start', async () => {
    // axis 0: o = ⌈6/2⌉ = 3, total = (3−1)·2 + 3 − 6 = 1 → begin 1, end 0
    // axis 1: effective kernel 2·2+1 = 5, total = 4 + 5 − 6 = 3 → begin 2, end 1
    const r = await runCli(['shape', 'conv', '--input', '1,1,6,6', '--weight', '1,1,3,3', '--strides', '2,2', '--dilations', '1,2', '--auto-pad', 'SAME_LOWER']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pads [1, 2, 0, 1]');
    expect(r.stdout).toContain('Y [1, 1, 3, 3]');
    expect(r.stdout).toContain('odd extra at the start');
  });

  it('ConvTranspose output_shape above the natural size: negative end pad, appended elements', async () => {
    // natural = 3·(3−1) + 0 + 2 + 1 = 9; output_shape 10 ≤ 9 + 3 − 1 → one element appended
    const r = await runCli(['shape', 'convtranspose', '--input', '1,1,3', '--weight', '1,1,3', '--strides', '3', '--output-shape', '10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 element(s) appended at the end');
    expect(r.stdout).toContain('pads [0, -1]');
    expect(r.stdout).toContain('Y [1, 1, 10]');
  });

  it('--json gives the resolved geometry for scripts', async () => {
    const r = await runCli(['shape', 'conv', '--input', '2,4,5', '--weight', '6,2,3', '--group', '2', '--pads', '1,0', '--json']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    // o = ⌊(5 + 1 + 0 − 2 − 1)/1⌋ + 1 = 4
    expect(body.valid).toBe(true);
    expect(body.geometry.outputDims).toEqual([2, 6, 4]);
  });

  it('an invalid configuration prints the exact error code and message and exits 1', async () => {
    const r = await runCli(['shape', 'conv', '--input', '1,2,4,4', '--weight', '1,1,3,3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/invalid: CHANNEL_MISMATCH: .*C = 2/);
    const t = await runCli(['shape', 'convtranspose', '--input', '1,1,3,3', '--weight', '1,1,3,3', '--strides', '2,2', '--output-padding', '2,0']);
    expect(t.code).toBe(1);
    expect(t.stdout).toContain('OUTPUT_PADDING_RANGE');
    const j = await runCli(['shape', 'conv', '--input', '1,1,4,4', '--weight', '1,1,3,3', '--strides', '1.5,1', '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout).error.code).toBe('NOT_AN_INTEGER');
    const a = await runCli(['shape', 'conv', '--input', '1,1,4,4', '--weight', '1,1,3,3', '--auto-pad', 'same']);
    expect(a.stdout).toContain('UNKNOWN_AUTO_PAD');
    const big = await runCli(['shape', 'conv', '--input', '1,1,100000,100000', '--weight', '1,1,3,3']);
    expect(big.code).toBe(1);
    expect(big.stdout).toContain('SIZE_LIMIT');
  });

  it('unusable arguments exit 2 with a message naming the flag', async () => {
    const r = await runCli(['shape', 'conv', '--input', '1,a,4,4', '--weight', '1,1,3,3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--input');
    expect((await runCli(['shape', 'conv', '--weight', '1,1,3,3'])).code).toBe(2);
    expect((await runCli(['shape', 'deconv', '--input', '1,1,4,4', '--weight', '1,1,3,3'])).code).toBe(2);
    expect((await runCli(['shape', 'conv', '--input', '1,1,4', '--weight', '1,1,3', '--output-padding', '1'])).code).toBe(2);
  });

  it('no escape codes when stdout is not a terminal, or on a terminal with NO_COLOR; colour only on a terminal', async () => {
    const args = ['shape', 'conv', '--input', '1,1,4,4', '--weight', '1,1,3,3'];
    expect(hasEscapes((await runCli(args, { tty: false, env: { NO_COLOR: undefined, FORCE_COLOR: undefined, CI: 'true' } })).stdout)).toBe(false);
    expect(hasEscapes((await runCli(args, { tty: true, env: { NO_COLOR: '1', FORCE_COLOR: undefined } })).stdout)).toBe(false);
    expect(hasEscapes((await runCli(args, { tty: true, env: { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm' } })).stdout)).toBe(true);
  });

  it('lists parse from commas, x or ×, and reject non-numbers', () => {
    expect(parseNumberList('--input', '1x1×4,4')).toEqual([1, 1, 4, 4]);
    expect(parseNumberList('--pads', '-1,0')).toEqual([-1, 0]);
    expect(() => parseNumberList('--pads', '')).toThrow(/--pads/);
    expect(() => parseNumberList('--pads', '1,x')).toThrow(/"x" is not a number/);
  });
});
