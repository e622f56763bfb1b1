/**
 * @module i18n/spans
 * How long something lasted, in the grammatical case the sentence needs. A span is worded from the
 * catalog's `units` messages (each locale's plural categories, and one message per case the
 * language inflects numbers of days, hours and minutes in), never glued on from outside: German says
 * "innerhalb von 30 Tagen" (dative), Polish "w ciągu 30 dni" (genitive) and "po 30 dniach"
 * (locative). Messages name the case they need: `{window}` is the nominative, `{windowDat}`,
 * `{windowGen}`… the others. Pure.
 */
import type { Catalog } from './catalog.js';
import type { Locale } from './locale.js';

/** The units a span is made of: minutes under an hour, hours (and minutes) under two days, then days (and hours). */
type Unit = 'minute' | 'hour' | 'day';

/** Words made once per catalog: a storm's messages name the same few spans. */
const remembered = new WeakMap<Catalog, Map<string, Readonly<Record<string, string>>>>();
const lists = new Map<string, Intl.ListFormat>();

/**
 * spanCases words `ms` in every case the locale's catalog lists under `units.cases` (the first is
 * the nominative): `{ '': '30 Tage', Dat: '30 Tagen' }`. Keys other than the first are the case
 * names as messages append them to a value's name.
 */
export function spanCases(catalog: Catalog, locale: Locale, ms: number): Readonly<Record<string, string>> {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const key = `${locale}|${minutes}`;
  const mine = remembered.get(catalog) ?? new Map<string, Readonly<Record<string, string>>>();
  remembered.set(catalog, mine);
  const known = mine.get(key);
  if (known) return known;
  const [nominative = 'Nom', ...others] = catalog.list(locale, 'units.cases');
  const parts = partsOf(minutes);
  const list = lists.get(locale) ?? new Intl.ListFormat(locale, { type: 'unit', style: 'long' });
  lists.set(locale, list);
  const worded = (c: string): string =>
    list.format(parts.map(([unit, n]) => catalog.t(locale, `units.${unit}.${c}`, { n })));
  const forms: Record<string, string> = { '': worded(nominative) };
  for (const c of others) forms[c] = worded(c);
  if (mine.size > 10_000) mine.clear();
  mine.set(key, forms);
  return forms;
}

/** partsOf splits a span into at most two units, the larger first. */
function partsOf(minutes: number): Array<[Unit, number]> {
  if (minutes < 60) return [['minute', minutes]];
  const hours = Math.floor(minutes / 60);
  const pair = (big: [Unit, number], small: [Unit, number]): Array<[Unit, number]> =>
    small[1] > 0 ? [big, small] : [big];
  if (hours < 48) return pair(['hour', hours], ['minute', minutes % 60]);
  return pair(['day', Math.floor(hours / 24)], ['hour', hours % 24]);
}

/** spanValues are a span's message arguments: `name` in the nominative and `name<Case>` in each other case. */
export function spanValues(catalog: Catalog, locale: Locale, name: string, ms: number): Record<string, string> {
  return Object.fromEntries(Object.entries(spanCases(catalog, locale, ms)).map(([c, words]) => [`${name}${c}`, words]));
}
