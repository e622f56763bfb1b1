/**
 * Every TypeScript block in the README and the guides (docs/) is a file in examples/, word for
 * word, and each runs as written against the built package (in a scratch folder, with no database
 * URL in the environment).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runTs } from '../helpers/child.js';
import { scratchDir } from '../helpers/scratch.js';

const ROOT = new URL('../../', import.meta.url);
const PAGES = ['README.md', ...readdirSync(new URL('docs/', ROOT)).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith('.md'),
);
const BLOCK = /(?:<!-- example: (examples\/[\w-]+\.ts) -->\n)?```ts\n([\s\S]*?)```/g;
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('SATNOTIFY_') && k !== 'DATABASE_URL'),
);

describe('README and guide examples', () => {
  const blocks = PAGES.flatMap((page) =>
    [...readFileSync(new URL(page, ROOT), 'utf8').matchAll(BLOCK)].map((m) => ({ page, file: m[1], code: m[2] ?? '' })),
  );

  it('every ts block in the README and the guides names its file in examples/ and matches it', () => {
    assert.ok(blocks.length >= 4);
    for (const b of blocks) {
      assert.ok(b.file, `a block in ${b.page} has no <!-- example: … --> line:\n${b.code.slice(0, 200)}`);
      assert.equal(b.code, readFileSync(new URL(b.file, ROOT), 'utf8'), `${b.file} differs from ${b.page}`);
    }
  });

  it('every file in examples/ is shown in the README or a guide', () => {
    const shown = new Set(blocks.map((b) => b.file));
    for (const f of readdirSync(new URL('examples/', ROOT)))
      assert.ok(shown.has(`examples/${f}`), `examples/${f} is not in the README`);
  });

  for (const f of readdirSync(new URL('examples/', ROOT))) {
    it(`examples/${f} runs as written`, async () => {
      await runTs(fileURLToPath(new URL(`examples/${f}`, ROOT)), [], ENV, scratchDir('example'));
    });
  }
});
