/**
 * The IPC channel between `verify --jobs N` and its job processes, made reliable for a last, large
 * message. Node writes a big IPC message asynchronously; `process.disconnect()` right after `send`
 * closes the channel under the pending write and the report is lost (seen 2 runs in 3 for a failing
 * module whose report is a few megabytes). So the job waits for the write to complete before it
 * disconnects, and the parent decides "no report" only once the child has both exited and closed its
 * channel: every message written before the channel closed has been emitted by then.
 */
import type { ChildProcess } from 'node:child_process';

/** Sends `message` as the job's last word, waits until it is written, then closes the channel. */
export function sendLast(message: unknown): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      if (process.connected) process.disconnect();
      resolve();
    };
    // The callback runs once the message is handed to the OS (or the send failed: the parent is gone,
    // and nobody is left to tell).
    if (!process.send || !process.connected) return done();
    process.send(message, undefined, {}, () => done());
  });
}

/**
 * Calls `settle()` once `child` has exited and its channel has closed (in whichever order they come),
 * with how it exited. Messages the child wrote before closing its channel have all been emitted
 * before this runs.
 */
export function onJobEnd(child: ChildProcess, settle: (how: string) => void): void {
  let how: string | undefined;
  let closed = !child.connected;
  const maybe = () => {
    if (how !== undefined && closed) settle(how);
  };
  child.on('exit', (code, signal) => {
    how = signal ?? `exit code ${code}`;
    maybe();
  });
  child.on('disconnect', () => {
    closed = true;
    maybe();
  });
}
