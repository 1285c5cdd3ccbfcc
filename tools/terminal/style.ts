/**
 * Terminal colour for the explanatory commands. picocolors' own detection turns colour on whenever
 * `CI` is set, but CI logs are files: escape codes there are noise. So colour is used only when the
 * stream is a terminal (TTY, TERM not "dumb") and NO_COLOR is unset or empty; FORCE_COLOR (not "0")
 * overrides both, as the convention says.
 */
import pc from 'picocolors';

type Colors = ReturnType<typeof pc.createColors>;
export type Style = Pick<Colors, 'bold' | 'dim' | 'red' | 'green' | 'cyan' | 'yellow'>;

/** Whether escape codes may be written to `stream` under `env` (defaults: process.stdout, process.env). */
export function colourWanted(stream: { isTTY?: boolean } = process.stdout, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** A style that colours when `enabled` (default: colourWanted() for stdout) and is the identity otherwise. */
export function makeStyle(enabled: boolean = colourWanted()): Style {
  return pc.createColors(enabled);
}

/** Plain style, for text that goes into files (SVG titles, JUnit, tests). */
export const plain: Style = pc.createColors(false);

/** Visible width of a string: escape codes take no columns. */
export function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\x1b\[[0-9;]*m/g, '')].length;
}
