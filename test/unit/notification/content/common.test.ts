/**
 * The layout's common words (Wording.common) are worded once per language and node count, and the
 * ones naming the address once around a stand-in for it. Whatever the address, they must say
 * exactly what formatting each message for that address says, in every language.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig } from '../../../../src/config.js';
import { loadCatalog } from '../../../../src/i18n/catalog.js';
import { LOCALES } from '../../../../src/i18n/locale.js';
import { TemplateSet } from '../../../../src/mailservice/templates.js';
import { Wording } from '../../../../src/notification/content/wording.js';

const RECIPIENTS = [
  'op@example.com',
  '"a<b>&c"@example.com',
  '{recipient}@example.com',
  "o'brien+#@例え.jp",
  '\u202eevil\u0000@x',
  '',
];

test('common words say what each message formatted for the address says, whatever the address', () => {
  const catalog = loadCatalog(TemplateSet.load().dir);
  const config = resolveConfig({ satellite: { name: 'eu1 <&> "sat"' } });
  const wording = new Wording(catalog, config);
  for (const locale of LOCALES)
    for (const nodes of [1, 2, 5])
      for (const recipient of RECIPIENTS) {
        const common = wording.common({ locale, zone: 'UTC' }, recipient, nodes);
        for (const [key, words] of Object.entries(common))
          assert.equal(
            words,
            catalog.t(locale, `common.${key}`, { satellite: wording.satellite, recipient, nodes }),
            `${locale} ${nodes} ${key} ${JSON.stringify(recipient)}`,
          );
        assert.ok(common['footer']?.includes(recipient), 'the footer names the address');
      }
});
