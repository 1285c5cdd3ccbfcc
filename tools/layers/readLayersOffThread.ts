/**
 * readModelLayers (modelLayers.ts) on a worker thread, for the CLI. Why: reading a large model is one
 * long synchronous step (decoding two million nodes took 28–55 s), and while the main thread is in
 * it no signal handler runs — SIGTERM went unheard until the read was over, and the run then ended
 * with the read's own exit status, not 128 + 15 (issue 21, item 8). On a worker the main thread stays
 * free: a signal ends the run at once and `process.exit` stops the worker with it.
 *
 * The result is the same as readModelLayers': a ModelLayersError is thrown again as one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ModelLayersError, type ModelLayers, type ReadLayersOptions } from './modelLayers';

/** The compiled worker script; under vitest this module is TypeScript source, so it comes from dist/. */
function workerScript(): string {
  const beside = path.join(__dirname, 'modelLayersWorker.js');
  if (fs.existsSync(beside)) return beside;
  const built = path.resolve(__dirname, '../../dist/tools/layers/modelLayersWorker.js');
  if (fs.existsSync(built)) return built;
  throw new Error('the model reader is not built: run `npm run build` first');
}

type Reply = { layers: ModelLayers } | { error: { name: string; message: string } };

/** Reads `file` as readModelLayers does, on a worker thread; rejects as it throws. */
export function readModelLayersOffThread(file: string, options: ReadLayersOptions = {}): Promise<ModelLayers> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript(), { workerData: { file, options } });
    let settled = false;
    worker.once('message', (reply: Reply) => {
      settled = true;
      if ('layers' in reply) resolve(reply.layers);
      else reject(reply.error.name === 'ModelLayersError' ? new ModelLayersError(reply.error.message) : new Error(reply.error.message));
    });
    worker.once('error', (e) => {
      if (!settled) reject(new ModelLayersError(`${file}: the model could not be read (${e.message})`));
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new ModelLayersError(`${file}: the model reader stopped (exit code ${code}) before it had read the model`));
      settled = true;
    });
  });
}
