/**
 * A target's short name, for page titles: the bundled target's name when one was named (`--target
 * browser:tfjs-wasm`), else the implementation's own name without where it ran. A browser subject's
 * name also says the browser, its version and its launch flags (several lines on a page); those stay
 * in the report's details, not in its title.
 */
import type { VerifyReport } from './report';

/** Joins an implementation's name and where it ran, in a browser subject's name (tools/browser). */
export const RAN_IN = ' — in ';
/** Longest short name; a longer one is clipped with an ellipsis. */
export const SHORT_NAME_MAX = 80;

export function shortTargetName(target: Pick<VerifyReport['target'], 'name' | 'args'>): string {
  const named = /^--target (\S+)$/.exec(target.args);
  const cut = target.name.indexOf(RAN_IN);
  const own = (cut >= 0 ? target.name.slice(0, cut) : target.name).split('\n')[0].trim();
  const short = named ? named[1].replace(/^'(.*)'$/, '$1') : own || target.name;
  return short.length > SHORT_NAME_MAX ? `${short.slice(0, SHORT_NAME_MAX - 1)}…` : short;
}

/** A report page's title: the command and the target's short name. */
export function reportTitle(command: string, report: Pick<VerifyReport, 'target'>): string {
  return `convspec ${command} — ${shortTargetName(report.target)}`;
}
