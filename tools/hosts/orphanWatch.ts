/**
 * A watchdog for a child process whose main thread may be busy for ever (an adapter's host while a
 * call spins): a worker thread checks a few times a second whether the process that started this one
 * is still its parent, and when it is not (the parent died, even by SIGKILL, and the process was
 * re-parented to PID 1 or a subreaper) it kills this process's whole group at once.
 *
 * Why a thread: the usual notice, the IPC channel's 'disconnect' event, runs on the main thread, which
 * a spinning call never gives back. The worker has its own event loop and its own built-ins, so the
 * adapter can neither block nor patch it.
 */
import { Worker } from 'node:worker_threads';

/** How often the worker looks at the parent, in ms. */
const PERIOD_MS = 250;

const WATCH = `
const { workerData: parent } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid === parent) return;
  try { process.kill(-process.pid, 'SIGKILL'); } catch { /* not a group leader */ }
  process.kill(process.pid, 'SIGKILL');
}, ${PERIOD_MS});
`;

/**
 * Starts the watchdog; `parent` is the pid of the process that started this one, as that process said
 * (not read in the worker: a worker can take a second to start on a loaded machine, and the parent may
 * be gone by then). When this process leads a process group (it was spawned detached) the group dies
 * with it, so whatever the adapter started goes too.
 */
export function exitWhenOrphaned(parent: number): void {
  const worker = new Worker(WATCH, { eval: true, workerData: parent, stdout: false, stderr: false });
  // The watchdog never keeps the process alive by itself.
  worker.unref();
}
