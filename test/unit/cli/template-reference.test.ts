import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { templateReference } from '../../../src/cli/template-reference.js';
import { checkEmail } from '../../../src/notification/content/inputs.js';
import { TemplateSet } from '../../../src/mailservice/templates.js';
import { EVENT_KINDS } from '../../../src/kinds.js';
import { BUILT_IN_FIELDS, parseTemplateData, TEMPLATE_DATA } from '../../../src/mailservice/template-data.js';

describe('template data schemas', () => {
  it("the guide's table of template fields (docs/messages.md) is what the schemas generate", () => {
    const page = readFileSync(new URL('../../../docs/messages.md', import.meta.url), 'utf8');
    const table = /<!-- template-fields:start[^>]*-->\n([\s\S]*?)<!-- template-fields:end -->/.exec(page)?.[1];
    assert.equal(table, templateReference());
  });

  it('every kind has a schema and a sample, and the sample passes the schema', () => {
    const templates = TemplateSet.load();
    assert.deepEqual(Object.keys(TEMPLATE_DATA).sort(), [...EVENT_KINDS].sort());
    for (const name of EVENT_KINDS) {
      const sample = templates.sample(name);
      assert.deepEqual(
        BUILT_IN_FIELDS.filter((f) => f in sample),
        [],
        `${name}'s sample holds only its own data`,
      );
      // An announcement's sample carries its translations beside its data, as a caller's message does.
      const { translations, ...data } = sample;
      assert.doesNotThrow(() => parseTemplateData(name, data), name);
      if (translations !== undefined)
        assert.doesNotThrow(
          () => checkEmail(templates, { template: name, data, translations }),
          `${name} translations`,
        );
    }
  });
});
