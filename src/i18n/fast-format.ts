/**
 * @module i18n/fast-format
 * A compiled form of the ICU messages the catalogs use most: text, `{arg}`, `select`, `plural`
 * (with `=N`, an offset and `#`). It formats exactly as intl-messageformat's formatToParts does
 * (the same rules, the same CLDR data through Intl), as one function per message instead of a walk
 * of its syntax tree per call: a report words dozens of messages, a storm thousands. A message with
 * anything else (a number, date or time style, a tag) is left to intl-messageformat. Pure.
 */

/** Element is the part of the parser's syntax tree this compiles (formatjs' TYPE numbering). */
interface Element {
  type: number;
  value?: string;
  options?: Record<string, { value: Element[] }>;
  offset?: number;
  pluralType?: 'cardinal' | 'ordinal';
}

const LITERAL = 0;
const ARGUMENT = 1;
const SELECT = 5;
const PLURAL = 6;
const POUND = 7;

/** Values are a message's arguments. */
export type Values = Readonly<Record<string, string | number>>;

/** Compiled formats a message; a missing argument throws as intl-messageformat does (MISSING_VALUE). */
export type Compiled = (values: Values) => string;

type Part = (values: Values, pluralValue: number | undefined) => string;

/** compileMessage compiles `ast` for `locale`, or returns null when it has what only intl-messageformat formats. */
export function compileMessage(ast: readonly Element[], locale: string, original: string): Compiled | null {
  const parts = compileParts(ast, locale, original);
  if (!parts) return null;
  return (values) => parts(values, undefined);
}

function compileParts(ast: readonly Element[], locale: string, original: string): Part | null {
  const pieces: Part[] = [];
  for (const el of ast) {
    const piece = compileElement(el, locale, original);
    if (!piece) return null;
    pieces.push(piece);
  }
  if (pieces.length === 1) return pieces[0] as Part;
  return (values, n) => {
    let s = '';
    for (const p of pieces) s += p(values, n);
    return s;
  };
}

function compileElement(el: Element, locale: string, original: string): Part | null {
  if (el.type === LITERAL) {
    const text = el.value ?? '';
    return () => text;
  }
  // `#` shows the plural's number in the language's digits; outside a plural (or inside a select in it) nothing.
  if (el.type === POUND) return (_v, n) => (typeof n === 'number' ? numberFormat(locale).format(n) : '');
  const name = el.value ?? '';
  const valueOf = (values: Values): string | number => {
    if (!(name in values))
      throw new Error(`The intl string context variable "${name}" was not provided to the string "${original}"`);
    return values[name] as string | number;
  };
  if (el.type === ARGUMENT) return (values) => String(valueOf(values));
  if (el.type === SELECT) {
    const options = compileOptions(el, locale, original);
    if (!options) return null;
    const other = options.get('other');
    return (values) => {
      const v = valueOf(values);
      const opt = options.get(String(v)) ?? other;
      if (!opt)
        throw new Error(
          `Invalid value for "${name}": "${String(v)}". Options are "${[...options.keys()].join('", "')}"`,
        );
      return opt(values, undefined); // as intl-messageformat: no plural number inside a select
    };
  }
  if (el.type === PLURAL) {
    const options = compileOptions(el, locale, original);
    if (!options) return null;
    const offset = el.offset ?? 0;
    const type = el.pluralType ?? 'cardinal';
    return (values) => {
      const v = Number(valueOf(values));
      const opt =
        options.get(`=${v}`) ?? options.get(pluralRules(locale, type).select(v - offset)) ?? options.get('other');
      if (!opt)
        throw new Error(`Invalid value for "${name}": "${v}". Options are "${[...options.keys()].join('", "')}"`);
      return opt(values, v - offset);
    };
  }
  return null;
}

function compileOptions(el: Element, locale: string, original: string): Map<string, Part> | null {
  const out = new Map<string, Part>();
  for (const [key, option] of Object.entries(el.options ?? {})) {
    const part = compileParts(option.value, locale, original);
    if (!part) return null;
    out.set(key, part);
  }
  return out;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
const rules = new Map<string, Intl.PluralRules>();

function numberFormat(locale: string): Intl.NumberFormat {
  let f = numberFormats.get(locale);
  if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale)));
  return f;
}

function pluralRules(locale: string, type: 'cardinal' | 'ordinal'): Intl.PluralRules {
  const key = `${locale}|${type}`;
  let r = rules.get(key);
  if (!r) rules.set(key, (r = new Intl.PluralRules(locale, { type })));
  return r;
}
