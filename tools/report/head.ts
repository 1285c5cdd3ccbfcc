/** The fields every report starts with (schema, version, convspec's version, when it started). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPORT_SCHEMA_ID, REPORT_VERSION, type VerifyReport } from './report';

/** The fields every report starts with, for a run that began at `started` (epoch ms). */
export function reportHead(started: number): Pick<VerifyReport, 'schema' | 'version' | 'convspecVersion' | 'startedAt' | 'durationMs'> {
  return { schema: REPORT_SCHEMA_ID, version: REPORT_VERSION, convspecVersion: packageVersion(), startedAt: new Date(started).toISOString(), durationMs: Date.now() - started };
}

/** convspec's version, from the package.json above this file (source or dist/). */
export function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'convspec') return pkg.version ?? 'unknown';
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}
