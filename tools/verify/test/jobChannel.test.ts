/**
 * A job's report reaches `verify --jobs N` however large it is: the job waits for its last message to
 * be written before it closes the channel, and the parent waits for the channel to close before it
 * says a job ended without a report. Before this, a report of a few megabytes was lost in most runs.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJob, type JobRequest } from '../jobs';

describe('verify --jobs: the report of a job', () => {
  it('arrives whole when it is several megabytes, every time', async () => {
    const script = path.join(__dirname, 'jobs/bigReport.cjs');
    const request = { target: { kind: 'reference' }, options: {} } as unknown as JobRequest;
    const runs = await Promise.all(Array.from({ length: 6 }, () => runJob(request, () => undefined, () => undefined, script)));
    for (const report of runs as unknown as { clauses: { id: string; error: string; window: Float32Array }[] }[]) {
      expect(report.clauses).toHaveLength(1500);
      const bytes = report.clauses.reduce((a, c) => a + c.error.length + c.window.byteLength, 0);
      expect(bytes).toBeGreaterThan(8e6);
      expect(report.clauses[1499].window[511]).toBe(1499);
    }
  });
});
