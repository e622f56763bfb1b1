/**
 * @module redact
 * Secrets out of everything printed: URLs lose their passwords wherever they appear in a string,
 * and values under secret-sounding keys are masked. It goes by the value's shape as well as by the
 * key's name, because a URL with a password turns up where no key says so (a whole `database`
 * given as a string, an error message quoting its input).
 */
import { inspect, type InspectOptionsStylized } from 'node:util';

/** The mask that replaces a secret. */
export const MASK = '***';

const SECRET_KEY = /pass(word)?|secret|token|credential|api_?key|private_?key/i;
// Keys that name where secrets are kept (`secretsFile`), not a secret.
const WHERE_KEY = /(File|Dir|Path)$/;
// scheme://user:password@ — the password is whatever runs to the last @ before the host.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s/]*@/gi;

/** redactUrl hides the password in a connection URL (or in any text holding URLs). */
export function redactUrl(text: string): string {
  return text.replace(URL_PASSWORD, `$1${MASK}@`);
}

/** redactSecrets copies a JSON-like value with every password masked, by key name and by value shape. */
export function redactSecrets(value: unknown, key = ''): unknown {
  if (typeof value === 'string')
    return SECRET_KEY.test(key) && !WHERE_KEY.test(key) && value !== '' ? MASK : redactUrl(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v));
  if (isReference(value)) return value; // `{ env: 'NAME' }` says where a secret is, not what
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, k)]));
  return value;
}

/**
 * redactedViews makes `value` print with its secrets masked wherever it is printed whole or in
 * part: `util.inspect` (console.log, a logger) and `JSON.stringify` see a redacted copy of it and
 * of every object inside it, while code reading the fields still gets the real values. The views
 * are non-enumerable, so spreading or iterating the object sees only its own data.
 */
export function redactedViews<T extends object>(value: T): T {
  if (Object.hasOwn(value, 'toJSON')) return value; // marked already (an object shared by two configs)
  for (const inner of Object.values(value))
    if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) redactedViews(inner);
  Object.defineProperties(value, {
    [inspect.custom]: {
      value: (_depth: number, options: InspectOptionsStylized) =>
        inspect(redactSecrets({ ...value }), { ...options, customInspect: false }),
    },
    toJSON: { value: () => redactSecrets({ ...value }) },
  });
  return value;
}

/** isReference is a `{ env }` or `{ secret }` value of channel params. */
function isReference(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 &&
    (keys[0] === 'env' || keys[0] === 'secret') &&
    typeof (value as Record<string, unknown>)[keys[0]] === 'string'
  );
}
