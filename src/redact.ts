/**
 * @module redact
 * Secrets out of everything printed: URLs lose their passwords wherever they appear in a string,
 * and values under secret-sounding keys are masked. It goes by the value's shape as well as by the
 * key's name, because a URL with a password turns up where no key says so (a whole `database`
 * given as a string, an error message quoting its input).
 */

/** The mask that replaces a secret. */
export const MASK = '***';

const SECRET_KEY = /pass(word)?|secret|token|credential/i;
// scheme://user:password@ — the password is whatever runs to the last @ before the host.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s/]*@/gi;

/** redactUrl hides the password in a connection URL (or in any text holding URLs). */
export function redactUrl(text: string): string {
  return text.replace(URL_PASSWORD, `$1${MASK}@`);
}

/** redactSecrets copies a JSON-like value with every password masked, by key name and by value shape. */
export function redactSecrets(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return SECRET_KEY.test(key) && value !== '' ? MASK : redactUrl(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, k)]));
  return value;
}
