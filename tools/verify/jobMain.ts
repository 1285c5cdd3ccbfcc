/**
 * A `--jobs` job process (started by jobs.ts): verifies one share of the selection with its own copy
 * of the target, sends progress and log lines as it goes, then its report, and exits.
 */
import type { JobMessage, JobRequest } from './jobs';
import { sendLast } from './jobChannel';
import { verifyTarget } from './run';

const send = (m: JobMessage) => process.send!(m);

process.once('message', async (request: JobRequest) => {
  try {
    const report = await verifyTarget(request.target, {
      ...request.options,
      jobs: 1,
      log: (line) => send({ type: 'log', line }),
      onProgress: (e) => {
        if (e.id) send({ type: 'progress', id: e.id, failed: e.failed });
      },
    });
    await sendLast({ type: 'report', report } satisfies JobMessage);
  } catch (e) {
    await sendLast({ type: 'error', name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) } satisfies JobMessage);
  }
});
// The parent went away: nothing left to report to. Leaving through process.exit ends this job's hosts
// and programs (endOnExit.ts).
process.on('disconnect', () => process.exit(0));
// A signal (from convspec as it stops, or from the terminal to the whole foreground group) ends the
// job the same way; without a listener Node would die of it at once and leave them running.
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
  process.once(signal, () => process.exit(128 + number));
}
