/**
 * @module input/text
 * The rules every string from outside must pass before it may reach a message, a header or the
 * database: valid UTF-8, no NUL or other control characters (line breaks only where lines are
 * allowed), no bidirectional overrides (U+202E makes `moc.elpmaxe@` read as something else), and a
 * length counted in code points, as an operator would count characters.
 */
import { z } from 'zod';

// The characters each rule refuses, as character-class bodies. C0 controls and DEL; tab and
// newline are allowed in multi-line text only. C1 controls (U+0085 is a line break to some
// readers, the others are invisible). Unicode's line and paragraph separators: a line break is
// `\n`, where lines are allowed at all. Bidirectional embeddings, overrides, isolates and marks.
// Noncharacters, which XML forbids (U+FFFE, U+FFFF) or which mean nothing. U+FFFD, which a failed
// decode leaves behind.
const CONTROL_ONE_LINE_CHARS = '\\u0000-\\u001F\\u007F';
const CONTROL_LINES_CHARS = '\\u0000-\\u0008\\u000B-\\u001F\\u007F';
const C1_CHARS = '\\u0080-\\u009F';
const SEPARATOR_CHARS = '\\u2028\\u2029';
const BIDI_CHARS = '\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';
const NONCHARACTER_CHARS = `\\uFDD0-\\uFDEF\\uFFFE\\uFFFF${Array.from({ length: 16 }, (_, p) => `\\u{${(p + 1).toString(16)}FFFE}\\u{${(p + 1).toString(16)}FFFF}`).join('')}`;
const CONTROL_ONE_LINE = new RegExp(`[${CONTROL_ONE_LINE_CHARS}]`, 'u');
const CONTROL_LINES = new RegExp(`[${CONTROL_LINES_CHARS}]`, 'u');
const C1 = new RegExp(`[${C1_CHARS}]`, 'u');
const SEPARATOR = new RegExp(`[${SEPARATOR_CHARS}]`, 'u');
const BIDI = new RegExp(`[${BIDI_CHARS}]`, 'u');
const NONCHARACTER = new RegExp(`[${NONCHARACTER_CHARS}]`, 'u');
// Everything the rules refuse, in one pass: most strings are fine, and every rendered email's
// data goes through here, so the common case scans each string once.
const REFUSED_ANYWHERE = `${C1_CHARS}${SEPARATOR_CHARS}${BIDI_CHARS}${NONCHARACTER_CHARS}\\uFFFD`;
const ANY_ONE_LINE = new RegExp(`[${CONTROL_ONE_LINE_CHARS}${REFUSED_ANYWHERE}]`, 'u');
const ANY_LINES = new RegExp(`[${CONTROL_LINES_CHARS}${REFUSED_ANYWHERE}]`, 'u');

/** textProblem says what is wrong with a string, or nothing; `lines` allows tab and LF. */
export function textProblem(value: string, o: { lines: boolean; max: number; min?: number }): string | undefined {
  if (!value.isWellFormed()) return 'is not valid UTF-8 (unpaired surrogate)';
  if ((o.lines ? ANY_LINES : ANY_ONE_LINE).test(value)) {
    if (value.includes('\uFFFD')) return 'is not valid UTF-8 (contains U+FFFD from a failed decode)';
    if ((o.lines ? CONTROL_LINES : CONTROL_ONE_LINE).test(value))
      return o.lines
        ? 'contains a control character (NUL, CR, ESC …)'
        : 'contains a line break or another control character';
    if (C1.test(value)) return 'contains a C1 control character (U+0080–U+009F)';
    if (SEPARATOR.test(value))
      return o.lines
        ? 'contains a Unicode line or paragraph separator (use a line break)'
        : 'contains a Unicode line or paragraph separator';
    if (BIDI.test(value)) return 'contains a bidirectional control character';
    if (NONCHARACTER.test(value)) return 'contains a Unicode noncharacter (U+FFFE, U+FFFF …)';
  }
  const min = o.min ?? 0;
  // A string has at most as many code points as UTF-16 units and at least half as many: count
  // them only when that bound cannot decide.
  if (value.length <= o.max && value.length >= 2 * min) return undefined;
  const length = codePoints(value);
  if (length < min) return o.min === 1 ? 'must not be empty' : `must be at least ${o.min} characters`;
  if (length > o.max) return `is ${length} characters long (at most ${o.max})`;
  return undefined;
}

/** codePoints counts characters as an operator would (an emoji is one, not two UTF-16 units). */
export function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** oneLine is a string for a subject, title or header: one line, at most `max` characters. */
export function oneLine(max: number, min = 1) {
  return checked({ lines: false, max, min });
}

/** lines is a string of text that may span lines (tab and LF only), at most `max` characters. */
export function lines(max: number, min = 1) {
  return checked({ lines: true, max, min });
}

function checked(o: { lines: boolean; max: number; min: number }) {
  return z.string().superRefine((v, ctx) => {
    const problem = textProblem(v, o);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
