import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { templateReference } from '../../../src/cli/template-reference.js';
import { TemplateSet } from '../../../src/mailservice/templates.js';
import { BUILT_IN_FIELDS, parseTemplateData, TEMPLATE_DATA } from '../../../src/mailservice/template-data.js';

describe('template data schemas', () => {
  it("the README's table of template fields is what the schemas generate", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const table = /<!-- template-fields:start[^>]*-->\n([\s\S]*?)<!-- template-fields:end -->/.exec(readme)?.[1];
    assert.equal(table, templateReference());
  });

  it('every shipped sample passes its template schema, and every schema has a template', () => {
    const templates = TemplateSet.load();
    for (const name of Object.keys(TEMPLATE_DATA)) {
      assert.ok(templates.has(name), `${name} has a schema but no template`);
      const sample = templates.sample(name);
      for (const f of BUILT_IN_FIELDS) delete sample[f];
      assert.doesNotThrow(() => parseTemplateData(name, sample), name);
    }
  });
});
