/**
 * Issue 42: every kind and the digest, rendered in every language as text and HTML, read by a
 * machine for what a reader notices in the first lines: a placeholder left in, English inside a
 * German or Polish message (outside the terms the glossary lets each language borrow, and quoted
 * words such as a log message), and a decimal in the English form. Each catalog keeps to its
 * glossary: a term's listed alternatives never appear.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PREVIEW_ALL, preview } from '../../../src/cli/preview.js';
import { LOCALES, type Locale } from '../../../src/i18n/locale.js';

interface Glossary {
  terms: Record<string, Record<string, unknown> & { avoid?: Partial<Record<Locale, string[]>> }>;
  borrowed: Partial<Record<Locale, string[]>>;
}
const GLOSSARY = JSON.parse(
  readFileSync(new URL('../../../templates/locales/glossary.json', import.meta.url), 'utf8'),
) as Glossary;

/** English words no German or Polish sentence has a reason to contain ("to" and "by" are Polish words too). */
const COMMON_ENGLISH =
  'the and your is are with from for this that not has have be at of it if or when what which please you its than were does check node';
const ENGLISH: Record<'de' | 'pl', readonly string[]> = {
  de: [...COMMON_ENGLISH.split(' '), 'to', 'by'],
  pl: COMMON_ENGLISH.split(' '),
};

/** textOf is what a reader of an HTML part reads: no markup, no style block, entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|#x27|nbsp);/g, (_m, e: string) =>
      e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'nbsp' ? ' ' : e === 'quot' ? '"' : "'",
    );
}

/** prose is what a sentence check reads: no links, addresses, node ids, quoted words or borrowed terms. */
function prose(text: string, locale: Locale): string {
  let s = text
    .replace(/https?:\/\/\S+|mailto:\S+/g, ' ')
    .replace(/\S+@\S+/g, ' ')
    .replace(/[„“"”][^„“"”\n]*[“"”]/g, ' ')
    .replace(/\b[1-9A-HJ-NP-Za-km-z]{12,}\b/g, ' ')
    .replace(/\b[\w.-]+:\d+\b/g, ' ')
    .replace(/operator\.email|storagenode-updater|GET_AUDIT/g, ' ');
  for (const word of GLOSSARY.borrowed[locale] ?? []) s = s.split(word).join(' ');
  return s;
}

/** checkRender fails on what a reader notices first: a placeholder, English in German or Polish, an English decimal. */
function checkRender(out: string, locale: Locale, format: 'text' | 'html'): void {
  const text = format === 'html' ? textOf(out) : out;
  assert.doesNotMatch(text, /\{[A-Za-z][\w]*\}|\{\{|undefined|NaN|\[object /, 'a placeholder or a missing value');
  if (locale === 'en') return;
  const body = prose(text, locale);
  const found = ENGLISH[locale].filter((w) => new RegExp(`(?<![\\p{L}-])${w}(?![\\p{L}-])`, 'iu').test(body));
  assert.deepEqual(found, [], `English in ${locale}: ${found.join(', ')}`);
  assert.doesNotMatch(body, /(?<![\w.])\d+\.\d+(?![\w.])/, 'a decimal in the English form');
}

/** Variants a kind's sample does not show: a reminder of a node still offline, with and without time left. */
const VARIANTS: Array<{ kind: string; name: string; data: Record<string, unknown> }> = [
  {
    kind: 'node-offline',
    name: 'first reminder',
    data: { reminder: 1, remindersLeft: 1, offlineSince: '2024-04-30T06:00:00Z', offlineFor: 26 * 3_600_000 },
  },
  {
    kind: 'node-offline',
    name: 'last reminder, at the bar',
    data: {
      reminder: 2,
      remindersLeft: 0,
      offlineSince: '2024-04-29T08:00:00Z',
      offlineFor: 48 * 3_600_000,
      onlineScore: '0.601',
    },
  },
];

describe('every render in every language', () => {
  for (const locale of LOCALES)
    for (const kind of PREVIEW_ALL)
      for (const format of ['text', 'html'] as const)
        it(`${kind} (${locale}, ${format}) has no placeholder, no English in another language, no English decimal`, () =>
          checkRender(preview(kind, { locale, format }), locale, format));

  for (const { kind, name, data } of VARIANTS)
    for (const locale of LOCALES)
      for (const format of ['text', 'html'] as const)
        it(`${kind}, ${name} (${locale}, ${format}): the same`, () => {
          const file = join(tmpdir(), `satnotify-variant-${process.pid}.json`);
          writeFileSync(file, JSON.stringify(data));
          try {
            checkRender(preview(kind, { locale, format, dataFile: file }), locale, format);
          } finally {
            rmSync(file, { force: true });
          }
        });

  it('an announcement without a translation into the reader’s language says which language it is in', () => {
    const file = join(tmpdir(), `satnotify-announcement-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ translations: {} }));
    try {
      const text = preview('announcement', { locale: 'pl', dataFile: file });
      assert.match(text, /Ten komunikat jest dostępny tylko w języku: angielski\./);
      assert.match(text, /Planned maintenance on May 4/, 'the default language’s own words follow');
      assert.doesNotMatch(preview('announcement', { locale: 'pl' }), /tylko w języku/, 'not when it was translated');
    } finally {
      rmSync(file, { force: true });
    }
  });
});

describe('the glossary', () => {
  for (const locale of LOCALES)
    it(`${locale}: the catalog uses each term's one word, never a listed alternative`, () => {
      const catalog = JSON.parse(
        readFileSync(new URL(`../../../templates/locales/${locale}.json`, import.meta.url), 'utf8'),
      ) as unknown;
      // The words of every message (not the keys), without the names of the values they take.
      const texts = JSON.stringify(messagesOf(catalog)).replace(/\{[A-Za-z]\w*[,}]/g, ' ');
      const used = Object.entries(GLOSSARY.terms).flatMap(([term, t]) =>
        (t.avoid?.[locale] ?? [])
          .filter((alt) =>
            new RegExp(`(?<![\\p{L}])${alt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}])`, 'iu').test(texts),
          )
          .map((alt) => `${alt} (say "${String(t[locale])}" for ${term})`),
      );
      assert.deepEqual(used, []);
    });
});

/** messagesOf lists every message of a catalog, nested keys left out. */
function messagesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(messagesOf);
  return typeof value === 'object' && value !== null ? Object.values(value).flatMap(messagesOf) : [];
}
