/**
 * @module i18n/catalog
 * The words of every message, per language: `templates/locales/<locale>.json`, ICU MessageFormat
 * strings (formatjs' intl-messageformat) compiled once at startup. ICU because its plural and
 * select rules come from CLDR through Intl.PluralRules, so Polish `one/few/many` need no code, and
 * because it is the format translation tools (Weblate, Crowdin) edit; a handlebars helper over Intl
 * would have had to reinvent both. A key missing in a language falls back to English.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat } from 'intl-messageformat';
import { TemplateError } from '../errors.js';
import { compileMessage } from './fast-format.js';
import { LOCALES, type Locale } from './locale.js';

/**
 * loadCatalog loads the catalog beside a template folder (`<dir>/locales`), or the shipped one
 * when a custom template folder brings none.
 */
export function loadCatalog(templatesDir: string): Catalog {
  const own = join(templatesDir, 'locales');
  return Catalog.load(existsSync(own) ? own : SHIPPED_LOCALES);
}

const SHIPPED_LOCALES = fileURLToPath(new URL('../../templates/locales/', import.meta.url));

/** MessageValues are the arguments of one message; numbers take plural rules, strings are shown as given. */
export type MessageValues = Readonly<Record<string, string | number>>;

/** Message is one compiled message: the fast form where it has one (fast-format.ts), else intl-messageformat's. */
interface Message {
  format(values: MessageValues): string;
}
type Entry = Message | Message[];

function messageOf(source: string, locale: Locale): Message {
  const m = new IntlMessageFormat(source, locale);
  const fast = compileMessage(m.getAst(), locale, source);
  return fast ? { format: fast } : { format: (values) => String(m.format(values)) };
}

/** Catalog holds every locale's messages, compiled. */
export class Catalog {
  readonly #messages = new Map<Locale, Map<string, Entry>>();

  private constructor() {}

  /**
   * load compiles `<dir>/<locale>.json` for every shipped locale; English must be there, and a message that does not
   * parse is a startup error.
   */
  static load(dir: string): Catalog {
    const catalog = new Catalog();
    const files = new Set(readdirSync(dir));
    if (!files.has('en.json'))
      throw new TemplateError('locales/en.json', `missing in ${dir}: English is every message's fallback`);
    for (const locale of LOCALES) {
      const file = `${locale}.json`;
      if (!files.has(file)) continue;
      const flat = new Map<string, Entry>();
      flatten(JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown, '', (key, message) => {
        try {
          flat.set(key, Array.isArray(message) ? message.map((m) => messageOf(m, locale)) : messageOf(message, locale));
        } catch (err) {
          throw new TemplateError(`locales/${file}`, `${key} does not parse: ${(err as Error).message}`, {
            cause: err,
          });
        }
      });
      catalog.#messages.set(locale, flat);
    }
    return catalog;
  }

  /** locales lists the locales loaded. */
  locales(): Locale[] {
    return [...this.#messages.keys()];
  }

  /** keys lists a locale's own keys (not its fallbacks). */
  keys(locale: Locale): string[] {
    return [...(this.#messages.get(locale)?.keys() ?? [])];
  }

  /** has tells whether a message exists, in the locale or in English. */
  has(key: string): boolean {
    return this.#messages.get('en')?.has(key) ?? false;
  }

  /** t formats one message; a value it names and is not given is a TemplateError naming the key. */
  t(locale: Locale, key: string, values: MessageValues = {}): string {
    const entry = this.#entry(locale, key);
    if (Array.isArray(entry)) throw new TemplateError(`locales/${locale}.json`, `${key} is a list; use list()`);
    return format(entry, locale, key, values);
  }

  /** list formats a list of messages (the steps of what to do). */
  list(locale: Locale, key: string, values: MessageValues = {}): string[] {
    const entry = this.#entry(locale, key);
    return (Array.isArray(entry) ? entry : [entry]).map((m) => format(m, locale, key, values)).filter((s) => s !== '');
  }

  #entry(locale: Locale, key: string): Entry {
    const entry = this.#messages.get(locale)?.get(key) ?? this.#messages.get('en')?.get(key);
    if (!entry) throw new TemplateError('locales/en.json', `no message ${key}`);
    return entry;
  }
}

function format(m: Message, locale: Locale, key: string, values: MessageValues): string {
  try {
    return String(m.format(values));
  } catch (err) {
    throw new TemplateError(`locales/${locale}.json`, `${key}: ${(err as Error).message}`, { cause: err });
  }
}

/** flatten walks the JSON: objects nest keys with dots; a string or a list of strings is a message. */
function flatten(value: unknown, prefix: string, add: (key: string, message: string | string[]) => void): void {
  if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string')))
    return add(prefix, value);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TemplateError('locales', `${prefix || 'the file'} must be a string, a list of strings or an object`);
  for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, add);
}
