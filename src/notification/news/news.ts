/**
 * @module notification/news/news
 * The public news (BOINC's "Project news"): what a satellite announced for everyone, as its public
 * feed lists it, in one of the languages it was given in. Pure.
 */
import type { Locale } from '../../i18n/locale.js';

/** NewsItem is one public announcement as kept: its words, in the default language and its translations. */
export interface NewsItem {
  id: string;
  recordedAt: Date;
  /** The announcement's data: title, paragraphs, action, and `translations` by language. */
  data: Record<string, unknown>;
}

/** NewsText is a news item worded in one language, with the languages it was given in. */
export interface NewsText {
  title: string;
  lines: string[];
  language: Locale;
  languages: Locale[];
}

interface Words {
  title: string;
  paragraphs: string[];
  action: string;
}

/** newsText is `item` in `language` when it was given in that one, else in `defaultLocale`. */
export function newsText(item: NewsItem, language: string | undefined, defaultLocale: Locale): NewsText {
  const translations = (item.data['translations'] ?? {}) as Partial<Record<Locale, Words>>;
  const languages = [...new Set([defaultLocale, ...(Object.keys(translations) as Locale[])])];
  const locale = languages.find((l) => l === language) ?? defaultLocale;
  const words = (locale === defaultLocale ? item.data : translations[locale]) as unknown as Words;
  return { title: words.title, lines: [...words.paragraphs, words.action], language: locale, languages };
}
