/**
 * @module mailservice/input
 * Checks for values bound for an email's headers: addresses and header values. Every failure is
 * an InvalidInputError naming the field. The rules themselves live in src/input.
 */
import { InvalidInputError } from '../errors.js';
import { emailProblem } from '../input/address.js';
import { textProblem } from '../input/text.js';

/** MAX_MESSAGE_CHARS bounds a rendered email (HTML and text together). */
export const MAX_MESSAGE_CHARS = 512 * 1024;
/** The longest header value satnotify writes (a subject, a From line). */
const MAX_HEADER_CHARS = 998;

/** assertEmailAddress accepts one bare address (no display name) a mail server will take. */
export function assertEmailAddress(value: unknown, field = 'email'): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidInputError(field, 'no email address');
  const problem = emailProblem(value);
  if (problem) throw new InvalidInputError(field, problem);
  return value;
}

/** assertHeaderValue rejects line breaks, NUL and other controls, which would let a value start a new header. */
export function assertHeaderValue(value: string, field: string): void {
  const problem = textProblem(value, { lines: false, max: MAX_HEADER_CHARS });
  if (problem) throw new InvalidInputError(field, problem);
}
