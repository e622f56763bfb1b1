/**
 * @module mailservice/input
 * Checks for values bound for an email: addresses, header values, and template data that nodes
 * supply about themselves. Every failure is an InvalidInputError naming the field.
 */
import validator from 'validator';
import { InvalidInputError } from '../errors.js';

/** MAX_FIELD_CHARS bounds any one string in template data. */
export const MAX_FIELD_CHARS = 20_000;
/** MAX_MESSAGE_CHARS bounds a rendered email (HTML and text together). */
export const MAX_MESSAGE_CHARS = 512 * 1024;

/** assertEmailAddress accepts one bare address (no display name), rejecting CR/LF and malformed ones. */
export function assertEmailAddress(value: unknown, field = 'email'): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidInputError(field, 'no email address');
  assertHeaderValue(value, field);
  if (!validator.isEmail(value, { allow_display_name: false, require_tld: false, allow_ip_domain: true })) {
    throw new InvalidInputError(field, `${JSON.stringify(value.slice(0, 100))} is not an email address`);
  }
  return value;
}

/** assertHeaderValue rejects CR, LF and NUL, which would let a value start a new header. */
export function assertHeaderValue(value: string, field: string): void {
  if (/[\r\n\0]/.test(value)) throw new InvalidInputError(field, 'contains a line break or NUL (header injection)');
  assertWellFormed(value, field);
}

/** assertWellFormed rejects strings that cannot be encoded as UTF-8 or that carry decoding damage. */
export function assertWellFormed(value: string, field: string): void {
  const problem = malformation(value);
  if (problem) throw new InvalidInputError(field, problem);
}

/** assertTemplateData walks template data and checks every string: well formed, no NUL, bounded length. */
export function assertTemplateData(data: unknown, path = 'data'): void {
  const bad = findBadString(data);
  if (bad) throw new InvalidInputError(path + bad.at, bad.problem);
}

/** malformation says why a string cannot go into an email as UTF-8, or nothing when it can. */
function malformation(value: string): string | undefined {
  if (!value.isWellFormed()) return 'is not valid UTF-8 (unpaired surrogate)';
  if (value.includes('\uFFFD')) return 'is not valid UTF-8 (contains U+FFFD from a failed decode)';
  return undefined;
}

/** dataStringProblem says what is wrong with one string of template data, or nothing. */
function dataStringProblem(value: string): string | undefined {
  return (
    malformation(value) ??
    (value.includes('\0') ? 'contains NUL' : undefined) ??
    (value.length > MAX_FIELD_CHARS ? `is ${value.length} characters long (at most ${MAX_FIELD_CHARS})` : undefined)
  );
}

// Every render walks its data, so the walk builds no path strings; the path of a bad string is
// put together on the way back out, only when there is one.
function findBadString(v: unknown): { problem: string; at: string } | undefined {
  if (typeof v === 'string') {
    const problem = dataStringProblem(v);
    return problem === undefined ? undefined : { problem, at: '' };
  }
  if (typeof v !== 'object' || v === null || v instanceof Date) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = findBadString(v[i]);
      if (bad) return { problem: bad.problem, at: `[${i}]${bad.at}` };
    }
    return undefined;
  }
  for (const k of Object.keys(v)) {
    const bad = findBadString((v as Record<string, unknown>)[k]);
    if (bad) return { problem: bad.problem, at: `.${k}${bad.at}` };
  }
  return undefined;
}
