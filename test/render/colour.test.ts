/**
 * When acrctl colours its output (colourWanted), and that the palette writes nothing when off.
 * The rule: colour only on a TTY; NO_COLOR turns it off; FORCE_COLOR turns it on anywhere (and wins
 * over NO_COLOR, as Node's own colour logic does); FORCE_COLOR=0/false turns it off.
 */
import { describe, expect, it } from 'vitest';
import { colourWanted, palette } from '../../src/render/colour.js';

describe('colourWanted', () => {
  const cases: readonly { reason: string; env: Record<string, string>; tty: boolean; colour: boolean }[] = [
    { reason: 'a terminal', env: {}, tty: true, colour: true },
    { reason: 'a pipe or a file', env: {}, tty: false, colour: false },
    { reason: 'a CI log is not a terminal either', env: { CI: 'true', GITHUB_ACTIONS: 'true' }, tty: false, colour: false },
    { reason: 'NO_COLOR on a terminal', env: { NO_COLOR: '1' }, tty: true, colour: false },
    { reason: 'NO_COLOR with any value', env: { NO_COLOR: 'false' }, tty: true, colour: false },
    { reason: 'an empty NO_COLOR is not set (no-color.org)', env: { NO_COLOR: '' }, tty: true, colour: true },
    { reason: 'FORCE_COLOR without a terminal', env: { FORCE_COLOR: '1' }, tty: false, colour: true },
    { reason: 'an empty FORCE_COLOR forces too (as in Node)', env: { FORCE_COLOR: '' }, tty: false, colour: true },
    { reason: 'FORCE_COLOR wins over NO_COLOR', env: { FORCE_COLOR: '1', NO_COLOR: '1' }, tty: false, colour: true },
    { reason: 'FORCE_COLOR=0 on a terminal', env: { FORCE_COLOR: '0' }, tty: true, colour: false },
    { reason: 'FORCE_COLOR=false on a terminal', env: { FORCE_COLOR: 'false' }, tty: true, colour: false },
    { reason: 'a dumb terminal', env: { TERM: 'dumb' }, tty: true, colour: false },
  ];
  for (const c of cases) {
    it(`${c.colour ? 'colours' : 'does not colour'}: ${c.reason}`, () => {
      expect(colourWanted(c.env, c.tty)).toBe(c.colour);
    });
  }
});

describe('palette', () => {
  it('writes ANSI codes when on and nothing when off', () => {
    expect(palette(true).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(palette(true).bold('x')).toBe('\u001b[1mx\u001b[22m');
    expect(palette(false).red('x')).toBe('x');
    expect(palette(false).dim('x')).toBe('x');
  });
});
