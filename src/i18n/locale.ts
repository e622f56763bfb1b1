/**
 * @module i18n/locale
 * Pure: which languages satnotify ships and how an operator's language tag maps to one.
 */

/** LOCALES are the languages satnotify ships; anything else reads English. */
export const LOCALES = ['en', 'de', 'pl'] as const;
export type Locale = (typeof LOCALES)[number];

/** Reader is who a message is for: their language and zone. */
export interface Reader {
  locale: Locale;
  zone: string;
}

/**
 * resolveLocale maps an operator's language tag (`de-CH`, `pl`, `fr`) to a shipped locale: its language, else English.
 */
export function resolveLocale(tag: string | null | undefined): Locale {
  const language = (tag ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return (LOCALES as readonly string[]).includes(language) ? (language as Locale) : 'en';
}
