import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { configReference } from '../../../src/cli/config-reference.js';
import { DEFAULTS } from '../../../src/config.js';

describe('CONFIG.md', () => {
  it('is what the schema generates (run `satnotify config --reference > CONFIG.md` after changing config)', () => {
    assert.equal(readFileSync(new URL('../../../CONFIG.md', import.meta.url), 'utf8'), configReference());
  });

  it('lists every key of DEFAULTS, each with a description', () => {
    const md = configReference();
    const keys = (o: object, path: string[] = []): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'object' && v !== null && !Array.isArray(v) && k !== 'channels'
          ? keys(v as object, [...path, k])
          : [[...path, k].join('.')],
      );
    for (const key of keys(DEFAULTS))
      assert.match(md, new RegExp(`^\\| \`${key.replaceAll('.', '\\.')}\` \\| [^|]+ \\| \\S.+ \\|$`, 'm'), key);
  });
});
