/**
 * Plan: prove which kernels the `ort-optimized` target reaches. ORT writes the graph it runs after
 * its optimizer (optimizedModelFilePath); for the network layers (spec/properties/layers.ts) the
 * 2-D Convs with blockable channels must run as com.microsoft.nchwc:Conv — the NCHWc kernels the
 * target exists to reach — and their results must be within the bound. The bundled fixture adapter
 * (optimisation off, W as an input) must reach none of them, and ConvTranspose stays the ONNX op.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { findMismatch } from '../../../spec/framework/compare';
import { NETWORK_LAYERS, layerTensors } from '../../../spec/properties/layers';
import { expectedWithBound } from '../../../spec/tolerance';
import { onnxruntime } from '../onnxruntime';
import ortOptimized from '../ortOptimized';

const NCHWC = 'com.microsoft.nchwc:Conv';
afterAll(() => ortOptimized.close?.());

describe('ort-optimized reaches the NCHWc kernels', () => {
  it('2-D Conv layers with blockable channels run as com.microsoft.nchwc:Conv, within the bound', async () => {
    const reached: string[] = [];
    for (const layer of NETWORK_LAYERS) {
      const { x, w, b } = layerTensors(layer);
      const nodes = await ortOptimized.optimizedNodes(layer.op, x, w, b, layer.attrs);
      if (layer.op === 'ConvTranspose') expect(nodes, layer.name).toEqual([':ConvTranspose']);
      if (!nodes.includes(NCHWC)) continue;
      reached.push(layer.name);
      const y = await ortOptimized.run(layer.op, x, w, b, layer.attrs);
      expect(findMismatch(y, expectedWithBound(layer.op, x, w, b, layer.attrs)), layer.name).toBeUndefined();
    }
    // The ResNet bottleneck, the MobileNet depthwise and the stem are the NCHWc paths ORT is known for.
    expect(reached).toEqual(expect.arrayContaining(['resnet50-stem-7x7-s2', 'resnet50-bottleneck-3x3', 'mobilenetv2-depthwise-3x3-s2', 'mobilenetv1-pointwise-256']));
    // Grouped (not depthwise) Conv and the 1-D / 3-D layers have no NCHWc kernel.
    expect(reached).not.toContain('resnext50-grouped-3x3');
    expect(reached).not.toContain('conformer-depthwise-k31');
    expect(reached.length).toBeGreaterThanOrEqual(12);
  }, 60_000);

  it('the bundled fixture adapter (optimisation off, W an input) runs the plain ONNX Conv', async () => {
    const layer = NETWORK_LAYERS.find((l) => l.name === 'resnet50-bottleneck-3x3')!;
    const { x, w, b } = layerTensors(layer);
    expect(await onnxruntime.optimizedNodes(layer.op, x, w, b, layer.attrs)).toEqual([':Conv']);
  });
});
