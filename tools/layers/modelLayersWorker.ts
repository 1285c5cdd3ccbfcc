/**
 * Worker-thread entry of readModelLayersOffThread (readLayersOffThread.ts): reads the model named in
 * workerData with readModelLayers and posts back { layers } or { error: { name, message } }. The
 * weights' buffers are transferred, not copied, where they can be.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readModelLayers, type ModelLayers, type ReadLayersOptions } from './modelLayers';

function reply(): void {
  const { file, options } = workerData as { file: string; options: ReadLayersOptions };
  let layers: ModelLayers;
  try {
    layers = readModelLayers(file, options);
  } catch (e) {
    parentPort!.postMessage({ error: { name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) } });
    return;
  }
  const buffers = new Set<ArrayBuffer>();
  for (const l of layers.layers) {
    for (const t of [l.w, l.b]) {
      const data = t?.data as unknown;
      if (ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer) buffers.add(data.buffer);
    }
  }
  try {
    parentPort!.postMessage({ layers }, [...buffers]);
  } catch {
    // A buffer that cannot be transferred (Node's shared Buffer pool): copy everything instead.
    parentPort!.postMessage({ layers });
  }
}

reply();
