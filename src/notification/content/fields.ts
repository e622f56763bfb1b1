/**
 * @module notification/content/fields
 * How the fields of a kind's data are shown: which are times (in the reader's zone), spans,
 * decimals or counts (in their language), which each kind lists as labelled facts, and an
 * announcement's words in the reader's language. Pure.
 */
import { formatDecimal, formatWhen } from '../../i18n/format.js';
import type { Locale } from '../../i18n/locale.js';
import type { EventKind } from '../../kinds.js';

/** How each field of the kinds' data is shown: instants in the reader's zone, spans and decimals in their language. */
export const FIELD_TYPES: Readonly<Record<string, 'instant' | 'span' | 'decimal' | 'count'>> = {
  changes: 'count',
  reminder: 'count',
  remindersLeft: 'count',
  lastContact: 'instant',
  offlineSince: 'instant',
  suspendedSince: 'instant',
  deadline: 'instant',
  offlineFor: 'span',
  suspendedFor: 'span',
  window: 'span',
  quietFor: 'span',
  score: 'decimal',
  threshold: 'decimal',
  previous: 'decimal',
  distance: 'decimal',
  onlineScore: 'decimal',
  unknownScore: 'decimal',
};

/** Which data fields each kind shows as labelled facts (the catalog's `facts` names them). */
export const KIND_FACTS: Partial<Record<EventKind, Record<string, true>>> = {
  'node-offline': { onlineScore: true },
  'node-online': { onlineScore: true },
  'node-flapping': { onlineScore: true },
  'audit-failed': { score: true, threshold: true, distance: true },
  'containment-entered': { score: true, threshold: true },
  disqualified: { reason: true, score: true },
  'version-outdated': { version: true, minimum: true, latest: true, deadline: true },
  'offline-suspended': { onlineScore: true },
  'offline-unsuspended': { onlineScore: true },
  'unknown-audit-suspended': { unknownScore: true },
  'unknown-audit-unsuspended': { unknownScore: true },
  'audit-degrading': { score: true, previous: true, threshold: true, distance: true },
  'online-degrading': { score: true, previous: true, threshold: true, distance: true },
};

/**
 * announcementIn is an announcement's words for a reader of `locale`: its translation into that
 * language when the satellite gave one, else its own (`translated` says which).
 */
export function announcementIn(
  data: Readonly<Record<string, unknown>>,
  locale: Locale,
): { title: string; paragraphs: string[]; action: string; translated: boolean } {
  const translations = data['translations'] as Partial<Record<Locale, Record<string, unknown>>> | undefined;
  const own = translations?.[locale];
  const from = own ?? data;
  const paragraphs = Array.isArray(from['paragraphs']) ? from['paragraphs'].map(String) : [];
  return { title: text(from['title']), paragraphs, action: text(from['action']), translated: own !== undefined };
}

/** languageName is a language's name in the reader's language (`Englisch`, `angielski`). */
export function languageName(language: Locale, reader: Locale): string {
  return new Intl.DisplayNames([reader], { type: 'language' }).of(language) ?? language;
}

/** text is a caller's string field, or nothing. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** shown is a field's value as a reader sees it, by its type. */
export function shown(
  type: (typeof FIELD_TYPES)[string] | undefined,
  value: string | number,
  zone: string,
  locale: Locale,
): string | number {
  if (
    type === 'instant' &&
    typeof value === 'string' &&
    /^\d{4}-\d\d-\d\dT/.test(value) &&
    !Number.isNaN(Date.parse(value))
  )
    return formatWhen(new Date(value), zone, locale);
  if (type === 'decimal' && /^-?\d+(\.\d+)?$/.test(String(value))) return formatDecimal(value, locale);
  // A count stays a number, so a message can choose its plural form.
  if (type === 'count' && /^\d+$/.test(String(value))) return Number(value);
  return String(value);
}
