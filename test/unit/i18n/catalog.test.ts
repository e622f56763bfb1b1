import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Catalog, loadCatalog } from '../../../src/i18n/catalog.js';
import { LOCALES, resolveLocale } from '../../../src/i18n/locale.js';
import { TemplateError } from '../../../src/errors.js';
import { DEFAULT_TEMPLATES_DIR } from '../../../src/mailservice/templates.js';
import { EVENT_KINDS } from '../../../src/kinds.js';

const catalog = loadCatalog(DEFAULT_TEMPLATES_DIR);

describe('catalog', () => {
  it('ships en, de and pl, each with every message English has (no silent fallback in a shipped language)', () => {
    assert.deepEqual(catalog.locales().sort(), [...LOCALES].sort());
    const en = catalog.keys('en').sort();
    for (const kind of EVENT_KINDS)
      for (const part of ['title', 'subject', 'headline', 'line', 'heading', 'why', 'steps', 'action'])
        assert.ok(en.includes(`kinds.${kind}.${part}`), `${kind}.${part}`);
    // Units are worded in the cases each language inflects them in (spans.ts): the rest is the same everywhere.
    const sentences = (keys: string[]): string[] => keys.filter((k) => !k.startsWith('units.'));
    for (const locale of LOCALES) {
      assert.deepEqual(sentences(catalog.keys(locale).sort()), sentences(en), locale);
      const cases = catalog.list(locale, 'units.cases');
      for (const unit of ['minute', 'hour', 'day'])
        for (const c of cases) assert.ok(catalog.keys(locale).includes(`units.${unit}.${c}`), `${locale} ${unit} ${c}`);
    }
  });

  it('Polish takes all four plural forms, German two', () => {
    const heading = (locale: 'pl' | 'de', count: number): string =>
      catalog.t(locale, 'digest.heading', { count, nodes: 1 });
    assert.deepEqual(
      [1, 3, 5, 22, 25].map((n) => heading('pl', n)),
      [
        '1 powiadomienie o Twoim węźle',
        '3 powiadomienia o Twoim węźle',
        '5 powiadomień o Twoim węźle',
        '22 powiadomienia o Twoim węźle',
        '25 powiadomień o Twoim węźle',
      ],
    );
    assert.equal(catalog.t('pl', 'kinds.node-offline.headline', { nodes: 3, node: 'x' }), '3 węzły offline');
    assert.equal(catalog.t('pl', 'kinds.node-offline.headline', { nodes: 12, node: 'x' }), '12 węzłów offline');
    assert.deepEqual(
      [1, 2].map((n) => heading('de', n)),
      ['1 Benachrichtigung zu Ihrem Node', '2 Benachrichtigungen zu Ihrem Node'],
    );
  });

  it('maps language tags to shipped locales, English otherwise', () => {
    assert.deepEqual(['de-CH', 'pl', 'PL_pl', 'fr', '', null].map(resolveLocale), ['de', 'pl', 'pl', 'en', 'en', 'en']);
  });

  it('a missing value is a TemplateError naming the key; a message that does not parse fails at load', () => {
    assert.throws(
      () => catalog.t('en', 'kinds.node-offline.subject', {}),
      (e: unknown) => e instanceof TemplateError && /kinds\.node-offline\.subject/.test(e.message),
    );
    const dir = mkdtempSync(join(tmpdir(), 'satnotify-catalog-'));
    try {
      writeFileSync(join(dir, 'en.json'), JSON.stringify({ a: '{count, plural, one {x}' }));
      assert.throws(
        () => Catalog.load(dir),
        (e: unknown) => e instanceof TemplateError && /en\.json.*a does not parse/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
