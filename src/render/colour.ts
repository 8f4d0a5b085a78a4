/**
 * Terminal colour: the one place that decides whether to colour and that writes the escape codes
 * (through picocolors). Pure: the decision reads the environment and the stream's TTY flag it is
 * given, never `process`.
 */
import picocolors from 'picocolors';

/** Colour functions (`red`, `bold`, `dim`, …); the identity on every one when colour is off. */
export type Palette = ReturnType<typeof picocolors.createColors>;

const ON = picocolors.createColors(true);
const OFF = picocolors.createColors(false);

export function palette(enabled: boolean): Palette {
  return enabled ? ON : OFF;
}

/**
 * Whether output to a stream is coloured:
 * - `FORCE_COLOR` set to anything but `0`/`false` colours even when the stream is not a terminal
 *   (a CI log that renders colour), and wins over `NO_COLOR` (as Node's own colour logic does:
 *   it is the more specific request); `FORCE_COLOR=0` or `false` turns colour off;
 * - otherwise a non-empty `NO_COLOR` (no-color.org) turns colour off;
 * - otherwise colour exactly when the stream is a TTY and `TERM` is not `dumb`.
 */
export function colourWanted(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY && env['TERM'] !== 'dumb';
}
